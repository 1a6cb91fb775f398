#include "ffmpeg/ffmpeg_util.h"

extern "C" {
#include <libavutil/log.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <mutex>
#include <string_view>

#include "tessera/base/log.h"

namespace tessera::codecs::ffmpeg {
namespace {

constexpr log::Component kLog{"codec.ffmpeg", log::Tag::kCodec};

void LogCallback(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_WARNING || !log::DebugEnabled(kLog)) return;
  char line[512];
  int print_prefix = 1;
  va_list copy;
  va_copy(copy, args);
  const int n = av_log_format_line2(avcl, level, fmt, copy, line, sizeof(line), &print_prefix);
  va_end(copy);
  if (n <= 0) return;
  std::string_view text(line, std::strlen(line));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  TLOG_DEBUG(kLog, "{}", text);
}

}  // namespace

void SwsDeleter::operator()(SwsContext* s) const {
  sws_freeContext(s);
}
void SwrDeleter::operator()(SwrContext* s) const {
  swr_free(&s);
}

CodecError ErrorFromAv(int averror, const char* detail) {
  if (averror == AVERROR_INVALIDDATA || averror == AVERROR_BUG || averror == AVERROR_BUG2 || averror == AVERROR_EOF ||
      averror == AVERROR_PATCHWELCOME) {
    return {averror == AVERROR_PATCHWELCOME ? CodecErrorCode::kUnsupported : CodecErrorCode::kCorruptData, detail};
  }
  if (averror == AVERROR(ENOMEM)) return {CodecErrorCode::kResourceExhausted, detail};
  if (averror == AVERROR(EINVAL) || averror == AVERROR(ERANGE)) return {CodecErrorCode::kInvalidArgument, detail};
  if (averror == AVERROR(ENOSYS) || averror == AVERROR_DECODER_NOT_FOUND || averror == AVERROR_ENCODER_NOT_FOUND)
    return {CodecErrorCode::kUnsupported, detail};
  return {CodecErrorCode::kLibraryError, detail};
}

void InstallFfmpegLogBridge() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(LogCallback); });
}

}  // namespace tessera::codecs::ffmpeg

#include "ffmpeg_decoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace tessera::codecs::payload::testing {

std::optional<DecodeReport> DecodeWithFfmpeg(const std::string& decoder,
                                             const std::vector<std::vector<uint8_t>>& frames) {
  av_log_set_level(AV_LOG_QUIET);
  const AVCodec* codec = avcodec_find_decoder_by_name(decoder.c_str());
  if (!codec) return std::nullopt;
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  if (!ctx) return std::nullopt;
  // Report damage instead of concealing it.
  ctx->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK | AV_EF_BITSTREAM;
  if (avcodec_open2(ctx, codec, nullptr) < 0) {
    avcodec_free_context(&ctx);
    return std::nullopt;
  }
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  DecodeReport report;
  auto drain = [&] {
    while (avcodec_receive_frame(ctx, frame) == 0) {
      ++report.frames_decoded;
      report.width = frame->width;
      report.height = frame->height;
      if (frame->decode_error_flags && report.first_error.empty()) report.first_error = "decode_error_flags";
      if (frame->decode_error_flags) ++report.errors;
      av_frame_unref(frame);
    }
  };
  for (const auto& f : frames) {
    if (av_new_packet(pkt, static_cast<int>(f.size())) < 0) break;
    std::copy(f.begin(), f.end(), pkt->data);
    const int rc = avcodec_send_packet(ctx, pkt);
    av_packet_unref(pkt);
    if (rc < 0) {
      ++report.errors;
      if (report.first_error.empty()) {
        char buf[AV_ERROR_MAX_STRING_SIZE] = {};
        av_strerror(rc, buf, sizeof(buf));
        report.first_error = buf;
      }
    }
    drain();
  }
  avcodec_send_packet(ctx, nullptr);
  drain();
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&ctx);
  return report;
}

}  // namespace tessera::codecs::payload::testing

#pragma once
// What every FFmpeg-backed codec in codecs/ shares: owning handles, the mapping of AVERROR
// values to CodecError (so no AVERROR leaves codecs/), and the bridge that sends FFmpeg's
// own log lines to Tessera's logger at debug level.
//
// Thread safety: the handles are owned by one codec object; InstallFfmpegLogBridge may be
// called from any thread (it installs the process-wide callback once).

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
}

#include <memory>

#include "tessera/codecs/codec_error.h"
#include "tessera/codecs/ffmpeg_log.h"

struct SwsContext;
struct SwrContext;

namespace tessera::codecs::ffmpeg {

struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct BufferPoolDeleter {
  void operator()(AVBufferPool* p) const { av_buffer_pool_uninit(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const;
};
struct SwrDeleter {
  void operator()(SwrContext* s) const;
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using BufferPoolPtr = std::unique_ptr<AVBufferPool, BufferPoolDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;

// AVERROR_INVALIDDATA and friends -> kCorruptData, ENOMEM -> kResourceExhausted,
// EINVAL -> kInvalidArgument, anything else -> kLibraryError; `detail` is kept as given.
CodecError ErrorFromAv(int averror, const char* detail);

// InstallFfmpegLogBridge (tessera/codecs/ffmpeg_log.h) routes av_log output (warning and
// above) to the 'codec' debug tag, dropping the rest, so a broken stream cannot flood the
// log at info level.

}  // namespace tessera::codecs::ffmpeg

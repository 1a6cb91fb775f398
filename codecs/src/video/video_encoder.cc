// CreateVideoEncoder: the codec rules every implementation relies on, checked once here,
// then the implementation for the codec.
#include "tessera/codecs/video/video_encoder.h"

#include "tessera/codecs/video/h264_levels.h"
#include "video/ffmpeg_video_encoder.h"
#include "video/openh264_video_encoder.h"
#include "video/vpx_video_encoder.h"
#include "video/x264_video_encoder.h"

namespace tessera::codecs {
namespace {

using EncoderResult = Result<std::unique_ptr<VideoEncoder>, CodecError>;

Unexpected<CodecError> Invalid(const char* detail) {
  return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, detail});
}
Unexpected<CodecError> Unsupported(const char* detail) {
  return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, detail});
}

bool IsH263SourceFormat(int w, int h) {
  return (w == 128 && h == 96) || (w == 176 && h == 144) || (w == 352 && h == 288) || (w == 704 && h == 576) ||
         (w == 1408 && h == 1152);
}

EncoderResult CreateH264(VideoEncoderConfig c) {
  const bool high = c.h264_profile == H264Profile::kHigh;
  if (c.h264_level_idc == 0) {
    const auto level = h264::LowestLevelFor(c.width, c.height, c.fps, c.bitrate_bps, high);
    if (!level) return Invalid("no H.264 level holds this size, frame rate and bitrate");
    c.h264_level_idc = level->level_idc;
  } else {
    const auto level = h264::LimitsOf(c.h264_level_idc);
    if (!level) return Invalid("unknown H.264 level_idc");
    if (!c.h264_level_signalled_only && !h264::LevelHolds(*level, c.width, c.height, c.fps, c.bitrate_bps, high))
      return Invalid("size, frame rate or bitrate above the H.264 level's limits");
  }
  switch (c.implementation) {
    case VideoEncoderImplementation::kDefault:
    case VideoEncoderImplementation::kX264:
      return CreateX264VideoEncoder(c);
    case VideoEncoderImplementation::kOpenH264:
      if (c.h264_profile != H264Profile::kConstrainedBaseline)
        return Unsupported("OpenH264 encodes constrained baseline only");
      if (c.intra_refresh) return Unsupported("OpenH264 has no periodic intra refresh");
      return CreateOpenH264VideoEncoder(c);
    default:
      return Unsupported("H.264 is encoded by x264 or OpenH264");
  }
}

}  // namespace

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateVideoEncoder(const VideoEncoderConfig& config) {
  const VideoEncoderConfig& c = config;
  if (!IsVideo(c.codec)) return Invalid("not a video codec");
  if (c.width < 16 || c.height < 16 || c.width > 8192 || c.height > 8192 || c.width % 2 || c.height % 2)
    return Invalid("width and height must be even, 16..8192");
  if (c.fps < 1 || c.fps > 120) return Invalid("fps must be 1..120");
  if (c.bitrate_bps < 10'000 || c.bitrate_bps > 100'000'000) return Invalid("bitrate must be 10 kbit/s..100 Mbit/s");
  if (c.keyframe_interval < 0) return Invalid("keyframe_interval must be >= 0");
  if (c.max_slice_bytes != 0 && (c.max_slice_bytes < 200 || c.max_slice_bytes > 65535))
    return Invalid("max_slice_bytes must be 0 or 200..65535");
  if (c.threads < 1 || c.threads > 16) return Invalid("threads must be 1..16");
  if (c.rate_buffer_ms < 50 || c.rate_buffer_ms > 10'000) return Invalid("rate_buffer_ms must be 50..10000");

  switch (c.codec) {
    case CodecId::kH264:
      return CreateH264(c);
    case CodecId::kH263:
    case CodecId::kH263Plus:
    case CodecId::kH261:
      if (c.implementation != VideoEncoderImplementation::kDefault &&
          c.implementation != VideoEncoderImplementation::kFfmpeg)
        return Unsupported("H.263 and H.261 are encoded by FFmpeg");
      if (c.intra_refresh) return Unsupported("no periodic intra refresh for H.263/H.261");
      if (c.codec == CodecId::kH261 && !((c.width == 176 && c.height == 144) || (c.width == 352 && c.height == 288)))
        return Invalid("H.261 pictures are QCIF (176x144) or CIF (352x288)");
      if (c.codec == CodecId::kH263 && !IsH263SourceFormat(c.width, c.height))
        return Invalid("H.263 pictures are sub-QCIF, QCIF, CIF, 4CIF or 16CIF");
      if (c.codec == CodecId::kH263Plus && (c.width % 4 || c.height % 4 || c.width > 2048 || c.height > 1152))
        return Invalid("H.263+ pictures are multiples of 4, at most 2048x1152");
      return CreateFfmpegVideoEncoder(c);
    case CodecId::kVp8:
      if (c.implementation != VideoEncoderImplementation::kDefault &&
          c.implementation != VideoEncoderImplementation::kLibvpx)
        return Unsupported("VP8 is encoded by libvpx");
      if (c.intra_refresh) return Unsupported("no periodic intra refresh for VP8");
      if (c.width > 16383 || c.height > 16383) return Invalid("VP8 pictures are at most 16383x16383");
      return CreateVpxVideoEncoder(c);
    default:
      return Invalid("not a video codec");
  }
}

}  // namespace tessera::codecs

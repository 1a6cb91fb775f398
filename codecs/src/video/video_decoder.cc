// CreateVideoDecoder: checks the request and picks the implementation.
#include "tessera/codecs/video/video_decoder.h"

#include "video/ffmpeg_video_decoder.h"
#include "video/openh264_video_decoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<VideoDecoder>, CodecError> CreateVideoDecoder(const VideoDecoderConfig& config) {
  if (!IsVideo(config.codec)) return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "not a video codec"});
  if (config.max_pixels <= 0 || config.max_access_unit_bytes == 0)
    return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "decoder limits must be positive"});
  switch (config.implementation) {
    case VideoDecoderImplementation::kDefault:
    case VideoDecoderImplementation::kFfmpeg:
      return CreateFfmpegVideoDecoder(config);
    case VideoDecoderImplementation::kOpenH264:
      return CreateOpenH264VideoDecoder(config);
  }
  return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "unknown decoder implementation"});
}

}  // namespace tessera::codecs

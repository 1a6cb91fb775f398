#pragma once
// libavcodec's native decoders (h264, h263/h263+, h261, vp8) behind VideoDecoder.

#include <memory>

#include "tessera/codecs/video/video_decoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<VideoDecoder>, CodecError> CreateFfmpegVideoDecoder(const VideoDecoderConfig& config);

}  // namespace tessera::codecs

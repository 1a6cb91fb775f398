#pragma once
// Cisco's OpenH264 decoder behind VideoDecoder (Debian's FFmpeg is built without it).

#include <memory>

#include "tessera/codecs/video/video_decoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<VideoDecoder>, CodecError> CreateOpenH264VideoDecoder(const VideoDecoderConfig& config);

}  // namespace tessera::codecs

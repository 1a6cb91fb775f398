#pragma once
// VP8 through libvpx's own API behind VideoEncoder. The config has been validated by
// CreateVideoEncoder.

#include <memory>

#include "tessera/codecs/video/video_encoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateVpxVideoEncoder(const VideoEncoderConfig& config);

}  // namespace tessera::codecs

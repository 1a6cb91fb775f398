#pragma once
// OpenH264 behind VideoEncoder (constrained baseline). The config has been validated by
// CreateVideoEncoder. This header must not include codec_api.h (see openh264_version.cc).

#include <memory>

#include "tessera/codecs/video/video_encoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateOpenH264VideoEncoder(const VideoEncoderConfig& config);

}  // namespace tessera::codecs

#pragma once
// x264 behind VideoEncoder. The config has been validated by CreateVideoEncoder (level
// filled in). This header must not include x264.h (see openh264_version.cc).

#include <memory>

#include "tessera/codecs/video/video_encoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateX264VideoEncoder(const VideoEncoderConfig& config);

}  // namespace tessera::codecs

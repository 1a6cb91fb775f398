#pragma once
// FFmpeg's H.263 (h263), H.263+ (h263p) and H.261 (h261) encoders behind VideoEncoder.
// The config has been validated by CreateVideoEncoder.

#include <memory>

#include "tessera/codecs/video/video_encoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateFfmpegVideoEncoder(const VideoEncoderConfig& config);

}  // namespace tessera::codecs

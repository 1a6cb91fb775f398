#pragma once
// libopus behind AudioEncoder/AudioDecoder.

#include <memory>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<AudioEncoder>, CodecError> CreateOpusEncoder(const AudioEncoderConfig& config);
Result<std::unique_ptr<AudioDecoder>, CodecError> CreateOpusDecoder(const AudioDecoderConfig& config);

}  // namespace tessera::codecs

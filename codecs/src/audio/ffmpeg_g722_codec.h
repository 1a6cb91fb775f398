#pragma once
// G.722 through libavcodec's adpcm_g722 behind AudioEncoder/AudioDecoder.

#include <memory>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"

namespace tessera::codecs {

Result<std::unique_ptr<AudioEncoder>, CodecError> CreateFfmpegG722Encoder(const AudioEncoderConfig& config);
Result<std::unique_ptr<AudioDecoder>, CodecError> CreateFfmpegG722Decoder(const AudioDecoderConfig& config);

}  // namespace tessera::codecs

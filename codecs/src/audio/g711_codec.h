#pragma once
// G.711 mu-law (PCMU) and A-law (PCMA) behind AudioEncoder/AudioDecoder.

#include <memory>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"

namespace tessera::codecs {

std::unique_ptr<AudioEncoder> CreateG711Encoder(const AudioEncoderConfig& config);
std::unique_ptr<AudioDecoder> CreateG711Decoder(const AudioDecoderConfig& config);

}  // namespace tessera::codecs

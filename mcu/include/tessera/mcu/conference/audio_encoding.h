#pragma once
// AudioEncoding: the mix (48 kHz mono, 20 ms) brought to one codec — resampled to its rate
// and encoded — once per tick. The room keeps one per (codec, clock rate, channels, Opus
// settings) for all listeners (design.md §2, idea 3) and one per talker for its own mix
// (total minus own).
//
// Thread safety: owned by the room strand.

#include <array>
#include <memory>
#include <span>
#include <string>

#include "tessera/codecs/audio/audio_encoder.h"
#include "tessera/codecs/audio/resampler.h"
#include "tessera/codecs/capabilities.h"

namespace tessera::mcu::conference {

class AudioEncoding {
 public:
  static Result<std::unique_ptr<AudioEncoding>, std::string> Create(const codecs::Capability& format);
  // Listeners with equal keys share one encoding.
  static std::string KeyOf(const codecs::Capability& format);

  // Encodes one 20 ms frame of 48 kHz mono. The payload is empty for DTX (send nothing).
  std::span<const uint8_t> Encode(std::span<const int16_t> mix48);
  std::span<const uint8_t> payload() const { return {payload_.data(), size_}; }
  uint32_t rtp_timestamp_increment() const { return encoder_->rtp_timestamp_increment(); }
  uint64_t errors() const { return errors_; }

 private:
  AudioEncoding(std::unique_ptr<codecs::AudioEncoder> encoder, std::unique_ptr<codecs::Resampler> resampler)
      : encoder_(std::move(encoder)), resampler_(std::move(resampler)) {}

  std::unique_ptr<codecs::AudioEncoder> encoder_;
  std::unique_ptr<codecs::Resampler> resampler_;  // null when the codec runs at 48 kHz
  std::array<int16_t, 960> resampled_{};
  std::array<uint8_t, codecs::kMaxAudioPayloadBytes> payload_{};
  size_t size_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace tessera::mcu::conference

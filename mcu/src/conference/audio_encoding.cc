#include "tessera/mcu/conference/audio_encoding.h"

#include <variant>

namespace tessera::mcu::conference {

std::string AudioEncoding::KeyOf(const codecs::Capability& f) {
  std::string key = std::string(codecs::CodecName(f.codec)) + "/" + std::to_string(f.clock_rate);
  if (const auto* opus = std::get_if<codecs::OpusParams>(&f.params)) {
    key += ":" + std::to_string(opus->maxplaybackrate) + ":" + std::to_string(opus->maxaveragebitrate) + ":" +
           (opus->useinbandfec ? "fec" : "") + (opus->usedtx ? "dtx" : "") + (opus->cbr ? "cbr" : "");
  }
  return key;
}

Result<std::unique_ptr<AudioEncoding>, std::string> AudioEncoding::Create(const codecs::Capability& f) {
  codecs::AudioEncoderConfig config;
  config.codec = f.codec;
  config.frame_ms = 20;
  if (const auto* opus = std::get_if<codecs::OpusParams>(&f.params)) {
    config.sample_rate = 48000;
    config.fec = opus->useinbandfec;
    config.dtx = opus->usedtx;
    config.max_playback_rate_hz = opus->maxplaybackrate;
    if (opus->maxaveragebitrate > 0) config.bitrate_bps = opus->maxaveragebitrate;
  }
  auto encoder = codecs::CreateAudioEncoder(config);
  if (!encoder) return MakeUnexpected(std::string("audio encoder: ") + encoder.error().detail);
  std::unique_ptr<codecs::Resampler> resampler;
  if ((*encoder)->sample_rate() != 48000) {
    auto r = codecs::CreateResampler(48000, (*encoder)->sample_rate());
    if (!r) return MakeUnexpected(std::string("resampler: ") + r.error().detail);
    resampler = std::move(*r);
  }
  return std::unique_ptr<AudioEncoding>(new AudioEncoding(std::move(*encoder), std::move(resampler)));
}

std::span<const uint8_t> AudioEncoding::Encode(std::span<const int16_t> mix48) {
  size_ = 0;
  std::span<const int16_t> pcm = mix48;
  if (resampler_) {
    auto n = resampler_->Process(mix48, resampled_);
    if (!n) {
      ++errors_;
      return {};
    }
    pcm = std::span<const int16_t>(resampled_.data(), *n);
  }
  auto encoded = encoder_->Encode(pcm, payload_);
  if (!encoded) {
    ++errors_;
    return {};
  }
  size_ = *encoded;
  return payload();
}

}  // namespace tessera::mcu::conference

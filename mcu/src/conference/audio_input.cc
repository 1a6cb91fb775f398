#include "tessera/mcu/conference/audio_input.h"

#include <algorithm>
#include <cstring>

#include "tessera/codecs/payload/audio_payload.h"

namespace tessera::mcu::conference {

namespace {
constexpr int kMixRate = 48000;
}

Result<std::unique_ptr<AudioInput>, std::string> AudioInput::Create(const MediaStreamRequest& request) {
  using codecs::CodecId;
  const CodecId codec = request.format.codec;
  if (codec != CodecId::kOpus && codec != CodecId::kPcmu && codec != CodecId::kPcma && codec != CodecId::kG722)
    return MakeUnexpected(std::string("cannot receive audio as ") + std::string(codecs::CodecName(codec)));
  auto decoder = codecs::CreateAudioDecoder({.codec = codec});
  if (!decoder) return MakeUnexpected(std::string("audio decoder: ") + decoder.error().detail);
  std::unique_ptr<codecs::Resampler> resampler;
  if ((*decoder)->sample_rate() != kMixRate) {
    auto r = codecs::CreateResampler((*decoder)->sample_rate(), kMixRate);
    if (!r) return MakeUnexpected(std::string("resampler: ") + r.error().detail);
    resampler = std::move(*r);
  }
  rtp::AudioJitterBufferConfig config;
  config.clock_rate = static_cast<uint32_t>(request.format.clock_rate);
  config.frame_samples = static_cast<uint32_t>(request.format.clock_rate / 1000 * std::max(request.ptime_ms, 10));
  return std::unique_ptr<AudioInput>(new AudioInput(request, config, std::move(*decoder), std::move(resampler)));
}

AudioInput::AudioInput(const MediaStreamRequest& request, const rtp::AudioJitterBufferConfig& config,
                       std::unique_ptr<codecs::AudioDecoder> decoder, std::unique_ptr<codecs::Resampler> resampler)
    : payload_type_(request.payload_type),
      telephone_event_pt_(request.telephone_event_payload_type),
      stream_(config),
      decoder_(std::move(decoder)),
      resampler_(std::move(resampler)),
      decoder_rate_(decoder_->sample_rate()),
      last_frame_samples_(decoder_rate_ / 50) {}

bool AudioInput::DecodeOne(rtp::TimePoint now) {
  const rtp::AudioPop pop = stream_.Pop(now);
  Result<size_t, codecs::CodecError> decoded = size_t{0};
  switch (pop.kind) {
    case rtp::AudioPopKind::kNotStarted: return false;
    case rtp::AudioPopKind::kFrame:
      decoded = decoder_->Decode(pop.payload, decoded_);
      if (decoded) {
        ++stats_.frames_decoded;
        if (*decoded > 0) last_frame_samples_ = static_cast<int>(*decoded);
        break;
      }
      ++stats_.decode_errors;
      [[fallthrough]];
    case rtp::AudioPopKind::kConceal:
      ++stats_.frames_concealed;
      decoded = pop.lost && !pop.next_payload.empty()
                    ? decoder_->DecodeFec(pop.next_payload, static_cast<size_t>(last_frame_samples_), decoded_)
                    : decoder_->Conceal(static_cast<size_t>(last_frame_samples_), decoded_);
      if (!decoded) return false;
      break;
  }
  size_t samples = *decoded;
  if (samples == 0) return true;
  std::span<const int16_t> at48(decoded_.data(), samples);
  int16_t resampled[codecs::kMaxAudioFrameSamples];
  if (resampler_) {
    // The resampler takes whole 10 ms blocks; a packet of odd length loses its tail.
    const size_t block = static_cast<size_t>(decoder_rate_ / 100);
    samples -= samples % block;
    if (samples == 0) return true;
    auto out = resampler_->Process(std::span<const int16_t>(decoded_.data(), samples), resampled);
    if (!out) return false;
    at48 = std::span<const int16_t>(resampled, *out);
  }
  const size_t room = fifo_.size() - fifo_size_;
  const size_t n = std::min(room, at48.size());
  std::memcpy(fifo_.data() + fifo_size_, at48.data(), n * sizeof(int16_t));
  fifo_size_ += n;
  return true;
}

std::span<const int16_t> AudioInput::Pull(rtp::TimePoint now) {
  for (int i = 0; i < 8 && fifo_size_ < kTickSamples; ++i)
    if (!DecodeOne(now)) break;
  if (fifo_size_ == 0) return {};
  const size_t n = std::min<size_t>(fifo_size_, kTickSamples);
  std::memcpy(tick_.data(), fifo_.data(), n * sizeof(int16_t));
  std::fill(tick_.begin() + static_cast<std::ptrdiff_t>(n), tick_.end(), int16_t{0});
  fifo_size_ -= n;
  std::memmove(fifo_.data(), fifo_.data() + n, fifo_size_ * sizeof(int16_t));
  return tick_;
}

}  // namespace tessera::mcu::conference

#include "tessera/mcu/conference/dtmf_sender.h"

#include <cmath>

#include "tessera/mcu/conference/dtmf_receiver.h"

namespace tessera::mcu::conference {

namespace {

// Each tone at about -9 dBFS: loud enough for any detector after G.711, short of clipping.
constexpr double kAmplitude = 11000;
// RFC 4733 volume field: the power level of the tone, in -dBm0 (10 for a usual key).
constexpr uint8_t kVolume = 10;
constexpr double kRate = DtmfSender::kFrameSamples * 50.0;

}  // namespace

DtmfSender::Step DtmfSender::Next(uint32_t timestamp, uint32_t increment) {
  Step step;
  if (!active_) {
    if (!outbox_->Pop(tone_)) return step;
    active_ = true;
    tick_ = 0;
    start_timestamp_ = timestamp;
    phase_low_ = phase_high_ = 0;
  }
  const int tick = tick_++;
  if (tone_.method == DtmfMethod::kRfc4733) {
    const int event_ticks = kKeyTicks + kEndRepeats;
    if (tick < event_ticks) {
      const bool end = tick >= kKeyTicks;
      const uint32_t duration = increment * static_cast<uint32_t>(end ? kKeyTicks : tick + 1);
      step.kind = Step::Kind::kEvent;
      step.event = {static_cast<uint8_t>(DtmfEventOfDigit(tone_.digit)),
                    static_cast<uint8_t>((end ? 0x80 : 0) | kVolume), static_cast<uint8_t>(duration >> 8),
                    static_cast<uint8_t>(duration)};
      step.payload_type = tone_.payload_type;
      step.timestamp = start_timestamp_;
      step.marker = tick == 0;
    }
    if (tick_ >= event_ticks + kGapTicks) active_ = false;
    return step;
  }
  // In-band: the row and column tones of the key, then silence.
  step.kind = Step::Kind::kSamples;
  const std::optional<DtmfTonePair> tones = DtmfTonesOfDigit(tone_.digit);
  if (tick < kKeyTicks && tones) {
    const double low = 2 * M_PI * tones->low / kRate;
    const double high = 2 * M_PI * tones->high / kRate;
    for (int i = 0; i < kFrameSamples; ++i) {
      const double v = kAmplitude * (std::sin(phase_low_) + std::sin(phase_high_));
      frame_[static_cast<size_t>(i)] = static_cast<int16_t>(v);
      phase_low_ = std::fmod(phase_low_ + low, 2 * M_PI);
      phase_high_ = std::fmod(phase_high_ + high, 2 * M_PI);
    }
  } else {
    frame_.fill(0);
  }
  step.samples = frame_;
  if (tick_ >= kKeyTicks + kGapTicks) active_ = false;
  return step;
}

}  // namespace tessera::mcu::conference

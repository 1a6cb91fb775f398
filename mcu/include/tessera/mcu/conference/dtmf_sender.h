#pragma once
// DtmfSender: the digits the control plane asked to send to one participant
// (ConferenceControl::SendDigits), as what its audio stream carries tick by tick: RFC 4733
// telephone-event packets (one per 20 ms tick while the key is down, with the event's start
// timestamp and a growing duration; the end packet three times) or in-band DTMF tones
// (replacing the participant's mix). Each digit is 100 ms of event or tone, then 100 ms of
// the ordinary mix (RFC 4733) or silence (in-band, so that a detector sees the key go up).
//
// Thread: Push from the control plane (under the conference manager's mutex, the only
// producer); Next on the room's audio strand (the only consumer). No allocation.

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "tessera/mcu/conference/digit_queue.h"
#include "tessera/mcu/control.h"

namespace tessera::mcu::conference {

struct DtmfTone {
  char digit = 0;
  DtmfMethod method = DtmfMethod::kRfc4733;
  uint8_t payload_type = 101;
};
using DtmfOutbox = SpscRing<DtmfTone, 64>;

class DtmfSender {
 public:
  static constexpr int kFrameSamples = 960;  // 20 ms at 48 kHz, the mixer's rate
  static constexpr int kKeyTicks = 5;        // 100 ms key down
  static constexpr int kGapTicks = 5;        // 100 ms key up
  static constexpr int kEndRepeats = 3;      // RFC 4733 §2.5.1.4

  // What one 20 ms tick of the participant's audio carries.
  struct Step {
    enum class Kind : uint8_t { kAudio, kSamples, kEvent };
    Kind kind = Kind::kAudio;
    std::span<const int16_t> samples;  // kSamples: 48 kHz, to encode instead of the mix
    std::array<uint8_t, 4> event{};    // kEvent: the RFC 4733 payload
    uint8_t payload_type = 0;          // kEvent
    uint32_t timestamp = 0;            // kEvent: the event's start
    bool marker = false;               // kEvent: its first packet
  };

  // Shared with the manager's registry, which pushes into it.
  const std::shared_ptr<DtmfOutbox>& outbox() const { return outbox_; }

  // This tick, given the RTP timestamp the tick's audio would carry and the stream's
  // timestamp increment per tick.
  Step Next(uint32_t timestamp, uint32_t increment);

 private:
  std::shared_ptr<DtmfOutbox> outbox_ = std::make_shared<DtmfOutbox>();
  bool active_ = false;
  DtmfTone tone_;
  int tick_ = 0;  // within the current digit
  uint32_t start_timestamp_ = 0;
  double phase_low_ = 0, phase_high_ = 0;
  std::array<int16_t, kFrameSamples> frame_{};
};

}  // namespace tessera::mcu::conference

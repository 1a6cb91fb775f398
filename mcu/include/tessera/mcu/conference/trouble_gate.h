#pragma once
// TroubleGate: decides when a growing error counter deserves an operator's attention as an
// "error" event. The room looks at its counters once a second (decode errors of a
// participant's video, SRTP packets that fail authentication, an output's encoder
// failures); a counter that grew by at least `threshold` since the last look is reported,
// then that subject and kind stay quiet for `quiet` even if the trouble goes on, so that a
// broken endpoint makes one event every `quiet`, not one a second.
//
// Thread safety: none; the room's video strand owns it.

#include <chrono>
#include <cstdint>
#include <map>
#include <utility>

namespace tessera::mcu::conference {

enum class Trouble : uint8_t {
  kVideoDecode,  // a participant's video does not decode (or depacketize)
  kSrtpAudio,    // a participant's audio packets fail SRTP authentication
  kSrtpVideo,    // the same on its video stream
  kVideoEncode,  // an output's encoder fails
  kAudioDecode,  // a participant's audio does not decode (a wrong codec on its payload type)
};

const char* TroubleCode(Trouble trouble);  // the event's stable "code"

class TroubleGate {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TroubleGate(std::chrono::seconds quiet = std::chrono::seconds(30)) : quiet_(quiet) {}

  // `subject`: a participant's number or an output's id; `total`: the counter now. Returns
  // how much it grew since the last look when that is worth an event (at least
  // `threshold` in each of the last `looks` looks, and nothing reported for this subject
  // and kind in the last `quiet`), else 0. More than one look keeps a blip quiet: a video
  // joined between keyframes fails to decode until the next one, which is normal.
  uint64_t Look(uint64_t subject, Trouble trouble, uint64_t total, uint64_t threshold, Clock::time_point now,
                int looks = 1);
  // The subject is gone (participant left, output closed): its state goes with it.
  void Forget(uint64_t subject);

 private:
  struct State {
    uint64_t last_total = 0;
    int streak = 0;  // consecutive looks that grew by the threshold
    bool reported = false;
    Clock::time_point reported_at{};
  };
  std::chrono::seconds quiet_;
  std::map<std::pair<uint64_t, Trouble>, State> states_;
};

}  // namespace tessera::mcu::conference

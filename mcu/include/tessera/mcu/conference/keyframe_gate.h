#pragma once
// KeyframeGate: one output's answer to keyframe requests. Every PLI/FIR of every subscriber,
// every new subscriber and every out-of-band request (SIP INFO, H.245) lands here; the
// encoder is forced at most once per interval (default 500 ms), and a request that arrives
// inside the interval is remembered and served when it ends — so a thousand subscribers
// asking at once cost one keyframe, and nobody's request is lost.
//
// Thread safety: owned by the room strand.

#include <chrono>
#include <cstdint>
#include <optional>

#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::conference {

class KeyframeGate {
 public:
  explicit KeyframeGate(std::chrono::milliseconds min_interval = std::chrono::milliseconds(500))
      : min_interval_(min_interval) {}

  void Request() {
    pending_ = true;
    ++requests_;
  }
  // Called before each encode: true when the encoder must make this frame a keyframe.
  bool ShouldForce(rtp::TimePoint now) {
    if (!pending_) return false;
    if (last_keyframe_ && now - *last_keyframe_ < min_interval_) return false;
    pending_ = false;
    ++forced_;
    return true;
  }
  // The encoder produced a keyframe (forced or its own): the interval starts again, and it
  // serves every request made before it.
  void OnKeyframe(rtp::TimePoint now, bool forced) {
    last_keyframe_ = now;
    if (!forced) pending_ = false;
  }

  bool pending() const { return pending_; }
  uint64_t requests() const { return requests_; }
  uint64_t forced() const { return forced_; }

 private:
  std::chrono::milliseconds min_interval_;
  std::optional<rtp::TimePoint> last_keyframe_;
  bool pending_ = false;
  uint64_t requests_ = 0;
  uint64_t forced_ = 0;
};

}  // namespace tessera::mcu::conference

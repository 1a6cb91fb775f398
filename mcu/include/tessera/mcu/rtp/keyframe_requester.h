#pragma once
// Asking a video sender for a keyframe, politely: PLI (RFC 4585 §6.3.1) or, where the
// endpoint negotiated only "ccm fir", FIR (RFC 5104 §4.3.1), rate-limited and repeated
// until a keyframe arrives.
//
//   requester.Request(now);                       // the decoder or jitter buffer needs one
//   if (auto r = requester.Poll(now)) Send(*r);   // at most one per min_interval
//   requester.OnKeyframe();                       // stop asking
//
// FIR carries a command sequence number that changes only for a new request; repeats of
// an unanswered request reuse it (RFC 5104 §4.3.1.2), so the sender does not send several
// keyframes for one need.
//
// Thread safety: owned by one receive stream, used on its thread only.

#include <chrono>
#include <cstdint>
#include <optional>

#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::rtp {

enum class KeyframeRequestMethod : uint8_t {
  kNone,  // the endpoint negotiated neither (only waiting helps)
  kPli,
  kFir,
};

struct KeyframeRequesterConfig {
  KeyframeRequestMethod method = KeyframeRequestMethod::kPli;
  // No two requests closer than this; an unanswered request is repeated at this pace.
  std::chrono::milliseconds min_interval{300};
};

struct KeyframeRequest {
  KeyframeRequestMethod method = KeyframeRequestMethod::kPli;
  uint8_t fir_sequence_number = 0;  // for FIR only
};

struct KeyframeRequestStats {
  uint64_t needed = 0;  // Request() calls
  uint64_t sent = 0;    // requests Poll() released (PLI or FIR)
  uint64_t fir_sent = 0;
  uint64_t satisfied = 0;  // keyframes that ended a pending need
};

class KeyframeRequester {
 public:
  explicit KeyframeRequester(const KeyframeRequesterConfig& config = {}) : config_(config) {}

  void Request(TimePoint now);
  void OnKeyframe();
  // A request to send now, if one is pending and the rate limit allows.
  std::optional<KeyframeRequest> Poll(TimePoint now);
  // When Poll may next return a request (null when nothing is pending).
  std::optional<TimePoint> NextPoll() const;

  bool pending() const { return pending_; }
  const KeyframeRequestStats& stats() const { return stats_; }
  void set_method(KeyframeRequestMethod method) { config_.method = method; }

 private:
  KeyframeRequesterConfig config_;
  bool pending_ = false;
  bool new_request_ = false;  // the pending need has not been sent yet (FIR: new number)
  std::optional<TimePoint> last_sent_;
  uint8_t fir_sequence_number_ = 0;
  KeyframeRequestStats stats_;
};

}  // namespace tessera::mcu::rtp

#pragma once
// Which packets of an incoming video stream to ask again for (generic NACK, RFC 4585
// §6.2.1), and when to stop asking.
//
// Every gap in the unwrapped sequence numbers adds its missing packets to a list. Each entry
// is NACKed after a short reordering grace, then again every max(RTT, floor) until the
// packet arrives, `max_retries` requests went out, or it is older than `max_age`; then it
// is given up ("lost for good"), which is the jitter buffer's cue to skip the frame and the
// receive stream's cue to ask for a keyframe. A gap too large to track gives up everything
// at once (asking for thousands of packets would only add load to a congested path).
//
// No allocation after construction: the list is a fixed-capacity ring sorted by sequence.
// Thread safety: owned by one receive stream, used on its thread only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::rtp {

struct NackConfig {
  size_t max_list_size = 512;                        // missing packets tracked at once
  int max_retries = 10;                              // requests per packet
  std::chrono::milliseconds max_age{1000};           // since the loss was detected
  std::chrono::milliseconds min_retry_interval{20};  // floor of the RTT-based resend interval
  std::chrono::milliseconds reorder_grace{5};        // before the first request
};

struct NackStats {
  uint64_t requested = 0;  // sequence numbers sent in NACKs (with repeats)
  uint64_t recovered = 0;  // missing packets that arrived after all
  uint64_t gave_up = 0;    // missing packets abandoned (retries, age or overflow)
  uint64_t overflows = 0;  // gaps too large to track
};

class NackTracker {
 public:
  explicit NackTracker(const NackConfig& config = {});

  enum class Arrival : uint8_t {
    kInOrder,        // the newest so far
    kReordered,      // filled a gap before it was NACKed
    kRetransmitted,  // filled a gap after a NACK asked for it
    kOld,            // not missing: a duplicate, or older than what is tracked
  };
  // A packet arrived with this unwrapped sequence number.
  Arrival OnPacket(int64_t sequence_number, TimePoint now);
  // Fills `out` with the sequence numbers (low 16 bits) to NACK now, oldest first, and
  // counts a request for each; returns how many. Entries past their retries or age are
  // given up first.
  size_t Collect(TimePoint now, std::chrono::microseconds rtt, std::span<uint16_t> out);
  // Highest sequence number given up so far (null if none): everything missing up to it
  // will not be repaired.
  std::optional<int64_t> lost_for_good_through() const { return lost_through_; }
  // Stop tracking everything before `sequence_number` (the jitter buffer moved past it).
  void DropBefore(int64_t sequence_number);
  void Reset();
  // On a path with jitter, packets arrive out of order routinely; a longer grace before
  // the first request avoids asking for packets that are only late (the receive stream
  // sets it from the measured jitter).
  void set_reorder_grace(std::chrono::microseconds grace) { reorder_grace_ = grace; }
  std::chrono::microseconds reorder_grace() const { return reorder_grace_; }

  size_t missing() const { return alive_; }
  const NackStats& stats() const { return stats_; }

 private:
  struct Entry {
    int64_t sequence_number = 0;
    TimePoint detected{};
    TimePoint last_sent{};
    int retries = 0;
    bool present = true;  // false once recovered (lazily removed from the front)
  };
  Entry& At(size_t i) { return entries_[(head_ + i) & mask_]; }
  void GiveUp(int64_t sequence_number);
  void PopFront();
  void TrimFront();

  NackConfig config_;
  std::chrono::microseconds reorder_grace_;
  std::vector<Entry> entries_;  // ring, capacity a power of two
  size_t mask_ = 0;
  size_t head_ = 0;
  size_t count_ = 0;  // slots in use, including recovered ones not yet trimmed
  size_t alive_ = 0;  // entries still missing
  std::optional<int64_t> highest_;
  std::optional<int64_t> lost_through_;
  NackStats stats_;
};

}  // namespace tessera::mcu::rtp

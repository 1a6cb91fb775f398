#pragma once
// The recently sent packets of one outgoing stream, kept to answer NACKs (RFC 4585
// §6.2.1) by sending the same packet again (same SSRC and sequence number; SRTP senders
// must allow repeated indexes, see SrtpSession).
//
// Packets are kept as plain RTP (before SRTP) in a ring indexed by sequence number, for
// at most `max_age`; the same packet is not resent twice within the requester's round
// trip, so a burst of duplicate NACKs costs one retransmission.
//
// Memory: capacity * max_packet_size bytes allocated at construction; nothing per packet.
// Thread safety: owned by the output stream, used on its thread only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::rtp {

struct RtpSendHistoryConfig {
  size_t capacity = 1024;  // packets; rounded up to a power of two
  size_t max_packet_size = 1500;
  std::chrono::milliseconds max_age{2000};
};

struct RtpSendHistoryStats {
  uint64_t stored = 0;
  uint64_t resent = 0;
  uint64_t not_held = 0;   // asked for, but never stored, overwritten or too old
  uint64_t throttled = 0;  // asked for again within the minimum interval
};

class RtpSendHistory {
 public:
  explicit RtpSendHistory(const RtpSendHistoryConfig& config = {});

  // Keeps a copy of a sent RTP packet; false if it is larger than a slot or not RTP.
  bool Store(std::span<const uint8_t> packet, TimePoint now);
  // The packet to resend for a NACKed sequence number, if held, fresh enough, and not
  // resent within `min_interval` (use the RTT). Valid until the next Store.
  std::optional<std::span<const uint8_t>> GetForResend(uint16_t sequence_number, TimePoint now,
                                                       std::chrono::microseconds min_interval);
  void Clear();
  const RtpSendHistoryStats& stats() const { return stats_; }

 private:
  struct Slot {
    bool used = false;
    uint16_t sequence_number = 0;
    uint16_t size = 0;
    TimePoint stored{};
    std::optional<TimePoint> last_resent;
  };
  RtpSendHistoryConfig config_;
  std::vector<Slot> slots_;
  std::vector<uint8_t> arena_;
  size_t mask_ = 0;
  RtpSendHistoryStats stats_;
};

}  // namespace tessera::mcu::rtp

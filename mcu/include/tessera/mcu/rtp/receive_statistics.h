#pragma once
// Reception statistics of one incoming RTP source, as RFC 3550 defines them and reports
// them in RR/SR report blocks:
//   A.1  sequence validity: extended highest sequence number, wrap cycles, restarts after a
//        large jump (two consecutive packets past MAX_DROPOUT);
//   A.3  expected and lost packets, cumulative and as a fraction since the last report;
//   A.8  interarrival jitter, in RTP timestamp units;
//   6.4.1 LSR/DLSR, from the last sender report received from the source.
//
// Thread safety: owned by the receive stream, used on its thread only.

#include <chrono>
#include <cstdint>
#include <optional>

#include "tessera/mcu/rtp/ntp_time.h"
#include "tessera/mcu/rtp/rtcp_packet.h"

namespace tessera::mcu::rtp {

class ReceiveStatistics {
 public:
  // RFC 3550 A.1 constants.
  static constexpr uint16_t kMaxDropout = 3000;
  static constexpr uint16_t kMaxMisorder = 100;

  explicit ReceiveStatistics(uint32_t clock_rate);

  enum class Kind : uint8_t {
    kOriginal,        // as first sent
    kLate,            // reordered: counted, but its timing says nothing about jitter
    kRetransmission,  // the answer to a NACK: the path lost the original
  };
  // Every packet of the source as it arrives (after SRTP, before the jitter buffer).
  // Retransmissions on the same SSRC are not counted as received, so RR loss reports what
  // the path lost (what the sender's rate control must react to) whether or not NACK
  // repaired it — as RFC 4588's separate retransmission SSRC would. Returns false for a
  // packet A.1 does not count (the first of a large jump).
  bool OnPacket(uint16_t sequence_number, uint32_t rtp_timestamp, TimePoint arrival, size_t bytes,
                Kind kind = Kind::kOriginal);
  // A sender report from this source arrived: remembered for LSR/DLSR.
  void OnSenderReport(const SenderInfo& info, TimePoint arrival);

  // The report block for the next RR/SR, and the start of a new reporting interval
  // (fraction lost covers the packets since the previous call).
  ReportBlock MakeReportBlock(uint32_t source_ssrc, TimePoint now);

  bool has_packets() const { return started_; }
  uint64_t packets_received() const { return received_; }
  uint64_t retransmissions() const { return retransmissions_; }
  uint64_t bytes_received() const { return bytes_; }
  uint32_t extended_highest_sequence() const { return cycles_ + max_seq_; }
  int64_t expected() const;
  int64_t cumulative_lost() const;                     // may be negative when duplicates arrive
  uint32_t jitter() const { return jitter_q4_ >> 4; }  // RTP timestamp units
  std::chrono::microseconds jitter_duration() const;
  uint32_t restarts() const { return restarts_; }
  // The sender's last SR (NTP + RTP timestamps), for lip-sync; null before the first.
  std::optional<SenderInfo> last_sender_report() const { return last_sr_; }

 private:
  void InitSequence(uint16_t sequence_number);
  uint32_t ArrivalInRtpUnits(TimePoint arrival) const;

  uint32_t clock_rate_;
  bool started_ = false;
  TimePoint epoch_{};  // arrival of the first packet; jitter arithmetic is relative to it
  uint16_t max_seq_ = 0;
  uint32_t cycles_ = 0;  // shifted count of sequence number cycles
  uint32_t base_seq_ = 0;
  uint32_t bad_seq_ = 0x10001;  // "not a sequence number" (RFC 3550 A.1: RTP_SEQ_MOD + 1)
  uint64_t received_ = 0;
  uint64_t bytes_ = 0;
  int64_t expected_prior_ = 0;
  uint64_t received_prior_ = 0;
  bool have_transit_ = false;
  uint32_t transit_ = 0;
  uint32_t jitter_q4_ = 0;  // jitter * 16, as in A.8
  uint32_t restarts_ = 0;
  uint64_t retransmissions_ = 0;
  std::optional<SenderInfo> last_sr_;
  TimePoint last_sr_arrival_{};
};

}  // namespace tessera::mcu::rtp

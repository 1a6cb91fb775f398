#pragma once
// What one outgoing RTP stream reports and learns through RTCP: the sender info of its SRs
// (packet and octet counts, and the NTP <-> RTP timestamp mapping receivers use for
// lip-sync, RFC 3550 §6.4.1), and what receivers report back about it (loss, jitter, and
// the round-trip time computed from LSR/DLSR).
//
// Thread safety: owned by the output stream, used on its thread only.

#include <chrono>
#include <cstdint>
#include <optional>

#include "tessera/mcu/rtp/ntp_time.h"
#include "tessera/mcu/rtp/rtcp_packet.h"

namespace tessera::mcu::rtp {

class SendStatistics {
 public:
  explicit SendStatistics(uint32_t clock_rate);

  // Every RTP packet sent: `payload_bytes` excludes header and padding (RFC 3550 octet count).
  // `capture_time` is when the media of `rtp_timestamp` was sampled on the monotonic clock.
  void OnPacketSent(uint32_t rtp_timestamp, TimePoint capture_time, size_t payload_bytes);
  bool has_sent() const { return sent_any_; }

  // Sender info for an SR built now: the RTP timestamp is extrapolated from the last packet
  // to `now`, and paired with the wall-clock NTP time `ntp_now`.
  SenderInfo MakeSenderInfo(NtpTime ntp_now, TimePoint now) const;

  // A report block about this stream arrived in an RR/SR at `arrival_ntp` (wall clock).
  void OnReportBlock(const ReportBlock& block, NtpTime arrival_ntp);
  std::optional<ReportBlock> last_report() const { return last_report_; }
  std::optional<std::chrono::microseconds> rtt() const { return rtt_; }

  uint32_t packets_sent() const { return packets_; }
  uint32_t octets_sent() const { return octets_; }

 private:
  uint32_t clock_rate_;
  bool sent_any_ = false;
  uint32_t packets_ = 0;  // RFC 3550: wraps modulo 2^32
  uint32_t octets_ = 0;
  uint32_t last_rtp_timestamp_ = 0;
  TimePoint last_capture_time_{};
  std::optional<ReportBlock> last_report_;
  std::optional<std::chrono::microseconds> rtt_;
};

}  // namespace tessera::mcu::rtp

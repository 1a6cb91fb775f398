#include "tessera/mcu/rtp/send_statistics.h"

namespace tessera::mcu::rtp {

SendStatistics::SendStatistics(uint32_t clock_rate) : clock_rate_(clock_rate == 0 ? 90000 : clock_rate) {}

void SendStatistics::OnPacketSent(uint32_t rtp_timestamp, TimePoint capture_time, size_t payload_bytes) {
  sent_any_ = true;
  ++packets_;
  octets_ += static_cast<uint32_t>(payload_bytes);
  last_rtp_timestamp_ = rtp_timestamp;
  last_capture_time_ = capture_time;
}

SenderInfo SendStatistics::MakeSenderInfo(NtpTime ntp_now, TimePoint now) const {
  SenderInfo info;
  info.ntp = ntp_now;
  info.packet_count = packets_;
  info.octet_count = octets_;
  // The RTP timestamp that corresponds to `now`: the last packet's, advanced by the time
  // since its capture (RFC 3550 §6.4.1: "the same time as the NTP timestamp").
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(now - last_capture_time_).count();
  const int64_t ticks = micros * static_cast<int64_t>(clock_rate_) / 1'000'000;
  info.rtp_timestamp = last_rtp_timestamp_ + static_cast<uint32_t>(ticks);
  return info;
}

void SendStatistics::OnReportBlock(const ReportBlock& block, NtpTime arrival_ntp) {
  last_report_ = block;
  if (auto rtt = RoundTripTime(arrival_ntp.Compact(), block.last_sr, block.delay_since_last_sr)) rtt_ = rtt;
}

}  // namespace tessera::mcu::rtp

#pragma once
// The regular RTCP report of one endpoint (RFC 3550 §6.4, §6.5): an SR when it sent RTP
// since the last report (with the NTP <-> RTP timestamp mapping), else an RR; a report block
// per source heard; then an SDES CNAME. A report packet holds at most 31 blocks, so more
// sources spill into further RR packets in the same compound (§6.4.2), as an MCU with many
// senders in one session needs.
//
//   RtcpBuilder b(buffer);
//   BuildRtcpReport({.local_ssrc = ssrc, .cname = cname, .sender = &send_stats, .blocks = blocks},
//                   NtpNow(), Clock::now(), b);
//   // ... then any feedback, then SRTCP-protect and send.
//
// Thread safety: a pure function of its arguments; any thread.

#include <cstdint>
#include <span>
#include <string_view>

#include "tessera/mcu/rtp/ntp_time.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/send_statistics.h"

namespace tessera::mcu::rtp {

struct RtcpReportContent {
  uint32_t local_ssrc = 0;
  std::string_view cname;
  const SendStatistics* sender = nullptr;  // null or nothing sent: RR
  std::span<const ReportBlock> blocks;     // one per source heard
};

// Appends the report to `builder`; false (and `builder` unchanged) if it does not fit.
bool BuildRtcpReport(const RtcpReportContent& content, NtpTime ntp_now, TimePoint now, RtcpBuilder& builder);

}  // namespace tessera::mcu::rtp

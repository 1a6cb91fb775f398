#include "tessera/mcu/rtp/rtcp_report.h"

#include <algorithm>

namespace tessera::mcu::rtp {

bool BuildRtcpReport(const RtcpReportContent& content, NtpTime ntp_now, TimePoint now, RtcpBuilder& builder) {
  const size_t start = builder.size();
  auto fail = [&] {
    // Roll back: a half-written compound must not go out.
    builder.Truncate(start);
    return false;
  };
  std::span<const ReportBlock> blocks = content.blocks;
  const size_t first = std::min(blocks.size(), rtcp::kMaxReportBlocks);
  const bool sent = content.sender && content.sender->has_sent();
  if (sent) {
    if (!builder.AddSenderReport(content.local_ssrc, content.sender->MakeSenderInfo(ntp_now, now),
                                 blocks.first(first))) {
      return fail();
    }
  } else if (!builder.AddReceiverReport(content.local_ssrc, blocks.first(first))) {
    return fail();
  }
  blocks = blocks.subspan(first);
  while (!blocks.empty()) {
    const size_t n = std::min(blocks.size(), rtcp::kMaxReportBlocks);
    if (!builder.AddReceiverReport(content.local_ssrc, blocks.first(n))) return fail();
    blocks = blocks.subspan(n);
  }
  if (!builder.AddSdesCname(content.local_ssrc, content.cname)) return fail();
  return true;
}

}  // namespace tessera::mcu::rtp

#include "tessera/mcu/rtp/rtcp_builder.h"

#include <cstring>

#include "tessera/base/byte_io.h"

namespace tessera::mcu::rtp {
namespace {

void WriteReportBlock(uint8_t* p, const ReportBlock& b) {
  Store32(p, b.source_ssrc);
  p[4] = b.fraction_lost;
  // Clamp to the signed 24-bit range before storing its two's complement.
  int32_t lost = b.cumulative_lost;
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  Store24(p + 5, static_cast<uint32_t>(lost) & 0xFFFFFF);
  Store32(p + 8, b.extended_highest_sequence);
  Store32(p + 12, b.jitter);
  Store32(p + 16, b.last_sr);
  Store32(p + 20, b.delay_since_last_sr);
}

uint32_t TmmbWord(const TmmbItem& item) {
  const MantissaExponent me = EncodeBitrate(item.bitrate_bps, 17);
  return (uint32_t{me.exponent} << 26) | (me.mantissa << 9) | (item.overhead & 0x1FFu);
}

}  // namespace

uint8_t* RtcpBuilder::Begin(uint8_t count, uint8_t packet_type, size_t total) {
  if (total % 4 != 0 || total < rtcp::kHeaderSize || size_ + total > buffer_.size()) return nullptr;
  if (total / 4 - 1 > 0xFFFF) return nullptr;
  uint8_t* p = buffer_.data() + size_;
  p[0] = static_cast<uint8_t>(0x80 | (count & 0x1F));
  p[1] = packet_type;
  Store16(p + 2, static_cast<uint16_t>(total / 4 - 1));
  size_ += total;
  return p;
}

bool RtcpBuilder::AddSenderReport(uint32_t sender_ssrc, const SenderInfo& info, std::span<const ReportBlock> blocks) {
  if (blocks.size() > rtcp::kMaxReportBlocks) return false;
  uint8_t* p = Begin(static_cast<uint8_t>(blocks.size()), rtcp::kSenderReport,
                     rtcp::kHeaderSize + 24 + blocks.size() * rtcp::kReportBlockSize);
  if (!p) return false;
  Store32(p + 4, sender_ssrc);
  Store64(p + 8, info.ntp.value);
  Store32(p + 16, info.rtp_timestamp);
  Store32(p + 20, info.packet_count);
  Store32(p + 24, info.octet_count);
  for (size_t i = 0; i < blocks.size(); ++i)
    WriteReportBlock(p + 28 + i * rtcp::kReportBlockSize, blocks[i]);
  return true;
}

bool RtcpBuilder::AddReceiverReport(uint32_t sender_ssrc, std::span<const ReportBlock> blocks) {
  if (blocks.size() > rtcp::kMaxReportBlocks) return false;
  uint8_t* p = Begin(static_cast<uint8_t>(blocks.size()), rtcp::kReceiverReport,
                     rtcp::kHeaderSize + 4 + blocks.size() * rtcp::kReportBlockSize);
  if (!p) return false;
  Store32(p + 4, sender_ssrc);
  for (size_t i = 0; i < blocks.size(); ++i)
    WriteReportBlock(p + 8 + i * rtcp::kReportBlockSize, blocks[i]);
  return true;
}

bool RtcpBuilder::AddSdesCname(uint32_t ssrc, std::string_view cname) {
  if (cname.size() > 255) return false;
  // SSRC, CNAME item (type, length, text), END and null padding to 32 bits: at least one
  // null octet must follow the last item (RFC 3550 §6.5).
  const size_t chunk = 4 + 2 + cname.size();
  const size_t padded = (chunk + 1 + 3) / 4 * 4;
  uint8_t* p = Begin(1, rtcp::kSdes, rtcp::kHeaderSize + padded);
  if (!p) return false;
  Store32(p + 4, ssrc);
  p[8] = rtcp::kSdesCname;
  p[9] = static_cast<uint8_t>(cname.size());
  std::memcpy(p + 10, cname.data(), cname.size());
  std::memset(p + 4 + chunk, 0, padded - chunk);
  return true;
}

bool RtcpBuilder::AddBye(std::span<const uint32_t> ssrcs, std::string_view reason) {
  if (ssrcs.size() > 31 || reason.size() > 255) return false;
  size_t body = 4 * ssrcs.size();
  if (!reason.empty()) body += (1 + reason.size() + 3) / 4 * 4;
  uint8_t* p = Begin(static_cast<uint8_t>(ssrcs.size()), rtcp::kBye, rtcp::kHeaderSize + body);
  if (!p) return false;
  for (size_t i = 0; i < ssrcs.size(); ++i)
    Store32(p + 4 + 4 * i, ssrcs[i]);
  if (!reason.empty()) {
    uint8_t* r = p + 4 + 4 * ssrcs.size();
    const size_t padded = (1 + reason.size() + 3) / 4 * 4;
    std::memset(r, 0, padded);
    r[0] = static_cast<uint8_t>(reason.size());
    std::memcpy(r + 1, reason.data(), reason.size());
  }
  return true;
}

bool RtcpBuilder::AddApp(uint8_t subtype, uint32_t ssrc, std::string_view name4, std::span<const uint8_t> data) {
  if (subtype > 31 || name4.size() != 4 || data.size() % 4 != 0) return false;
  uint8_t* p = Begin(subtype, rtcp::kApp, rtcp::kHeaderSize + 8 + data.size());
  if (!p) return false;
  Store32(p + 4, ssrc);
  std::memcpy(p + 8, name4.data(), 4);
  if (!data.empty()) std::memcpy(p + 12, data.data(), data.size());
  return true;
}

bool RtcpBuilder::AddNack(uint32_t sender_ssrc, uint32_t media_ssrc, std::span<const uint16_t> sequence_numbers) {
  if (sequence_numbers.empty()) return false;
  // Count the PID/BLP pairs first, so the packet is sized exactly.
  size_t entries = 0;
  for (size_t i = 0; i < sequence_numbers.size();) {
    const uint16_t pid = sequence_numbers[i++];
    while (i < sequence_numbers.size() && static_cast<uint16_t>(sequence_numbers[i] - pid - 1) < 16)
      ++i;
    ++entries;
  }
  uint8_t* p = Begin(rtcp::kFmtNack, rtcp::kRtpFeedback, rtcp::kHeaderSize + 8 + 4 * entries);
  if (!p) return false;
  Store32(p + 4, sender_ssrc);
  Store32(p + 8, media_ssrc);
  uint8_t* fci = p + 12;
  for (size_t i = 0; i < sequence_numbers.size();) {
    const uint16_t pid = sequence_numbers[i++];
    uint16_t blp = 0;
    while (i < sequence_numbers.size()) {
      const uint16_t bit = static_cast<uint16_t>(sequence_numbers[i] - pid - 1);
      if (bit >= 16) break;
      blp = static_cast<uint16_t>(blp | (1u << bit));
      ++i;
    }
    Store16(fci, pid);
    Store16(fci + 2, blp);
    fci += 4;
  }
  return true;
}

bool RtcpBuilder::AddTmmb(uint8_t format, uint32_t sender_ssrc, std::span<const TmmbItem> items, bool allow_empty) {
  if (items.empty() && !allow_empty) return false;
  uint8_t* p = Begin(format, rtcp::kRtpFeedback, rtcp::kHeaderSize + 8 + 8 * items.size());
  if (!p) return false;
  Store32(p + 4, sender_ssrc);
  Store32(p + 8, 0);  // RFC 5104 §4.2.1.2: media source SSRC is unused and set to 0
  for (size_t i = 0; i < items.size(); ++i) {
    Store32(p + 12 + 8 * i, items[i].ssrc);
    Store32(p + 16 + 8 * i, TmmbWord(items[i]));
  }
  return true;
}

bool RtcpBuilder::AddTmmbr(uint32_t sender_ssrc, std::span<const TmmbItem> items) {
  return AddTmmb(rtcp::kFmtTmmbr, sender_ssrc, items, false);
}

bool RtcpBuilder::AddTmmbn(uint32_t sender_ssrc, std::span<const TmmbItem> items) {
  return AddTmmb(rtcp::kFmtTmmbn, sender_ssrc, items, true);
}

bool RtcpBuilder::AddPli(uint32_t sender_ssrc, uint32_t media_ssrc) {
  uint8_t* p = Begin(rtcp::kFmtPli, rtcp::kPayloadFeedback, rtcp::kHeaderSize + 8);
  if (!p) return false;
  Store32(p + 4, sender_ssrc);
  Store32(p + 8, media_ssrc);
  return true;
}

bool RtcpBuilder::AddFir(uint32_t sender_ssrc, std::span<const FirEntry> entries) {
  if (entries.empty()) return false;
  uint8_t* p = Begin(rtcp::kFmtFir, rtcp::kPayloadFeedback, rtcp::kHeaderSize + 8 + 8 * entries.size());
  if (!p) return false;
  Store32(p + 4, sender_ssrc);
  Store32(p + 8, 0);  // RFC 5104 §4.3.1.2: media source SSRC is unused and set to 0
  for (size_t i = 0; i < entries.size(); ++i) {
    uint8_t* e = p + 12 + 8 * i;
    Store32(e, entries[i].ssrc);
    e[4] = entries[i].sequence_number;
    e[5] = e[6] = e[7] = 0;
  }
  return true;
}

bool RtcpBuilder::AddRemb(uint32_t sender_ssrc, uint64_t bitrate_bps, std::span<const uint32_t> ssrcs) {
  if (ssrcs.size() > 255) return false;
  uint8_t* p = Begin(rtcp::kFmtAfb, rtcp::kPayloadFeedback, rtcp::kHeaderSize + 16 + 4 * ssrcs.size());
  if (!p) return false;
  Store32(p + 4, sender_ssrc);
  Store32(p + 8, 0);
  std::memcpy(p + 12, "REMB", 4);
  const MantissaExponent me = EncodeBitrate(bitrate_bps, 18);
  p[16] = static_cast<uint8_t>(ssrcs.size());
  p[17] = static_cast<uint8_t>((me.exponent << 2) | (me.mantissa >> 16));
  Store16(p + 18, static_cast<uint16_t>(me.mantissa));
  for (size_t i = 0; i < ssrcs.size(); ++i)
    Store32(p + 20 + 4 * i, ssrcs[i]);
  return true;
}

bool RtcpBuilder::AddRaw(std::span<const uint8_t> packets) {
  if (packets.size() % 4 != 0 || size_ + packets.size() > buffer_.size()) return false;
  if (!packets.empty()) std::memcpy(buffer_.data() + size_, packets.data(), packets.size());
  size_ += packets.size();
  return true;
}

}  // namespace tessera::mcu::rtp

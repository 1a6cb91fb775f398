#include "tessera/mcu/rtp/rtcp_packet.h"

#include <cstring>
#include <limits>

#include "tessera/base/byte_io.h"

namespace tessera::mcu::rtp {

bool RtcpCompoundReader::Next(RtcpPacketView* packet) {
  if (error_) return false;
  const size_t remaining = data_.size() - offset_;
  if (remaining == 0) {
    if (offset_ == 0) error_ = RtcpParseError::kEmpty;
    return false;
  }
  if (remaining < rtcp::kHeaderSize) {
    error_ = RtcpParseError::kTooShort;
    return false;
  }
  const uint8_t* p = data_.data() + offset_;
  if ((p[0] >> 6) != 2) {
    error_ = RtcpParseError::kBadVersion;
    return false;
  }
  const size_t length = (size_t{Load16(p + 2)} + 1) * 4;
  if (length > remaining) {
    error_ = RtcpParseError::kLengthPastEnd;
    return false;
  }
  size_t body_end = length;
  if (p[0] & 0x20) {
    // RFC 3550 §6.4.1: the last octet counts the padding, itself included. Strictly only
    // the last packet of a compound may be padded; a padded packet elsewhere is still
    // self-consistent, so it is accepted.
    const uint8_t padding = p[length - 1];
    if (padding == 0 || padding > length - rtcp::kHeaderSize) {
      error_ = RtcpParseError::kBadPadding;
      return false;
    }
    body_end -= padding;
  }
  packet->count = p[0] & 0x1F;
  packet->packet_type = p[1];
  packet->packet = data_.subspan(offset_, length);
  packet->body = data_.subspan(offset_ + rtcp::kHeaderSize, body_end - rtcp::kHeaderSize);
  offset_ += length;
  return true;
}

ReportBlock ReportBlocksView::operator[](size_t i) const {
  const uint8_t* p = bytes_.data() + i * rtcp::kReportBlockSize;
  ReportBlock b;
  b.source_ssrc = Load32(p);
  b.fraction_lost = p[4];
  uint32_t lost = Load24(p + 5);
  if (lost & 0x800000) lost |= 0xFF000000;  // sign-extend the 24-bit field
  b.cumulative_lost = static_cast<int32_t>(lost);
  b.extended_highest_sequence = Load32(p + 8);
  b.jitter = Load32(p + 12);
  b.last_sr = Load32(p + 16);
  b.delay_since_last_sr = Load32(p + 20);
  return b;
}

std::optional<SenderReportView> ParseSenderReport(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp::kSenderReport) return std::nullopt;
  const size_t blocks = packet.count;
  if (packet.body.size() < 24 + blocks * rtcp::kReportBlockSize) return std::nullopt;
  const uint8_t* p = packet.body.data();
  SenderReportView v;
  v.sender_ssrc = Load32(p);
  v.info.ntp = NtpTime{Load64(p + 4)};
  v.info.rtp_timestamp = Load32(p + 12);
  v.info.packet_count = Load32(p + 16);
  v.info.octet_count = Load32(p + 20);
  v.report_blocks = ReportBlocksView(packet.body.subspan(24, blocks * rtcp::kReportBlockSize));
  return v;
}

std::optional<ReceiverReportView> ParseReceiverReport(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp::kReceiverReport) return std::nullopt;
  const size_t blocks = packet.count;
  if (packet.body.size() < 4 + blocks * rtcp::kReportBlockSize) return std::nullopt;
  ReceiverReportView v;
  v.sender_ssrc = Load32(packet.body.data());
  v.report_blocks = ReportBlocksView(packet.body.subspan(4, blocks * rtcp::kReportBlockSize));
  return v;
}

SdesIterator::SdesIterator(const RtcpPacketView& packet)
    : body_(packet.packet_type == rtcp::kSdes ? packet.body : std::span<const uint8_t>()),
      chunks_left_(packet.packet_type == rtcp::kSdes ? packet.count : 0) {
  if (packet.packet_type != rtcp::kSdes) malformed_ = true;
}

bool SdesIterator::StartChunk() {
  if (chunks_left_ == 0) return false;
  if (offset_ + 4 > body_.size()) {
    malformed_ = true;
    return false;
  }
  ssrc_ = Load32(body_.data() + offset_);
  offset_ += 4;
  in_chunk_ = true;
  return true;
}

bool SdesIterator::Next(SdesItem* item) {
  while (!malformed_) {
    if (!in_chunk_ && !StartChunk()) return false;
    if (offset_ >= body_.size()) {  // a chunk must end with an END item
      malformed_ = true;
      return false;
    }
    const uint8_t type = body_[offset_];
    if (type == rtcp::kSdesEnd) {
      // END, then null octets up to the next 32-bit boundary (the body starts aligned).
      offset_ = (offset_ + 1 + 3) & ~size_t{3};
      if (offset_ > body_.size()) offset_ = body_.size();
      in_chunk_ = false;
      --chunks_left_;
      continue;
    }
    if (offset_ + 2 > body_.size()) {
      malformed_ = true;
      return false;
    }
    const size_t length = body_[offset_ + 1];
    if (offset_ + 2 + length > body_.size()) {
      malformed_ = true;
      return false;
    }
    item->ssrc = ssrc_;
    item->type = type;
    item->text = std::string_view(reinterpret_cast<const char*>(body_.data() + offset_ + 2), length);
    offset_ += 2 + length;
    return true;
  }
  return false;
}

uint32_t ByeView::ssrc(size_t i) const {
  return Load32(ssrc_bytes.data() + 4 * i);
}

std::optional<ByeView> ParseBye(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp::kBye) return std::nullopt;
  const size_t ssrc_size = size_t{packet.count} * 4;
  if (packet.body.size() < ssrc_size) return std::nullopt;
  ByeView v;
  v.ssrc_bytes = packet.body.subspan(0, ssrc_size);
  if (packet.body.size() > ssrc_size) {
    const size_t length = packet.body[ssrc_size];
    if (ssrc_size + 1 + length > packet.body.size()) return std::nullopt;
    v.reason = std::string_view(reinterpret_cast<const char*>(packet.body.data() + ssrc_size + 1), length);
  }
  return v;
}

std::optional<AppView> ParseApp(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp::kApp || packet.body.size() < 8) return std::nullopt;
  AppView v;
  v.subtype = packet.count;
  v.ssrc = Load32(packet.body.data());
  std::memcpy(v.name.data(), packet.body.data() + 4, 4);
  v.data = packet.body.subspan(8);
  return v;
}

std::optional<FeedbackView> ParseFeedback(const RtcpPacketView& packet) {
  if (packet.packet_type != rtcp::kRtpFeedback && packet.packet_type != rtcp::kPayloadFeedback) return std::nullopt;
  if (packet.body.size() < 8) return std::nullopt;
  FeedbackView v;
  v.packet_type = packet.packet_type;
  v.format = packet.count;
  v.sender_ssrc = Load32(packet.body.data());
  v.media_ssrc = Load32(packet.body.data() + 4);
  v.fci = packet.body.subspan(8);
  return v;
}

std::optional<NackView> ParseNack(const FeedbackView& feedback) {
  if (feedback.packet_type != rtcp::kRtpFeedback || feedback.format != rtcp::kFmtNack) return std::nullopt;
  if (feedback.fci.empty() || feedback.fci.size() % 4 != 0) return std::nullopt;
  return NackView{feedback.fci};
}

uint64_t DecodeBitrate(uint32_t mantissa, uint8_t exponent) {
  if (mantissa == 0) return 0;
  if (exponent >= 64) return std::numeric_limits<uint64_t>::max();
  const uint64_t m = mantissa;
  if (exponent > 0 && (m >> (64 - exponent)) != 0) return std::numeric_limits<uint64_t>::max();
  return m << exponent;
}

MantissaExponent EncodeBitrate(uint64_t bitrate_bps, int mantissa_bits) {
  uint8_t exponent = 0;
  const uint64_t limit = uint64_t{1} << mantissa_bits;
  while ((bitrate_bps >> exponent) >= limit)
    ++exponent;
  // Truncation rounds down: a maximum bitrate must never be announced higher than asked.
  return {static_cast<uint32_t>(bitrate_bps >> exponent), exponent};
}

TmmbItem TmmbItemsView::operator[](size_t i) const {
  const uint8_t* p = fci.data() + 8 * i;
  TmmbItem item;
  item.ssrc = Load32(p);
  const uint32_t word = Load32(p + 4);
  const uint8_t exponent = static_cast<uint8_t>(word >> 26);
  const uint32_t mantissa = (word >> 9) & 0x1FFFF;
  item.bitrate_bps = DecodeBitrate(mantissa, exponent);
  item.overhead = static_cast<uint16_t>(word & 0x1FF);
  return item;
}

std::optional<TmmbItemsView> ParseTmmbr(const FeedbackView& feedback) {
  if (feedback.packet_type != rtcp::kRtpFeedback || feedback.format != rtcp::kFmtTmmbr) return std::nullopt;
  if (feedback.fci.empty() || feedback.fci.size() % 8 != 0) return std::nullopt;
  return TmmbItemsView{feedback.fci};
}

std::optional<TmmbItemsView> ParseTmmbn(const FeedbackView& feedback) {
  if (feedback.packet_type != rtcp::kRtpFeedback || feedback.format != rtcp::kFmtTmmbn) return std::nullopt;
  if (feedback.fci.size() % 8 != 0) return std::nullopt;
  return TmmbItemsView{feedback.fci};
}

FirEntry FirView::operator[](size_t i) const {
  const uint8_t* p = fci.data() + 8 * i;
  return FirEntry{Load32(p), p[4]};
}

std::optional<FirView> ParseFir(const FeedbackView& feedback) {
  if (feedback.packet_type != rtcp::kPayloadFeedback || feedback.format != rtcp::kFmtFir) return std::nullopt;
  if (feedback.fci.empty() || feedback.fci.size() % 8 != 0) return std::nullopt;
  return FirView{feedback.fci};
}

bool IsPli(const FeedbackView& feedback) {
  return feedback.packet_type == rtcp::kPayloadFeedback && feedback.format == rtcp::kFmtPli;
}

uint32_t RembView::ssrc(size_t i) const {
  return Load32(ssrc_bytes.data() + 4 * i);
}

std::optional<RembView> ParseRemb(const FeedbackView& feedback) {
  if (feedback.packet_type != rtcp::kPayloadFeedback || feedback.format != rtcp::kFmtAfb) return std::nullopt;
  const auto& fci = feedback.fci;
  if (fci.size() < 8 || std::memcmp(fci.data(), "REMB", 4) != 0) return std::nullopt;
  const size_t count = fci[4];
  const uint8_t exponent = fci[5] >> 2;
  const uint32_t mantissa = (uint32_t{fci[5] & 0x03u} << 16) | Load16(fci.data() + 6);
  if (8 + 4 * count > fci.size()) return std::nullopt;
  RembView v;
  v.bitrate_bps = DecodeBitrate(mantissa, exponent);
  v.ssrc_bytes = fci.subspan(8, 4 * count);
  return v;
}

namespace {

// Dispatches one packet; false if its body did not parse.
bool VisitPacket(const RtcpPacketView& packet, RtcpVisitor& visitor) {
  switch (packet.packet_type) {
    case rtcp::kSenderReport: {
      auto sr = ParseSenderReport(packet);
      if (!sr) return false;
      visitor.OnSenderReport(*sr);
      return true;
    }
    case rtcp::kReceiverReport: {
      auto rr = ParseReceiverReport(packet);
      if (!rr) return false;
      visitor.OnReceiverReport(*rr);
      return true;
    }
    case rtcp::kSdes: {
      SdesIterator it(packet);
      SdesItem item;
      while (it.Next(&item))
        visitor.OnSdesItem(item);
      return !it.malformed();
    }
    case rtcp::kBye: {
      auto bye = ParseBye(packet);
      if (!bye) return false;
      visitor.OnBye(*bye);
      return true;
    }
    case rtcp::kApp: {
      auto app = ParseApp(packet);
      if (!app) return false;
      visitor.OnApp(*app);
      return true;
    }
    case rtcp::kRtpFeedback:
    case rtcp::kPayloadFeedback: {
      auto fb = ParseFeedback(packet);
      if (!fb) return false;
      if (fb->packet_type == rtcp::kRtpFeedback) {
        switch (fb->format) {
          case rtcp::kFmtNack: {
            auto nack = ParseNack(*fb);
            if (!nack) return false;
            visitor.OnNack(*fb, *nack);
            return true;
          }
          case rtcp::kFmtTmmbr: {
            auto items = ParseTmmbr(*fb);
            if (!items) return false;
            visitor.OnTmmbr(*fb, *items);
            return true;
          }
          case rtcp::kFmtTmmbn: {
            auto items = ParseTmmbn(*fb);
            if (!items) return false;
            visitor.OnTmmbn(*fb, *items);
            return true;
          }
          default:
            visitor.OnOther(packet);
            return true;
        }
      }
      switch (fb->format) {
        case rtcp::kFmtPli:
          visitor.OnPli(*fb);
          return true;
        case rtcp::kFmtFir: {
          auto fir = ParseFir(*fb);
          if (!fir) return false;
          visitor.OnFir(*fb, *fir);
          return true;
        }
        case rtcp::kFmtAfb: {
          if (auto remb = ParseRemb(*fb)) {
            visitor.OnRemb(*fb, *remb);
          } else {
            visitor.OnOther(packet);  // another application layer feedback
          }
          return true;
        }
        default:
          visitor.OnOther(packet);
          return true;
      }
    }
    default:
      visitor.OnOther(packet);
      return true;
  }
}

}  // namespace

RtcpCompoundResult ParseRtcpCompound(std::span<const uint8_t> compound, RtcpVisitor& visitor) {
  RtcpCompoundResult result;
  RtcpCompoundReader reader(compound);
  RtcpPacketView packet;
  while (reader.Next(&packet)) {
    ++result.packets;
    if (!VisitPacket(packet, visitor)) ++result.bad_bodies;
  }
  result.error = reader.error();
  return result;
}

}  // namespace tessera::mcu::rtp

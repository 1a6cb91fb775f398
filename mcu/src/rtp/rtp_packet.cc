#include "tessera/mcu/rtp/rtp_packet.h"

#include <cstring>

#include "tessera/base/byte_io.h"

namespace tessera::mcu::rtp {

DropReason ToDropReason(RtpParseError error) {
  switch (error) {
    case RtpParseError::kTooShort:
      return DropReason::kRtpTooShort;
    case RtpParseError::kBadVersion:
      return DropReason::kRtpBadVersion;
    case RtpParseError::kCsrcPastEnd:
      return DropReason::kRtpCsrcPastEnd;
    case RtpParseError::kExtensionPastEnd:
      return DropReason::kRtpExtensionPastEnd;
    case RtpParseError::kBadPadding:
      return DropReason::kRtpBadPadding;
  }
  return DropReason::kRtpTooShort;
}

uint32_t RtpPacketView::csrc(size_t index) const {
  return Load32(packet.data() + kRtpHeaderSize + 4 * index);
}

Result<RtpPacketView, RtpParseError> ParseRtp(std::span<const uint8_t> packet) {
  const size_t size = packet.size();
  if (size < kRtpHeaderSize) return MakeUnexpected(RtpParseError::kTooShort);
  const uint8_t* p = packet.data();
  if ((p[0] >> 6) != kRtpVersion) return MakeUnexpected(RtpParseError::kBadVersion);

  RtpPacketView v;
  v.packet = packet;
  const bool has_padding = (p[0] & 0x20) != 0;
  v.has_extension = (p[0] & 0x10) != 0;
  v.csrc_count = p[0] & 0x0F;
  v.marker = (p[1] & 0x80) != 0;
  v.payload_type = p[1] & 0x7F;
  v.sequence_number = Load16(p + 2);
  v.timestamp = Load32(p + 4);
  v.ssrc = Load32(p + 8);

  size_t offset = kRtpHeaderSize + 4u * v.csrc_count;
  if (offset > size) return MakeUnexpected(RtpParseError::kCsrcPastEnd);

  if (v.has_extension) {
    if (offset + 4 > size) return MakeUnexpected(RtpParseError::kExtensionPastEnd);
    v.extension_profile = Load16(p + offset);
    const size_t words = Load16(p + offset + 2);
    offset += 4;
    if (offset + 4 * words > size) return MakeUnexpected(RtpParseError::kExtensionPastEnd);
    v.extension_data = packet.subspan(offset, 4 * words);
    offset += 4 * words;
  }
  v.header_size = offset;

  size_t end = size;
  if (has_padding) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included, so 0 is invalid.
    const uint8_t padding = p[size - 1];
    if (padding == 0 || padding > size - offset) return MakeUnexpected(RtpParseError::kBadPadding);
    v.padding_size = padding;
    end -= padding;
  }
  v.payload = packet.subspan(offset, end - offset);
  return v;
}

PacketKind ClassifyPacket(std::span<const uint8_t> datagram) {
  if (datagram.empty()) return PacketKind::kUnknown;
  const uint8_t b = datagram[0];
  if (b <= 3) return PacketKind::kStun;
  if (b >= 20 && b <= 63) return PacketKind::kDtls;
  if (b >= 128 && b <= 191) {
    if (datagram.size() < 2) return PacketKind::kUnknown;
    const uint8_t type = datagram[1];
    return (type >= 192 && type <= 223) ? PacketKind::kRtcp : PacketKind::kRtp;
  }
  return PacketKind::kUnknown;
}

size_t WriteRtpHeader(const RtpHeader& header, std::span<uint8_t> out) {
  const size_t csrcs = header.csrcs.size();
  if (csrcs > kMaxCsrcs) return 0;
  const size_t size = kRtpHeaderSize + 4 * csrcs;
  if (out.size() < size) return 0;
  uint8_t* p = out.data();
  p[0] = static_cast<uint8_t>((kRtpVersion << 6) | csrcs);
  p[1] = static_cast<uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7F));
  Store16(p + 2, header.sequence_number);
  Store32(p + 4, header.timestamp);
  Store32(p + 8, header.ssrc);
  for (size_t i = 0; i < csrcs; ++i)
    Store32(p + kRtpHeaderSize + 4 * i, header.csrcs[i]);
  return size;
}

size_t AddRtpPadding(std::span<uint8_t> buffer, size_t size, size_t multiple) {
  if (size < kRtpHeaderSize || size > buffer.size() || multiple == 0 || multiple > 255) return 0;
  if (buffer[0] & 0x20) return 0;
  size_t padding = (multiple - size % multiple) % multiple;
  if (padding == 0) return size;
  if (size + padding > buffer.size()) return 0;
  std::memset(buffer.data() + size, 0, padding - 1);
  buffer[size + padding - 1] = static_cast<uint8_t>(padding);
  buffer[0] |= 0x20;
  return size + padding;
}

bool RewriteRtpHeader(std::span<uint8_t> packet, uint16_t sequence_number, uint32_t timestamp, uint32_t ssrc) {
  if (packet.size() < kRtpHeaderSize) return false;
  Store16(packet.data() + 2, sequence_number);
  Store32(packet.data() + 4, timestamp);
  Store32(packet.data() + 8, ssrc);
  return true;
}

bool SetRtpPayloadType(std::span<uint8_t> packet, uint8_t payload_type) {
  if (packet.size() < kRtpHeaderSize) return false;
  packet[1] = static_cast<uint8_t>((packet[1] & 0x80) | (payload_type & 0x7F));
  return true;
}

bool SetRtpMarker(std::span<uint8_t> packet, bool marker) {
  if (packet.size() < kRtpHeaderSize) return false;
  packet[1] = static_cast<uint8_t>((packet[1] & 0x7F) | (marker ? 0x80 : 0));
  return true;
}

}  // namespace tessera::mcu::rtp

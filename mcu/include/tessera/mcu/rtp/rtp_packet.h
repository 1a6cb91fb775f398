#pragma once
// RTP packets (RFC 3550 §5.1): a pure parser that returns a view over the caller's bytes,
// a header writer, and the in-place rewrites the fan-out path needs.
//
//   auto r = ParseRtp(datagram);
//   if (!r) { drops.Add(ToDropReason(r.error())); return; }
//   Route(r->ssrc, r->payload_type, r->payload);
//
// Every length is checked before it is read; nothing allocates, throws or logs. The view
// borrows the caller's buffer and lives no longer than it.
//
// Thread safety: pure functions; any thread.

#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/base/result.h"
#include "tessera/mcu/rtp/drop_counters.h"

namespace tessera::mcu::rtp {

inline constexpr size_t kRtpHeaderSize = 12;
inline constexpr uint8_t kRtpVersion = 2;
inline constexpr size_t kMaxCsrcs = 15;
// RFC 8285 §4.2 and §4.3: the "defined by profile" values of the two extension forms.
inline constexpr uint16_t kOneByteExtensionProfile = 0xBEDE;
inline constexpr uint16_t kTwoByteExtensionProfile = 0x1000;  // low 4 bits: appbits
inline constexpr uint16_t kTwoByteExtensionProfileMask = 0xFFF0;

enum class RtpParseError : uint8_t {
  kTooShort,
  kBadVersion,
  kCsrcPastEnd,
  kExtensionPastEnd,
  kBadPadding,
};
DropReason ToDropReason(RtpParseError error);

struct RtpPacketView {
  uint8_t payload_type = 0;
  bool marker = false;
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  uint8_t csrc_count = 0;
  bool has_extension = false;
  uint16_t extension_profile = 0;           // 0xBEDE, 0x100x, or another profile's value
  std::span<const uint8_t> extension_data;  // the extension body, after its 4-byte header
  uint8_t padding_size = 0;                 // bytes of padding at the end (0 if none)
  size_t header_size = 0;                   // fixed header + CSRCs + extension
  std::span<const uint8_t> payload;         // between header and padding; may be empty
  std::span<const uint8_t> packet;          // the whole datagram

  uint32_t csrc(size_t index) const;  // index < csrc_count
};

Result<RtpPacketView, RtpParseError> ParseRtp(std::span<const uint8_t> packet);

// What a datagram on a media port is, from its first bytes (RFC 7983 for STUN/DTLS, and
// RFC 5761 §4 for RTP/RTCP multiplexed on one port: RTCP packet types 192..223).
enum class PacketKind : uint8_t { kRtp, kRtcp, kStun, kDtls, kUnknown };
PacketKind ClassifyPacket(std::span<const uint8_t> datagram);

// The fixed header to write. CSRCs are optional (the mixer contributes them, RFC 3550 §7.1).
struct RtpHeader {
  uint8_t payload_type = 0;
  bool marker = false;
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  std::span<const uint32_t> csrcs;  // at most kMaxCsrcs
};

// Writes the fixed header and CSRC list (no extension, no padding); returns the bytes
// written, or 0 if `out` is too small or there are too many CSRCs.
size_t WriteRtpHeader(const RtpHeader& header, std::span<uint8_t> out);

// Pads an RTP packet of `size` bytes up to a multiple of `multiple` (RFC 3550 §5.1, the P
// bit), for SRTP block ciphers or padding-only probes; returns the new size, or 0 if
// `buffer` is too small or size already has padding.
size_t AddRtpPadding(std::span<uint8_t> buffer, size_t size, size_t multiple);

// In-place rewrites for the fan-out path (design.md: one encode, per-endpoint header
// rewrite). `packet` must hold at least kRtpHeaderSize bytes; returns false otherwise.
bool RewriteRtpHeader(std::span<uint8_t> packet, uint16_t sequence_number, uint32_t timestamp, uint32_t ssrc);
bool SetRtpPayloadType(std::span<uint8_t> packet, uint8_t payload_type);
bool SetRtpMarker(std::span<uint8_t> packet, bool marker);

}  // namespace tessera::mcu::rtp

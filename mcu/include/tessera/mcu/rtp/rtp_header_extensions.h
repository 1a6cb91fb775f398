#pragma once
// RTP header extensions (RFC 8285): reading the one-byte (0xBEDE) and two-byte (0x100x)
// forms, writing either, and the element formats Tessera uses:
//   audio level (RFC 6464)                 urn:ietf:params:rtp-hdrext:ssrc-audio-level
//   absolute send time (WebRTC, 6.18 s)    http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
//   transport-wide sequence number         http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
// Element IDs are negotiated per session (SDP a=extmap), so callers pass them in.
//
// Thread safety: pure functions and small value types; any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::rtp {

struct RtpExtensionElement {
  uint8_t id = 0;  // 1..14 (one-byte form) or 1..255 (two-byte form)
  std::span<const uint8_t> data;
};

// Walks the elements of a packet's extension block. Padding bytes are skipped; in the
// one-byte form, ID 15 ends the walk (RFC 8285 §4.2). A profile that is neither form
// yields no elements (it is another extension, left to whoever knows it).
class RtpExtensionIterator {
 public:
  explicit RtpExtensionIterator(const RtpPacketView& packet);
  // The next element, or false at the end. After false, malformed() says whether the walk
  // stopped because an element ran past the block.
  bool Next(RtpExtensionElement* element);
  bool malformed() const { return malformed_; }

 private:
  std::span<const uint8_t> data_;
  size_t offset_ = 0;
  bool one_byte_ = false;
  bool two_byte_ = false;
  bool malformed_ = false;
};

// The first element with `id`, if any (and if the block is well formed up to it).
std::optional<std::span<const uint8_t>> FindRtpExtension(const RtpPacketView& packet, uint8_t id);

// RFC 6464: V (voice activity) and the level in -dBov, 0 (loudest) .. 127 (silence).
struct AudioLevel {
  bool voice_activity = false;
  uint8_t level = 127;
  bool operator==(const AudioLevel&) const = default;
};
std::optional<AudioLevel> ParseAudioLevel(std::span<const uint8_t> data);
// abs-send-time: 24 bits, seconds in 6.18 fixed point (wraps every 64 s).
std::optional<uint32_t> ParseAbsSendTime(std::span<const uint8_t> data);
// transport-wide-cc: a 16-bit sequence number over all streams of the transport.
std::optional<uint16_t> ParseTransportSequenceNumber(std::span<const uint8_t> data);

// abs-send-time of a time given in microseconds (any epoch: only the low 64 s matter).
uint32_t AbsSendTimeFromMicros(int64_t micros);

// The IDs negotiated for one session; 0 means "not negotiated".
struct RtpExtensionIds {
  uint8_t audio_level = 0;
  uint8_t abs_send_time = 0;
  uint8_t transport_sequence_number = 0;
};
struct RtpExtensionValues {
  std::optional<AudioLevel> audio_level;
  std::optional<uint32_t> abs_send_time;
  std::optional<uint16_t> transport_sequence_number;
};
// One pass over the block, picking out the negotiated elements.
RtpExtensionValues ReadRtpExtensions(const RtpPacketView& packet, const RtpExtensionIds& ids);

// Appends an extension block to a packet whose fixed header (and CSRCs) were written by
// WriteRtpHeader. The one-byte form takes IDs 1..14 and 1..16 bytes of data; the two-byte
// form takes IDs 1..255 and 0..255 bytes. Finish() pads to 32 bits, writes the block
// header and sets the X bit.
//
//   size_t n = WriteRtpHeader(h, buf);
//   RtpExtensionWriter w(buf, n, RtpExtensionWriter::Form::kOneByte);
//   w.AddAudioLevel(1, {true, 30});
//   n = w.Finish();  // 0 if anything did not fit
class RtpExtensionWriter {
 public:
  enum class Form { kOneByte, kTwoByte };
  RtpExtensionWriter(std::span<uint8_t> packet, size_t header_size, Form form);

  bool Add(uint8_t id, std::span<const uint8_t> data);
  bool AddAudioLevel(uint8_t id, AudioLevel level);
  bool AddAbsSendTime(uint8_t id, uint32_t abs_send_time);
  bool AddTransportSequenceNumber(uint8_t id, uint16_t sequence_number);
  // The new header size (payload goes there), or 0 if an Add failed or nothing fits.
  size_t Finish();

 private:
  std::span<uint8_t> packet_;
  size_t header_size_;
  size_t offset_;  // where the next element goes
  Form form_;
  bool failed_ = false;
};

}  // namespace tessera::mcu::rtp

#pragma once
// RTCP (RFC 3550 §6) compound packets: pure parsers returning views over the caller's bytes.
//
//   SR 200, RR 201, SDES 202, BYE 203, APP 204           RFC 3550
//   RTPFB 205: NACK (fmt 1)                                RFC 4585 §6.2.1
//              TMMBR (fmt 3), TMMBN (fmt 4)                RFC 5104 §4.2
//   PSFB 206:  PLI (fmt 1)                                 RFC 4585 §6.3.1
//              FIR (fmt 4)                                 RFC 5104 §4.3.1
//              REMB (fmt 15, "REMB")                       draft-alvestrand-rmcat-remb
//   XR 207 and anything else: walked over, reported as "other".
//
// Two levels: RtcpCompoundReader splits a compound datagram into packets (checking every
// header and length), and Parse*() read one packet's body. ParseRtcpCompound() does both
// and calls an RtcpVisitor per item, which is what the media path uses.
//
// Thread safety: pure functions and views; any thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tessera/base/result.h"
#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::rtp {

namespace rtcp {
inline constexpr uint8_t kSenderReport = 200;
inline constexpr uint8_t kReceiverReport = 201;
inline constexpr uint8_t kSdes = 202;
inline constexpr uint8_t kBye = 203;
inline constexpr uint8_t kApp = 204;
inline constexpr uint8_t kRtpFeedback = 205;
inline constexpr uint8_t kPayloadFeedback = 206;
inline constexpr uint8_t kExtendedReport = 207;
// Feedback message types (the FMT field).
inline constexpr uint8_t kFmtNack = 1;
inline constexpr uint8_t kFmtTmmbr = 3;
inline constexpr uint8_t kFmtTmmbn = 4;
inline constexpr uint8_t kFmtTransportCc = 15;
inline constexpr uint8_t kFmtPli = 1;
inline constexpr uint8_t kFmtFir = 4;
inline constexpr uint8_t kFmtAfb = 15;  // application layer feedback: REMB
inline constexpr uint8_t kSdesEnd = 0;
inline constexpr uint8_t kSdesCname = 1;
inline constexpr size_t kHeaderSize = 4;
inline constexpr size_t kReportBlockSize = 24;
inline constexpr size_t kMaxReportBlocks = 31;
}  // namespace rtcp

enum class RtcpParseError : uint8_t {
  kEmpty,          // no bytes at all
  kTooShort,       // fewer than 4 bytes left for a header
  kBadVersion,     // version is not 2
  kLengthPastEnd,  // a length field runs past the datagram
  kBadPadding,     // padding count of 0, longer than the packet, or not on the last packet
  kBadBody,        // a known packet type whose body is inconsistent with its count/length
};

// One packet of a compound: its header fields and the body after the 4-byte header, with
// any padding removed.
struct RtcpPacketView {
  uint8_t count = 0;  // RC / SC / FMT / subtype, depending on the type
  uint8_t packet_type = 0;
  std::span<const uint8_t> body;
  std::span<const uint8_t> packet;  // header + body + padding
};

class RtcpCompoundReader {
 public:
  explicit RtcpCompoundReader(std::span<const uint8_t> compound) : data_(compound) {}
  // The next packet; false at the end or on error (error() tells which).
  bool Next(RtcpPacketView* packet);
  std::optional<RtcpParseError> error() const { return error_; }

 private:
  std::span<const uint8_t> data_;
  size_t offset_ = 0;
  std::optional<RtcpParseError> error_;
};

struct SenderInfo {
  NtpTime ntp;
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
  bool operator==(const SenderInfo&) const = default;
};

struct ReportBlock {
  uint32_t source_ssrc = 0;
  uint8_t fraction_lost = 0;    // 8-bit fixed point fraction since the previous report
  int32_t cumulative_lost = 0;  // signed 24 bits (duplicates can make it negative)
  uint32_t extended_highest_sequence = 0;
  uint32_t jitter = 0;  // in RTP timestamp units
  uint32_t last_sr = 0;
  uint32_t delay_since_last_sr = 0;  // 1/65536 s
  bool operator==(const ReportBlock&) const = default;
};

// A view over `count` consecutive 24-byte report blocks.
class ReportBlocksView {
 public:
  ReportBlocksView() = default;
  explicit ReportBlocksView(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  size_t size() const { return bytes_.size() / rtcp::kReportBlockSize; }
  ReportBlock operator[](size_t i) const;

 private:
  std::span<const uint8_t> bytes_;
};

struct SenderReportView {
  uint32_t sender_ssrc = 0;
  SenderInfo info;
  ReportBlocksView report_blocks;
};
struct ReceiverReportView {
  uint32_t sender_ssrc = 0;
  ReportBlocksView report_blocks;
};
std::optional<SenderReportView> ParseSenderReport(const RtcpPacketView& packet);
std::optional<ReceiverReportView> ParseReceiverReport(const RtcpPacketView& packet);

struct SdesItem {
  uint32_t ssrc = 0;  // of the chunk the item is in
  uint8_t type = 0;   // 1 CNAME, 2 NAME, ... (never 0: END terminates a chunk)
  std::string_view text;
};
// Walks every item of every chunk of an SDES packet.
class SdesIterator {
 public:
  explicit SdesIterator(const RtcpPacketView& packet);
  bool Next(SdesItem* item);
  bool malformed() const { return malformed_; }

 private:
  bool StartChunk();
  std::span<const uint8_t> body_;
  size_t chunks_left_;
  size_t offset_ = 0;
  uint32_t ssrc_ = 0;
  bool in_chunk_ = false;
  bool malformed_ = false;
};

struct ByeView {
  std::span<const uint8_t> ssrc_bytes;
  std::string_view reason;
  size_t size() const { return ssrc_bytes.size() / 4; }
  uint32_t ssrc(size_t i) const;
};
std::optional<ByeView> ParseBye(const RtcpPacketView& packet);

struct AppView {
  uint8_t subtype = 0;
  uint32_t ssrc = 0;
  std::array<char, 4> name{};
  std::span<const uint8_t> data;
};
std::optional<AppView> ParseApp(const RtcpPacketView& packet);

// The common part of RTPFB/PSFB (RFC 4585 §6.1).
struct FeedbackView {
  uint8_t packet_type = 0;  // 205 or 206
  uint8_t format = 0;
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  std::span<const uint8_t> fci;
};
std::optional<FeedbackView> ParseFeedback(const RtcpPacketView& packet);

// Generic NACK: FCI entries of (PID, BLP). ForEachLost calls fn(seq) for every sequence
// number the entries name, in FCI order.
struct NackView {
  std::span<const uint8_t> fci;
  size_t entries() const { return fci.size() / 4; }
  template <typename Fn>
  void ForEachLost(Fn&& fn) const;
};
std::optional<NackView> ParseNack(const FeedbackView& feedback);

// TMMBR/TMMBN tuple: the maximum bitrate (mantissa << exponent) and per-packet overhead.
struct TmmbItem {
  uint32_t ssrc = 0;
  uint64_t bitrate_bps = 0;
  uint16_t overhead = 0;
  bool operator==(const TmmbItem&) const = default;
};
struct TmmbItemsView {
  std::span<const uint8_t> fci;
  size_t size() const { return fci.size() / 8; }
  TmmbItem operator[](size_t i) const;
};
// TMMBR needs at least one item; TMMBN may be empty (no bounding set).
std::optional<TmmbItemsView> ParseTmmbr(const FeedbackView& feedback);
std::optional<TmmbItemsView> ParseTmmbn(const FeedbackView& feedback);

struct FirEntry {
  uint32_t ssrc = 0;
  uint8_t sequence_number = 0;
  bool operator==(const FirEntry&) const = default;
};
struct FirView {
  std::span<const uint8_t> fci;
  size_t size() const { return fci.size() / 8; }
  FirEntry operator[](size_t i) const;
};
std::optional<FirView> ParseFir(const FeedbackView& feedback);
bool IsPli(const FeedbackView& feedback);

struct RembView {
  uint64_t bitrate_bps = 0;
  std::span<const uint8_t> ssrc_bytes;
  size_t size() const { return ssrc_bytes.size() / 4; }
  uint32_t ssrc(size_t i) const;
};
std::optional<RembView> ParseRemb(const FeedbackView& feedback);

// Called by ParseRtcpCompound for each item it recognises; defaults ignore everything.
class RtcpVisitor {
 public:
  virtual ~RtcpVisitor() = default;
  virtual void OnSenderReport(const SenderReportView&) {}
  virtual void OnReceiverReport(const ReceiverReportView&) {}
  virtual void OnSdesItem(const SdesItem&) {}
  virtual void OnBye(const ByeView&) {}
  virtual void OnApp(const AppView&) {}
  virtual void OnNack(const FeedbackView&, const NackView&) {}
  virtual void OnTmmbr(const FeedbackView&, const TmmbItemsView&) {}
  virtual void OnTmmbn(const FeedbackView&, const TmmbItemsView&) {}
  virtual void OnPli(const FeedbackView&) {}
  virtual void OnFir(const FeedbackView&, const FirView&) {}
  virtual void OnRemb(const FeedbackView&, const RembView&) {}
  // XR, transport-cc, unknown types and formats: the raw packet.
  virtual void OnOther(const RtcpPacketView&) {}
};

// Walks a compound packet and calls the visitor per item. A header error stops the walk;
// a packet whose body does not parse is skipped and counted. Returns the number of packets
// visited, or the first header error (after visiting the packets before it).
struct RtcpCompoundResult {
  size_t packets = 0;
  size_t bad_bodies = 0;  // known types whose body did not parse (skipped)
  std::optional<RtcpParseError> error;
  bool ok() const { return !error && bad_bodies == 0 && packets > 0; }
};
RtcpCompoundResult ParseRtcpCompound(std::span<const uint8_t> compound, RtcpVisitor& visitor);

// Bitrate coding shared by TMMBR/TMMBN (17-bit mantissa) and REMB (18-bit mantissa):
// the smallest exponent whose mantissa fits. Exposed for the builder and tests.
struct MantissaExponent {
  uint32_t mantissa = 0;
  uint8_t exponent = 0;
};
MantissaExponent EncodeBitrate(uint64_t bitrate_bps, int mantissa_bits);
uint64_t DecodeBitrate(uint32_t mantissa, uint8_t exponent);

template <typename Fn>
void NackView::ForEachLost(Fn&& fn) const {
  for (size_t i = 0; i + 4 <= fci.size(); i += 4) {
    const uint16_t pid = static_cast<uint16_t>((fci[i] << 8) | fci[i + 1]);
    const uint16_t blp = static_cast<uint16_t>((fci[i + 2] << 8) | fci[i + 3]);
    fn(pid);
    for (int bit = 0; bit < 16; ++bit) {
      if (blp & (1u << bit)) fn(static_cast<uint16_t>(pid + bit + 1));
    }
  }
}

}  // namespace tessera::mcu::rtp

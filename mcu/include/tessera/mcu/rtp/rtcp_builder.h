#pragma once
// Builds RTCP compound packets into a caller-provided buffer (no allocation). Each Add*()
// appends one RTCP packet and returns false, leaving the buffer as it was, when it does
// not fit or its arguments are out of range.
//
//   std::array<uint8_t, 1500> buf;
//   RtcpBuilder b(buf);
//   b.AddReceiverReport(local_ssrc, blocks);
//   b.AddSdesCname(local_ssrc, "tessera@host");
//   b.AddNack(local_ssrc, media_ssrc, lost_seqs);
//   Send(b.data());
//
// RFC 3550 §6.1 wants every compound to start with SR or RR and carry an SDES CNAME; the
// builder writes what it is told, in that order, so the caller (the RTCP scheduler of a
// session) decides. SRTCP needs SRTCP trailer room after data(): keep kSrtcpTrailer spare.
//
// Thread safety: a builder is a short-lived local; any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tessera/mcu/rtp/rtcp_packet.h"

namespace tessera::mcu::rtp {

class RtcpBuilder {
 public:
  explicit RtcpBuilder(std::span<uint8_t> buffer) : buffer_(buffer) {}

  // At most rtcp::kMaxReportBlocks blocks each.
  bool AddSenderReport(uint32_t sender_ssrc, const SenderInfo& info, std::span<const ReportBlock> blocks = {});
  bool AddReceiverReport(uint32_t sender_ssrc, std::span<const ReportBlock> blocks = {});
  // One chunk with a CNAME item (at most 255 bytes).
  bool AddSdesCname(uint32_t ssrc, std::string_view cname);
  // At most 31 SSRCs; the reason at most 255 bytes.
  bool AddBye(std::span<const uint32_t> ssrcs, std::string_view reason = {});
  // `data` must be a multiple of 4 bytes; subtype < 32.
  bool AddApp(uint8_t subtype, uint32_t ssrc, std::string_view name4, std::span<const uint8_t> data);
  // Generic NACK for the given sequence numbers, in ascending (modulo 2^16) order; packs
  // them into PID/BLP pairs. Empty lists are refused.
  bool AddNack(uint32_t sender_ssrc, uint32_t media_ssrc, std::span<const uint16_t> sequence_numbers);
  bool AddTmmbr(uint32_t sender_ssrc, std::span<const TmmbItem> items);
  bool AddTmmbn(uint32_t sender_ssrc, std::span<const TmmbItem> items);
  bool AddPli(uint32_t sender_ssrc, uint32_t media_ssrc);
  bool AddFir(uint32_t sender_ssrc, std::span<const FirEntry> entries);
  bool AddRemb(uint32_t sender_ssrc, uint64_t bitrate_bps, std::span<const uint32_t> ssrcs);
  // Appends packets built elsewhere (e.g. a stream's feedback, to follow this RR); they must
  // be whole RTCP packets, so the size must be a multiple of 4.
  bool AddRaw(std::span<const uint8_t> packets);

  std::span<const uint8_t> data() const { return buffer_.first(size_); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void Clear() { size_ = 0; }
  // Drops everything after the first `size` bytes (to undo a partly built compound).
  void Truncate(size_t size) { size_ = size < size_ ? size : size_; }

 private:
  // Reserves `total` bytes (a multiple of 4) and writes the common header; null if full.
  uint8_t* Begin(uint8_t count, uint8_t packet_type, size_t total);
  bool AddTmmb(uint8_t format, uint32_t sender_ssrc, std::span<const TmmbItem> items, bool allow_empty);

  std::span<uint8_t> buffer_;
  size_t size_ = 0;
};

}  // namespace tessera::mcu::rtp

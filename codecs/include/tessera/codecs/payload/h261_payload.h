#pragma once
// H.261 over RTP (RFC 4587, static payload type 31). Every packet carries a 4-byte header:
//
//   |SBIT |EBIT |I|V| GOBN  |   MBAP  |  QUANT  |  HMVD   |  VMVD   |
//
// H.261 codes are not byte aligned, so a packet starts SBIT bits into its first byte and
// ends EBIT bits before the end of its last; the packetizer repeats the boundary byte in
// both packets (SBIT + previous EBIT = 8), the form ffmpeg's depacketizer expects.
//
// The packetizer parses the picture down to the macroblocks (h261::ParseMacroblocks) and
// packs whole GOBs while they fit; a GOB larger than a packet is split between
// macroblocks, and the header then carries the state a receiver needs to decode from that
// packet on after a loss: GOB number, the previous macroblock's address (MBAP), the
// quantizer in effect and the motion vector predictor. I = 0 and V = 1 always (the bits
// describe the whole stream and must not change: FFmpeg's encoder may use motion
// compensation and intra macroblocks anywhere).
//
// The depacketizer concatenates the significant bits of each payload, so it rebuilds the
// picture exactly whatever the sender's split (ffmpeg splits at byte boundaries, SBIT =
// EBIT = 0). Sequence gaps and the marker bit are the jitter buffer's: it only hands over
// frames whose packets are all there. H.261 pictures carry no type, so every picture start
// is reported as a recovery point (payload_inspector.h), as the decoder treats it.
//
// Thread safety: pure functions and per-stream packetizers.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "tessera/codecs/payload/payload_types.h"
#include "tessera/codecs/video/h261_bitstream.h"

namespace tessera::codecs::payload {

inline constexpr uint8_t kH261PayloadType = 31;
inline constexpr size_t kH261HeaderSize = 4;

struct H261PayloadHeader {
  uint8_t sbit = 0;
  uint8_t ebit = 0;
  bool intra = false;           // I: the stream holds intra-coded blocks only
  bool motion_vectors = false;  // V: motion vectors may be used
  uint8_t gobn = 0;
  uint8_t mbap = 0;  // previous macroblock address - 1; 0 at a GOB start
  uint8_t quant = 0;
  int8_t hmvd = 0;  // -15..15
  int8_t vmvd = 0;
};
// nullopt when shorter than the header.
std::optional<H261PayloadHeader> ParseH261PayloadHeader(std::span<const uint8_t> payload);
void WriteH261PayloadHeader(const H261PayloadHeader& header, std::span<uint8_t, kH261HeaderSize> out);

// Rebuilds one picture from its payloads (sequence order). The first must start the
// picture: SBIT 0, GOBN 0, MBAP 0, data beginning with the picture start code.
Result<DepacketizedFrame, DepacketizeError> DepacketizeH261(PayloadList payloads, std::span<uint8_t> out);

struct H261PacketizerConfig {
  size_t max_payload_size = 1200;  // header included
};

struct H261PacketizerStats {
  uint64_t gobs_split = 0;  // GOBs larger than a packet, sent in pieces at macroblocks
};

class H261Packetizer {
 public:
  explicit H261Packetizer(const H261PacketizerConfig& config = {}) : config_(config) {}
  // kMalformed when the picture does not parse; kUnitTooLarge when a single macroblock
  // (with the headers it may not be parted from) does not fit a packet.
  Result<size_t, PacketizeError> Packetize(std::span<const uint8_t> picture, PayloadSink& sink);
  const H261PacketizerStats& stats() const { return stats_; }

 private:
  H261PacketizerConfig config_;
  H261PacketizerStats stats_;
  std::array<h261::SplitPoint, h261::kMaxSplitPoints> points_;  // per picture, reused
};

}  // namespace tessera::codecs::payload

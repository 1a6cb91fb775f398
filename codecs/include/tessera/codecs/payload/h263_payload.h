#pragma once
// H.263 over RTP, in the two forms endpoints use:
//   RFC 4629 ("H263-1998"/"H263-2000"): a 2-byte header; packets that start at a picture or
//            GOB start code omit its two zero bytes (P bit). Used for H.263 and H.263+.
//   RFC 2190 ("H263", static payload type 34): older room systems. Mode A packets (4-byte
//            header) start at a picture or GOB boundary; mode B/C packets (8/12 bytes)
//            start at a macroblock boundary and may split bytes (SBIT/EBIT).
//
// Depacketizers rebuild the picture bitstream (codec_types.h) from one frame's payloads
// and read the picture header for size and picture type. Packetizers split a picture at
// byte-aligned picture/GOB start codes, packing as many GOBs into a packet as fit. A GOB
// larger than the payload size is split at byte boundaries: RFC 4629 allows that (P = 0);
// for RFC 2190 a correct split needs mode B with macroblock positions from the encoder,
// which Tessera's encoders do not export, so such packets go out as mode A like ffmpeg's
// fallback does, and max_gob_size() tells the encoder configuration how large GOBs may be
// (ffmpeg's h263 "ps"/rtp_payload_size) to avoid it.
//
// Thread safety: pure functions and per-stream packetizers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "tessera/codecs/payload/payload_types.h"

namespace tessera::codecs::payload {

// The fields of an H.263 picture header (ITU-T H.263 §5.1) that transport needs.
struct H263PictureHeader {
  uint8_t temporal_reference = 0;
  uint8_t source_format = 0;  // 1 sub-QCIF .. 5 16CIF, 7 extended (PLUSPTYPE)
  bool intra = false;
  bool unrestricted_motion_vectors = false;  // U
  bool syntax_based_arithmetic = false;      // S
  bool advanced_prediction = false;          // A
  bool pb_frames = false;
  int width = 0;  // 0 when the size is custom (in PLUSPTYPE's CPFMT)
  int height = 0;
};
// Parses from the start of a picture: the 22-bit PSC (0000 0000 0000 0000 1000 00).
std::optional<H263PictureHeader> ParseH263PictureHeader(std::span<const uint8_t> picture);

Result<DepacketizedFrame, DepacketizeError> DepacketizeH263Rfc4629(PayloadList payloads, std::span<uint8_t> out);
Result<DepacketizedFrame, DepacketizeError> DepacketizeH263Rfc2190(PayloadList payloads, std::span<uint8_t> out);

// The size of an RFC 2190 payload header (4, 8 or 12), or 0 if too short.
size_t H263Rfc2190HeaderSize(std::span<const uint8_t> payload);

enum class H263PayloadFormat : uint8_t { kRfc4629, kRfc2190 };

struct H263PacketizerConfig {
  size_t max_payload_size = 1200;
  H263PayloadFormat format = H263PayloadFormat::kRfc4629;
};

struct H263PacketizerStats {
  uint64_t oversized_gobs = 0;  // GOBs split at byte boundaries (see above)
};

class H263Packetizer {
 public:
  explicit H263Packetizer(const H263PacketizerConfig& config = {}) : config_(config) {}
  Result<size_t, PacketizeError> Packetize(std::span<const uint8_t> picture, PayloadSink& sink);
  // The largest GOB that still fits one packet.
  size_t max_gob_size() const;
  const H263PacketizerStats& stats() const { return stats_; }

 private:
  H263PacketizerConfig config_;
  H263PacketizerStats stats_;
};

}  // namespace tessera::codecs::payload

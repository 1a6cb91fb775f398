#pragma once
// Pure functions over H.264 Annex B bytes (style.md practice 6): split an access unit into
// NAL units, tell whether it holds an IDR and parameter sets, and read the few SPS fields a
// receiver must check before decoding (size, profile, level). Every length is checked
// before it is read; nothing allocates.
//
// Thread safety: stateless functions; an AnnexBReader is a value used by one thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tessera::codecs::h264 {

enum NalType : uint8_t {
  kNalSlice = 1,
  kNalSliceA = 2,
  kNalIdr = 5,
  kNalSei = 6,
  kNalSps = 7,
  kNalPps = 8,
  kNalAud = 9,
  kNalFiller = 12,
  kNalStapA = 24,  // RTP aggregation (RFC 6184), never in an Annex B stream
  kNalFuA = 28,    // RTP fragmentation (RFC 6184)
};

inline uint8_t NalTypeOf(uint8_t header) {
  return header & 0x1f;
}

// Walks the NAL units of an Annex B byte stream (3- or 4-byte start codes). Next() returns
// each NAL unit without its start code (header byte first); bytes before the first start
// code are skipped. Trailing zero bytes of a NAL unit belong to the next start code.
class AnnexBReader {
 public:
  explicit AnnexBReader(std::span<const uint8_t> stream) : stream_(stream) {}
  std::optional<std::span<const uint8_t>> Next();

 private:
  std::span<const uint8_t> stream_;
  size_t pos_ = 0;
  bool started_ = false;
};

struct AccessUnitInfo {
  int nal_units = 0;
  bool has_idr = false;
  bool has_sps = false;
  bool has_pps = false;
  bool has_slice = false;  // any VCL NAL unit (types 1..5)
  // Bytes of the largest NAL unit, for checking max_slice_bytes and packetization mode 0.
  size_t largest_nal_bytes = 0;
};
AccessUnitInfo ScanAccessUnit(std::span<const uint8_t> annex_b);

// The parameter sets and the first slice's type of an access unit, found without reading
// the slice data (parameter sets precede the first slice), so it costs next to nothing per
// picture. SPS units beyond the fourth are counted but not kept.
struct AccessUnitPrefix {
  uint8_t first_slice_type = 0;  // NAL type of the first VCL unit (1..5), 0 if none
  int sps_count = 0;
  std::array<std::span<const uint8_t>, 4> sps{};
  bool has_pps = false;
  // recovery_frame_cnt of a recovery point SEI before the first slice (gradual decoder
  // refresh, e.g. x264's intra refresh); -1 if none.
  int recovery_frame_cnt = -1;
};
AccessUnitPrefix ScanAccessUnitPrefix(std::span<const uint8_t> annex_b);

// The fields of a sequence parameter set a receiver checks. width/height are the cropped
// display size in luma samples.
struct SpsInfo {
  uint8_t profile_idc = 0;
  uint8_t constraint_flags = 0;  // constraint_set0..5 in bits 7..2, as in profile-level-id
  uint8_t level_idc = 0;
  uint8_t sps_id = 0;
  uint8_t chroma_format_idc = 1;  // 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4
  uint8_t bit_depth_luma = 8;
  uint8_t bit_depth_chroma = 8;
  bool frame_mbs_only = true;
  int max_num_ref_frames = 0;
  int width_mbs = 0;
  int height_mbs = 0;  // of the frame (interlaced map units already doubled)
  int width = 0;
  int height = 0;
};

// recovery_frame_cnt of the recovery point message (payload type 6) in an SEI NAL unit
// (header byte included); nullopt if it has none or is malformed. Messages beyond the
// first 1024 unescaped bytes are not looked at.
std::optional<int> ParseRecoveryPointSei(std::span<const uint8_t> nal_unit);

// Parses an SPS NAL unit (header byte included, emulation prevention bytes in place).
// nullopt when it is not an SPS, is truncated, or a field is out of the standard's range.
std::optional<SpsInfo> ParseSps(std::span<const uint8_t> nal_unit);

}  // namespace tessera::codecs::h264

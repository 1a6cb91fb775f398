#pragma once
// Pure functions over H.264 Annex B bytes (style.md practice 6): split an access unit into
// NAL units, tell whether it holds an IDR and parameter sets, read the few SPS fields a
// receiver must check before decoding (size, profile, level), and read the quantizer of a
// picture from its PPS and slice headers (an encoder that does not report it, OpenH264,
// still has it in its output). Every length is checked before it is read; nothing
// allocates.
//
// Thread safety: stateless functions; an AnnexBReader and a ParameterSets are values used
// by one thread.

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
  // What a slice header needs to be walked (7.3.3).
  uint8_t log2_max_frame_num = 4;          // 4..16
  uint8_t pic_order_cnt_type = 0;          // 0..2
  uint8_t log2_max_pic_order_cnt_lsb = 4;  // 4..16, poc type 0 only
  bool delta_pic_order_always_zero_flag = false;
  bool separate_colour_plane_flag = false;
};

// The fields of a picture parameter set that a slice header depends on, up to
// redundant_pic_cnt_present_flag (the High profile tail is not read).
struct PpsInfo {
  uint8_t pps_id = 0;                     // 0..255
  uint8_t sps_id = 0;                     // 0..31
  bool entropy_coding_mode_flag = false;  // CABAC
  bool bottom_field_pic_order_in_frame_present_flag = false;
  int num_slice_groups = 1;               // always 1: slice groups (FMO) are refused
  int num_ref_idx_l0_default_active = 1;  // 1..32
  int num_ref_idx_l1_default_active = 1;  // 1..32
  bool weighted_pred_flag = false;
  uint8_t weighted_bipred_idc = 0;  // 0..2
  // -(26 + QpBdOffsetY)..25: -26..25 at 8 bits; lower values are accepted for up to 14-bit
  // streams and checked against the SPS's bit depth when a slice is read.
  int pic_init_qp_minus26 = 0;
  int chroma_qp_index_offset = 0;  // -12..12
  bool redundant_pic_cnt_present_flag = false;
};

enum class SliceType : uint8_t { kP = 0, kB = 1, kI = 2, kSp = 3, kSi = 4 };

// The slice header of 7.3.3 up to slice_qp_delta. The three flags say which optional
// syntax structures the header carried (tests use them to show a stream exercised them).
struct SliceHeaderInfo {
  uint32_t first_mb_in_slice = 0;
  SliceType slice_type = SliceType::kP;
  uint8_t pps_id = 0;
  uint32_t frame_num = 0;
  bool idr = false;
  bool field_pic = false;
  bool bottom_field = false;
  int redundant_pic_cnt = 0;
  int num_ref_idx_l0_active = 0;  // 0 for I and SI slices
  int num_ref_idx_l1_active = 0;  // 0 unless B
  bool ref_pic_list_modification = false;
  bool pred_weight_table = false;
  bool adaptive_ref_pic_marking = false;
  // SliceQPY = 26 + pic_init_qp_minus26 + slice_qp_delta: -QpBdOffsetY..51 (0..51 at 8 bits).
  int qp = 26;
};

// recovery_frame_cnt of the recovery point message (payload type 6) in an SEI NAL unit
// (header byte included); nullopt if it has none or is malformed. Messages beyond the
// first 1024 unescaped bytes are not looked at.
std::optional<int> ParseRecoveryPointSei(std::span<const uint8_t> nal_unit);

// Parses an SPS NAL unit (header byte included, emulation prevention bytes in place).
// nullopt when it is not an SPS, is truncated, or a field is out of the standard's range.
std::optional<SpsInfo> ParseSps(std::span<const uint8_t> nal_unit);

// Parses a PPS NAL unit (header byte included) up to redundant_pic_cnt_present_flag.
// nullopt when it is not a PPS, is truncated, a field is out of range, or it uses slice
// groups (FMO, Baseline-only and unused by real-time encoders: not supported).
std::optional<PpsInfo> ParsePps(std::span<const uint8_t> nal_unit);

// Walks the header of a coded slice (NAL types 1, 2 and 5; header byte included) with the
// SPS and PPS it refers to, up to slice_qp_delta. nullopt when the slice names another PPS,
// is truncated, or any field is out of the standard's range.
std::optional<SliceHeaderInfo> ParseSliceHeader(std::span<const uint8_t> nal_unit, const SpsInfo& sps,
                                                const PpsInfo& pps);
// SliceQPY of ParseSliceHeader.
std::optional<int> ParseSliceQp(std::span<const uint8_t> nal_unit, const SpsInfo& sps, const PpsInfo& pps);

// The parameter sets seen so far by id, as plain values (about 7 kB, no allocation), so a
// picture without SPS/PPS is read with those of an earlier keyframe.
struct ParameterSets {
  std::array<std::optional<SpsInfo>, 32> sps{};
  std::array<std::optional<PpsInfo>, 256> pps{};
};

// The quantizer of the primary picture of one Annex B access unit: the mean SliceQPY of
// its slices (redundant slices left out), rounded. The mean rather than the first slice's
// because an encoder may give slices different QPs (a rate control that reacts within the
// picture); when all share one, as x264 and OpenH264 do, it is that QP. SPS and PPS units
// in the access unit are parsed and stored in `sets` first. nullopt if no slice header
// could be read (no slice, unknown or broken parameter sets, broken header).
std::optional<int> ReadAccessUnitQp(std::span<const uint8_t> annex_b, ParameterSets& sets);

}  // namespace tessera::codecs::h264

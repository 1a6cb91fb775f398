#include "tessera/codecs/video/h264_bitstream.h"

#include <climits>
#include <cmath>
#include <cstring>

#include "video/bit_reader.h"

namespace tessera::codecs::h264 {
namespace {

// Position of the next 00 00 01 at or after `from`, or stream.size().
size_t FindStartCode(std::span<const uint8_t> s, size_t from) {
  size_t i = from;
  while (i + 3 <= s.size()) {
    // The 01 of a start code: memchr is vectorised, so most bytes are skipped quickly.
    const void* hit = std::memchr(s.data() + i + 2, 0x01, s.size() - i - 2);
    if (hit == nullptr) return s.size();
    const size_t one = static_cast<size_t>(static_cast<const uint8_t*>(hit) - s.data());
    if (s[one - 1] == 0 && s[one - 2] == 0) return one - 2;
    i = one - 1;
  }
  return s.size();
}

}  // namespace

std::optional<std::span<const uint8_t>> AnnexBReader::Next() {
  if (!started_) {
    const size_t first = FindStartCode(stream_, 0);
    if (first == stream_.size()) return std::nullopt;
    pos_ = first + 3;
    started_ = true;
  }
  while (pos_ < stream_.size()) {
    const size_t begin = pos_;
    const size_t next = FindStartCode(stream_, begin);
    size_t end = next;
    // Zero bytes before a start code are its leading zero / trailing_zero_8bits.
    while (end > begin && stream_[end - 1] == 0)
      --end;
    pos_ = next == stream_.size() ? stream_.size() : next + 3;
    if (end > begin) return stream_.subspan(begin, end - begin);
  }
  return std::nullopt;
}

AccessUnitInfo ScanAccessUnit(std::span<const uint8_t> annex_b) {
  AccessUnitInfo info;
  AnnexBReader reader(annex_b);
  while (auto nal = reader.Next()) {
    ++info.nal_units;
    if (nal->size() > info.largest_nal_bytes) info.largest_nal_bytes = nal->size();
    const uint8_t type = NalTypeOf((*nal)[0]);
    info.has_idr |= type == kNalIdr;
    info.has_sps |= type == kNalSps;
    info.has_pps |= type == kNalPps;
    info.has_slice |= type >= kNalSlice && type <= kNalIdr;
  }
  return info;
}

AccessUnitPrefix ScanAccessUnitPrefix(std::span<const uint8_t> annex_b) {
  AccessUnitPrefix prefix;
  size_t start = FindStartCode(annex_b, 0);
  while (start < annex_b.size()) {
    const size_t begin = start + 3;
    if (begin >= annex_b.size()) break;
    const uint8_t type = NalTypeOf(annex_b[begin]);
    if (type >= kNalSlice && type <= kNalIdr) {
      prefix.first_slice_type = type;
      break;
    }
    const size_t next = FindStartCode(annex_b, begin);
    size_t end = next;
    while (end > begin && annex_b[end - 1] == 0)
      --end;
    if (type == kNalSps) {
      if (prefix.sps_count < static_cast<int>(prefix.sps.size()))
        prefix.sps[prefix.sps_count] = annex_b.subspan(begin, end - begin);
      ++prefix.sps_count;
    }
    prefix.has_pps |= type == kNalPps;
    if (type == kNalSei && prefix.recovery_frame_cnt < 0) {
      if (auto count = ParseRecoveryPointSei(annex_b.subspan(begin, end - begin))) prefix.recovery_frame_cnt = *count;
    }
    start = next;
  }
  return prefix;
}

namespace {

bool HasChromaInfo(int profile_idc) {
  switch (profile_idc) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135:
      return true;
    default:
      return false;
  }
}

// scaling_list() of 7.3.2.1.1.1: only its length matters here.
bool SkipScalingList(BitReader& r, int size) {
  int last = 8, next = 8;
  for (int j = 0; j < size; ++j) {
    if (next != 0) {
      const auto delta = r.ReadSignedExpGolomb();
      if (!delta || *delta < -128 || *delta > 127) return false;
      next = (last + *delta + 256) % 256;
    }
    last = next == 0 ? last : next;
  }
  return true;
}

}  // namespace

std::optional<int> ParseRecoveryPointSei(std::span<const uint8_t> nal_unit) {
  if (nal_unit.empty() || NalTypeOf(nal_unit[0]) != kNalSei) return std::nullopt;
  uint8_t rbsp[1024];
  const size_t size = UnescapeRbsp(nal_unit.subspan(1), rbsp);
  size_t pos = 0;
  // 7.3.2.3.1: sei_message() until rbsp_trailing_bits (0x80).
  while (pos < size && rbsp[pos] != 0x80) {
    uint32_t type = 0, length = 0;
    while (pos < size && rbsp[pos] == 0xff) {
      type += 255;
      ++pos;
    }
    if (pos >= size) return std::nullopt;
    type += rbsp[pos++];
    while (pos < size && rbsp[pos] == 0xff) {
      length += 255;
      ++pos;
    }
    if (pos >= size) return std::nullopt;
    length += rbsp[pos++];
    if (length > size - pos) return std::nullopt;
    if (type == 6) {
      BitReader r(std::span<const uint8_t>(rbsp + pos, length));
      const auto count = r.ReadExpGolomb();
      if (!count || *count > 65535) return std::nullopt;
      return static_cast<int>(*count);
    }
    pos += length;
  }
  return std::nullopt;
}

std::optional<SpsInfo> ParseSps(std::span<const uint8_t> nal_unit) {
  if (nal_unit.empty() || NalTypeOf(nal_unit[0]) != kNalSps) return std::nullopt;
  // The fields read here fit in well under 512 escaped bytes even with scaling lists.
  uint8_t rbsp[512];
  const size_t rbsp_size = UnescapeRbsp(nal_unit.subspan(1), rbsp);
  BitReader r(std::span<const uint8_t>(rbsp, rbsp_size));

  SpsInfo sps;
  const auto profile = r.ReadBits(8), flags = r.ReadBits(8), level = r.ReadBits(8);
  const auto id = r.ReadExpGolomb();
  if (!profile || !flags || !level || !id || *id > 31) return std::nullopt;
  sps.profile_idc = static_cast<uint8_t>(*profile);
  sps.constraint_flags = static_cast<uint8_t>(*flags);
  sps.level_idc = static_cast<uint8_t>(*level);
  sps.sps_id = static_cast<uint8_t>(*id);

  if (HasChromaInfo(sps.profile_idc)) {
    const auto chroma = r.ReadExpGolomb();
    if (!chroma || *chroma > 3) return std::nullopt;
    sps.chroma_format_idc = static_cast<uint8_t>(*chroma);
    if (sps.chroma_format_idc == 3) {
      const auto separate = r.ReadBits(1);
      if (!separate) return std::nullopt;
      sps.separate_colour_plane_flag = *separate != 0;
    }
    const auto depth_luma = r.ReadExpGolomb(), depth_chroma = r.ReadExpGolomb();
    if (!depth_luma || !depth_chroma || *depth_luma > 6 || *depth_chroma > 6) return std::nullopt;
    sps.bit_depth_luma = static_cast<uint8_t>(8 + *depth_luma);
    sps.bit_depth_chroma = static_cast<uint8_t>(8 + *depth_chroma);
    const auto bypass = r.ReadBits(1), matrix_present = r.ReadBits(1);
    if (!bypass || !matrix_present) return std::nullopt;
    if (*matrix_present) {
      const int lists = sps.chroma_format_idc != 3 ? 8 : 12;
      for (int i = 0; i < lists; ++i) {
        const auto present = r.ReadBits(1);
        if (!present) return std::nullopt;
        if (*present && !SkipScalingList(r, i < 6 ? 16 : 64)) return std::nullopt;
      }
    }
  }

  const auto log2_max_frame_num = r.ReadExpGolomb();
  if (!log2_max_frame_num || *log2_max_frame_num > 12) return std::nullopt;
  sps.log2_max_frame_num = static_cast<uint8_t>(*log2_max_frame_num + 4);
  const auto poc_type = r.ReadExpGolomb();
  if (!poc_type || *poc_type > 2) return std::nullopt;
  sps.pic_order_cnt_type = static_cast<uint8_t>(*poc_type);
  if (*poc_type == 0) {
    const auto log2_max_poc_lsb = r.ReadExpGolomb();
    if (!log2_max_poc_lsb || *log2_max_poc_lsb > 12) return std::nullopt;
    sps.log2_max_pic_order_cnt_lsb = static_cast<uint8_t>(*log2_max_poc_lsb + 4);
  } else if (*poc_type == 1) {
    const auto always_zero = r.ReadBits(1);
    const auto non_ref = r.ReadSignedExpGolomb(), top_bottom = r.ReadSignedExpGolomb();
    const auto cycle = r.ReadExpGolomb();
    if (!always_zero || !non_ref || !top_bottom || !cycle || *cycle > 255) return std::nullopt;
    sps.delta_pic_order_always_zero_flag = *always_zero != 0;
    for (uint32_t i = 0; i < *cycle; ++i)
      if (!r.ReadSignedExpGolomb()) return std::nullopt;
  }
  const auto refs = r.ReadExpGolomb();
  const auto gaps = r.ReadBits(1);
  const auto width_mbs = r.ReadExpGolomb(), height_units = r.ReadExpGolomb();
  const auto frame_mbs_only = r.ReadBits(1);
  if (!refs || *refs > 16 || !gaps || !width_mbs || !height_units || !frame_mbs_only) return std::nullopt;
  // A.3.1: no side may exceed sqrt(8 x MaxFS) macroblocks, 1055 at level 6.2 (the largest).
  if (*width_mbs >= 1055 || *height_units >= 1055) return std::nullopt;
  sps.max_num_ref_frames = static_cast<int>(*refs);
  sps.frame_mbs_only = *frame_mbs_only != 0;
  if (!sps.frame_mbs_only && !r.ReadBits(1)) return std::nullopt;  // mb_adaptive_frame_field_flag
  if (!r.ReadBits(1)) return std::nullopt;                         // direct_8x8_inference_flag
  sps.width_mbs = static_cast<int>(*width_mbs) + 1;
  sps.height_mbs = (static_cast<int>(*height_units) + 1) * (sps.frame_mbs_only ? 1 : 2);

  uint32_t crop_left = 0, crop_right = 0, crop_top = 0, crop_bottom = 0;
  const auto cropping = r.ReadBits(1);
  if (!cropping) return std::nullopt;
  if (*cropping) {
    const auto left = r.ReadExpGolomb(), right = r.ReadExpGolomb();
    const auto top = r.ReadExpGolomb(), bottom = r.ReadExpGolomb();
    if (!left || !right || !top || !bottom) return std::nullopt;
    crop_left = *left;
    crop_right = *right;
    crop_top = *top;
    crop_bottom = *bottom;
  }
  // Table 6-1: crop units in luma samples.
  const int chroma_array_type = sps.separate_colour_plane_flag ? 0 : sps.chroma_format_idc;
  const int sub_width = chroma_array_type == 1 || chroma_array_type == 2 ? 2 : 1;
  const int sub_height = chroma_array_type == 1 ? 2 : 1;
  const int64_t crop_unit_x = chroma_array_type == 0 ? 1 : sub_width;
  const int64_t crop_unit_y = (chroma_array_type == 0 ? 1 : sub_height) * (sps.frame_mbs_only ? 1 : 2);
  const int64_t width = int64_t{sps.width_mbs} * 16 - crop_unit_x * (int64_t{crop_left} + crop_right);
  const int64_t height = int64_t{sps.height_mbs} * 16 - crop_unit_y * (int64_t{crop_top} + crop_bottom);
  if (width <= 0 || height <= 0) return std::nullopt;
  sps.width = static_cast<int>(width);
  sps.height = static_cast<int>(height);
  return sps;
}

namespace {

// BitReader with the range check folded in: each read fails when the field is missing or
// outside [min, max], so a header walk reads as the list of its fields.
class FieldReader {
 public:
  explicit FieldReader(std::span<const uint8_t> rbsp) : r_(rbsp) {}

  bool Bits(int count, uint32_t& out) {
    const auto v = r_.ReadBits(count);
    if (!v) return false;
    out = *v;
    return true;
  }
  bool Flag(bool& out) {
    const auto v = r_.ReadBits(1);
    if (!v) return false;
    out = *v != 0;
    return true;
  }
  bool Ue(uint32_t& out, uint32_t max) {
    const auto v = r_.ReadExpGolomb();
    if (!v || *v > max) return false;
    out = *v;
    return true;
  }
  bool Se(int32_t& out, int32_t min, int32_t max) {
    const auto v = r_.ReadSignedExpGolomb();
    if (!v || *v < min || *v > max) return false;
    out = *v;
    return true;
  }
  bool SkipUe(uint32_t max) {
    uint32_t v;
    return Ue(v, max);
  }
  bool SkipSe(int32_t min, int32_t max) {
    int32_t v;
    return Se(v, min, max);
  }

 private:
  BitReader r_;
};

constexpr int32_t kSeMin = INT32_MIN + 1;  // se(v) of a 32-bit code: -(2^31 - 1)..2^31 - 1
constexpr int32_t kSeMax = INT32_MAX;

// Largest QpBdOffsetY (14-bit luma, 7.4.2.1.1): how low pic_init_qp_minus26 may go at all.
constexpr int kMaxQpBdOffset = 6 * 6;

bool IsSliceNal(uint8_t type) {
  return type == kNalSlice || type == kNalSliceA || type == kNalIdr;
}

// ref_pic_list_modification() for one list (7.3.3.1): at most `active` reorderings, each
// naming a short-term picture (difference) or a long-term one.
bool SkipRefPicListModification(FieldReader& f, int active, uint32_t max_pic_num, bool& present) {
  bool flag = false;
  if (!f.Flag(flag)) return false;
  present |= flag;
  if (!flag) return true;
  for (int n = 0;; ++n) {
    uint32_t idc = 0;
    if (!f.Ue(idc, 3)) return false;  // 4 and 5 are MVC-only (NAL type 20)
    if (idc == 3) return true;
    if (n >= active) return false;
    // LongTermPicNum is at most 2 * 15 + 1 (16 frames, bottom field).
    if (!f.SkipUe(idc == 2 ? 31 : max_pic_num - 1)) return false;
  }
}

// pred_weight_table() (7.3.3.2) for the lists in use.
bool SkipPredWeightTable(FieldReader& f, int chroma_array_type, int l0, int l1) {
  uint32_t denom = 0;
  if (!f.Ue(denom, 7)) return false;  // luma_log2_weight_denom
  if (chroma_array_type != 0 && !f.Ue(denom, 7)) return false;
  for (const int active : {l0, l1}) {
    for (int i = 0; i < active; ++i) {
      bool luma = false, chroma = false;
      if (!f.Flag(luma)) return false;
      if (luma && (!f.SkipSe(-128, 127) || !f.SkipSe(-128, 127))) return false;
      if (chroma_array_type == 0) continue;
      if (!f.Flag(chroma)) return false;
      for (int j = 0; chroma && j < 2; ++j)
        if (!f.SkipSe(-128, 127) || !f.SkipSe(-128, 127)) return false;
    }
  }
  return true;
}

// dec_ref_pic_marking() (7.3.3.3).
bool SkipDecRefPicMarking(FieldReader& f, bool idr, uint32_t max_pic_num, bool& adaptive) {
  bool flag = false;
  if (idr) return f.Flag(flag) && f.Flag(flag);  // no_output_of_prior_pics, long_term_reference
  if (!f.Flag(adaptive)) return false;
  if (!adaptive) return true;
  // Each operation takes at least one bit, so the loop ends with the RBSP at the latest.
  while (true) {
    uint32_t op = 0;
    if (!f.Ue(op, 6)) return false;
    if (op == 0) return true;
    if ((op == 1 || op == 3) && !f.SkipUe(max_pic_num - 1)) return false;  // difference_of_pic_nums_minus1
    if (op == 2 && !f.SkipUe(31)) return false;                            // long_term_pic_num
    if ((op == 3 || op == 6) && !f.SkipUe(15)) return false;               // long_term_frame_idx
    if (op == 4 && !f.SkipUe(16)) return false;                            // max_long_term_frame_idx_plus1
  }
}

std::optional<SliceHeaderInfo> ReadSliceHeader(FieldReader& f, uint8_t nal_header, const SpsInfo& sps,
                                               const PpsInfo& pps) {
  SliceHeaderInfo h;
  const uint8_t nal_type = NalTypeOf(nal_header);
  const bool reference = (nal_header & 0x60) != 0;
  h.idr = nal_type == kNalIdr;
  // Values ParseSps never returns, refused so hand-made ones cannot overflow a shift below.
  if (sps.log2_max_frame_num < 4 || sps.log2_max_frame_num > 16 || sps.log2_max_pic_order_cnt_lsb < 4 ||
      sps.log2_max_pic_order_cnt_lsb > 16)
    return std::nullopt;
  uint32_t v = 0;
  const uint32_t pic_size_in_mbs = static_cast<uint32_t>(sps.width_mbs) * static_cast<uint32_t>(sps.height_mbs);
  if (pic_size_in_mbs == 0 || !f.Ue(h.first_mb_in_slice, pic_size_in_mbs - 1)) return std::nullopt;
  if (!f.Ue(v, 9)) return std::nullopt;
  h.slice_type = static_cast<SliceType>(v % 5);
  const bool p = h.slice_type == SliceType::kP || h.slice_type == SliceType::kSp;
  const bool b = h.slice_type == SliceType::kB;
  const bool intra = h.slice_type == SliceType::kI || h.slice_type == SliceType::kSi;
  if (h.idr && (!intra || !reference)) return std::nullopt;  // 7.4.1.2.4, 7.4.3
  if (!f.Ue(v, 255) || v != pps.pps_id) return std::nullopt;
  h.pps_id = static_cast<uint8_t>(v);
  if (sps.separate_colour_plane_flag && (!f.Bits(2, v) || v > 2)) return std::nullopt;  // colour_plane_id
  if (!f.Bits(sps.log2_max_frame_num, h.frame_num)) return std::nullopt;
  if (h.idr && h.frame_num != 0) return std::nullopt;
  if (!sps.frame_mbs_only) {
    if (!f.Flag(h.field_pic)) return std::nullopt;
    if (h.field_pic && !f.Flag(h.bottom_field)) return std::nullopt;
  }
  const uint32_t max_pic_num = (uint32_t{1} << sps.log2_max_frame_num) * (h.field_pic ? 2 : 1);
  if (h.idr && !f.SkipUe(65535)) return std::nullopt;  // idr_pic_id
  const bool bottom_poc = pps.bottom_field_pic_order_in_frame_present_flag && !h.field_pic;
  if (sps.pic_order_cnt_type == 0) {
    if (!f.Bits(sps.log2_max_pic_order_cnt_lsb, v)) return std::nullopt;  // pic_order_cnt_lsb
    if (bottom_poc && !f.SkipSe(kSeMin, kSeMax)) return std::nullopt;     // delta_pic_order_cnt_bottom
  } else if (sps.pic_order_cnt_type == 1 && !sps.delta_pic_order_always_zero_flag) {
    if (!f.SkipSe(kSeMin, kSeMax)) return std::nullopt;                // delta_pic_order_cnt[0]
    if (bottom_poc && !f.SkipSe(kSeMin, kSeMax)) return std::nullopt;  // delta_pic_order_cnt[1]
  }
  if (pps.redundant_pic_cnt_present_flag) {
    if (!f.Ue(v, 127)) return std::nullopt;
    h.redundant_pic_cnt = static_cast<int>(v);
  }
  bool flag = false;
  if (b && !f.Flag(flag)) return std::nullopt;  // direct_spatial_mv_pred_flag
  if (p || b) {
    h.num_ref_idx_l0_active = pps.num_ref_idx_l0_default_active;
    h.num_ref_idx_l1_active = b ? pps.num_ref_idx_l1_default_active : 0;
    bool override_flag = false;
    if (!f.Flag(override_flag)) return std::nullopt;
    if (override_flag) {
      if (!f.Ue(v, 31)) return std::nullopt;
      h.num_ref_idx_l0_active = static_cast<int>(v) + 1;
      if (b) {
        if (!f.Ue(v, 31)) return std::nullopt;
        h.num_ref_idx_l1_active = static_cast<int>(v) + 1;
      }
    }
    // 7.4.3: 16 references per list for a frame, 32 for a field, override or not.
    const int most = h.field_pic ? 32 : 16;
    if (h.num_ref_idx_l0_active > most || h.num_ref_idx_l1_active > most) return std::nullopt;
  }
  // ref_pic_list_modification(): lists of P/SP and B slices (NAL types 1, 2, 5 only).
  if (!intra && !SkipRefPicListModification(f, h.num_ref_idx_l0_active, max_pic_num, h.ref_pic_list_modification))
    return std::nullopt;
  if (b && !SkipRefPicListModification(f, h.num_ref_idx_l1_active, max_pic_num, h.ref_pic_list_modification))
    return std::nullopt;
  if ((pps.weighted_pred_flag && p) || (pps.weighted_bipred_idc == 1 && b)) {
    const int chroma_array_type = sps.separate_colour_plane_flag ? 0 : sps.chroma_format_idc;
    if (!SkipPredWeightTable(f, chroma_array_type, h.num_ref_idx_l0_active, h.num_ref_idx_l1_active))
      return std::nullopt;
    h.pred_weight_table = true;
  }
  if (reference && !SkipDecRefPicMarking(f, h.idr, max_pic_num, h.adaptive_ref_pic_marking)) return std::nullopt;
  if (pps.entropy_coding_mode_flag && !intra && !f.SkipUe(2)) return std::nullopt;  // cabac_init_idc
  // SliceQPY in -QpBdOffsetY..51 (7.4.3).
  const int qp_bd_offset = 6 * (sps.bit_depth_luma - 8);
  int32_t delta = 0;
  const int base = 26 + pps.pic_init_qp_minus26;
  if (!f.Se(delta, -qp_bd_offset - base, 51 - base)) return std::nullopt;
  h.qp = base + delta;
  return h;
}

// pic_parameter_set_id of a slice header: its third field.
std::optional<uint8_t> SlicePpsId(std::span<const uint8_t> nal_unit) {
  uint8_t rbsp[25];  // three ue(v) of at most 65 bits each
  FieldReader f(std::span<const uint8_t>(rbsp, UnescapeRbsp(nal_unit.subspan(1), rbsp)));
  uint32_t v = 0;
  if (!f.Ue(v, UINT32_MAX - 1) || !f.Ue(v, 9) || !f.Ue(v, 255)) return std::nullopt;
  return static_cast<uint8_t>(v);
}

}  // namespace

std::optional<PpsInfo> ParsePps(std::span<const uint8_t> nal_unit) {
  if (nal_unit.empty() || NalTypeOf(nal_unit[0]) != kNalPps) return std::nullopt;
  // The fields read here take at most 130 bits when in range.
  uint8_t rbsp[64];
  FieldReader f(std::span<const uint8_t>(rbsp, UnescapeRbsp(nal_unit.subspan(1), rbsp)));
  PpsInfo pps;
  uint32_t v = 0;
  int32_t s = 0;
  if (!f.Ue(v, 255)) return std::nullopt;
  pps.pps_id = static_cast<uint8_t>(v);
  if (!f.Ue(v, 31)) return std::nullopt;
  pps.sps_id = static_cast<uint8_t>(v);
  if (!f.Flag(pps.entropy_coding_mode_flag) || !f.Flag(pps.bottom_field_pic_order_in_frame_present_flag))
    return std::nullopt;
  // Slice groups (FMO) would need the slice group map that follows: not supported.
  if (!f.Ue(v, 7) || v != 0) return std::nullopt;
  if (!f.Ue(v, 31)) return std::nullopt;
  pps.num_ref_idx_l0_default_active = static_cast<int>(v) + 1;
  if (!f.Ue(v, 31)) return std::nullopt;
  pps.num_ref_idx_l1_default_active = static_cast<int>(v) + 1;
  if (!f.Flag(pps.weighted_pred_flag) || !f.Bits(2, v) || v > 2) return std::nullopt;
  pps.weighted_bipred_idc = static_cast<uint8_t>(v);
  if (!f.Se(s, -26 - kMaxQpBdOffset, 25)) return std::nullopt;
  pps.pic_init_qp_minus26 = s;
  if (!f.SkipSe(-26, 25)) return std::nullopt;  // pic_init_qs_minus26
  if (!f.Se(s, -12, 12)) return std::nullopt;
  pps.chroma_qp_index_offset = s;
  bool flag = false;
  if (!f.Flag(flag) || !f.Flag(flag)) return std::nullopt;  // deblocking control, constrained intra
  if (!f.Flag(pps.redundant_pic_cnt_present_flag)) return std::nullopt;
  return pps;
}

std::optional<SliceHeaderInfo> ParseSliceHeader(std::span<const uint8_t> nal_unit, const SpsInfo& sps,
                                                const PpsInfo& pps) {
  if (nal_unit.empty() || !IsSliceNal(NalTypeOf(nal_unit[0])) || pps.sps_id != sps.sps_id) return std::nullopt;
  // Real headers take a few dozen bytes: read from a small copy first, and from a larger
  // one only when the small one ran out (long reference list modifications or weight
  // tables, or a header that is broken anyway). No more than 2 kB are ever unescaped.
  uint8_t small[64];
  const size_t small_size = UnescapeRbsp(nal_unit.subspan(1), small);
  FieldReader f(std::span<const uint8_t>(small, small_size));
  if (auto h = ReadSliceHeader(f, nal_unit[0], sps, pps)) return h;
  if (small_size < sizeof(small)) return std::nullopt;
  uint8_t large[2048];
  FieldReader g(std::span<const uint8_t>(large, UnescapeRbsp(nal_unit.subspan(1), large)));
  return ReadSliceHeader(g, nal_unit[0], sps, pps);
}

std::optional<int> ParseSliceQp(std::span<const uint8_t> nal_unit, const SpsInfo& sps, const PpsInfo& pps) {
  const auto header = ParseSliceHeader(nal_unit, sps, pps);
  if (!header) return std::nullopt;
  return header->qp;
}

std::optional<int> ReadAccessUnitQp(std::span<const uint8_t> annex_b, ParameterSets& sets) {
  AnnexBReader reader(annex_b);
  int64_t sum = 0;
  int slices = 0;
  while (auto nal = reader.Next()) {
    const uint8_t type = NalTypeOf((*nal)[0]);
    if (type == kNalSps) {
      if (auto sps = ParseSps(*nal)) sets.sps[sps->sps_id] = *sps;
    } else if (type == kNalPps) {
      if (auto pps = ParsePps(*nal)) sets.pps[pps->pps_id] = *pps;
    } else if (IsSliceNal(type)) {
      const auto pps_id = SlicePpsId(*nal);
      if (!pps_id || !sets.pps[*pps_id]) continue;
      const PpsInfo& pps = *sets.pps[*pps_id];
      if (!sets.sps[pps.sps_id]) continue;
      const auto header = ParseSliceHeader(*nal, *sets.sps[pps.sps_id], pps);
      if (!header || header->redundant_pic_cnt > 0) continue;
      sum += header->qp;
      ++slices;
    }
  }
  if (slices == 0) return std::nullopt;
  return static_cast<int>(std::lround(static_cast<double>(sum) / slices));
}

}  // namespace tessera::codecs::h264

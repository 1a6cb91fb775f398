#include "tessera/codecs/video/h264_bitstream.h"

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

  bool separate_colour_planes = false;
  if (HasChromaInfo(sps.profile_idc)) {
    const auto chroma = r.ReadExpGolomb();
    if (!chroma || *chroma > 3) return std::nullopt;
    sps.chroma_format_idc = static_cast<uint8_t>(*chroma);
    if (sps.chroma_format_idc == 3) {
      const auto separate = r.ReadBits(1);
      if (!separate) return std::nullopt;
      separate_colour_planes = *separate != 0;
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
  const auto poc_type = r.ReadExpGolomb();
  if (!poc_type || *poc_type > 2) return std::nullopt;
  if (*poc_type == 0) {
    const auto log2_max_poc_lsb = r.ReadExpGolomb();
    if (!log2_max_poc_lsb || *log2_max_poc_lsb > 12) return std::nullopt;
  } else if (*poc_type == 1) {
    const auto always_zero = r.ReadBits(1);
    const auto non_ref = r.ReadSignedExpGolomb(), top_bottom = r.ReadSignedExpGolomb();
    const auto cycle = r.ReadExpGolomb();
    if (!always_zero || !non_ref || !top_bottom || !cycle || *cycle > 255) return std::nullopt;
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
  const int chroma_array_type = separate_colour_planes ? 0 : sps.chroma_format_idc;
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

}  // namespace tessera::codecs::h264

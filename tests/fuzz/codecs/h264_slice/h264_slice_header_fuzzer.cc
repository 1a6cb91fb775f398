// ParsePps, ParseSliceHeader and ReadAccessUnitQp over any Annex B bytes. Each slice is
// read with the parameter sets of the input (if any) and with made-up ones chosen by the
// input's last byte, so the field, POC, colour plane, weighting and CABAC branches are
// reached without a valid SPS. Invariants: every value read lies in the standard's range
// and the two entry points agree.
#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/codecs/video/h264_bitstream.h"

namespace {

using namespace tessera::codecs;

void CheckPps(const h264::PpsInfo& pps) {
  if (pps.sps_id > 31 || pps.num_slice_groups != 1) __builtin_trap();
  if (pps.num_ref_idx_l0_default_active < 1 || pps.num_ref_idx_l0_default_active > 32) __builtin_trap();
  if (pps.num_ref_idx_l1_default_active < 1 || pps.num_ref_idx_l1_default_active > 32) __builtin_trap();
  if (pps.weighted_bipred_idc > 2 || pps.pic_init_qp_minus26 < -62 || pps.pic_init_qp_minus26 > 25) __builtin_trap();
  if (pps.chroma_qp_index_offset < -12 || pps.chroma_qp_index_offset > 12) __builtin_trap();
}

void CheckSlice(std::span<const uint8_t> nal, const h264::SpsInfo& sps, const h264::PpsInfo& pps) {
  const auto header = h264::ParseSliceHeader(nal, sps, pps);
  const auto qp = h264::ParseSliceQp(nal, sps, pps);
  if (header.has_value() != qp.has_value()) __builtin_trap();
  if (!header) return;
  if (*qp != header->qp || header->qp < -6 * (sps.bit_depth_luma - 8) || header->qp > 51) __builtin_trap();
  if (header->first_mb_in_slice >= static_cast<uint32_t>(sps.width_mbs * sps.height_mbs)) __builtin_trap();
  const int most = header->field_pic ? 32 : 16;
  if (header->num_ref_idx_l0_active > most || header->num_ref_idx_l1_active > most) __builtin_trap();
  const bool intra = header->slice_type == h264::SliceType::kI || header->slice_type == h264::SliceType::kSi;
  if (intra && (header->num_ref_idx_l0_active != 0 || header->ref_pic_list_modification)) __builtin_trap();
  if (header->idr && (!intra || header->frame_num != 0 || header->adaptive_ref_pic_marking)) __builtin_trap();
  if (header->redundant_pic_cnt < 0 || header->redundant_pic_cnt > 127 || header->pps_id != pps.pps_id)
    __builtin_trap();
  if (header->field_pic && sps.frame_mbs_only) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  h264::ParameterSets sets;
  if (auto qp = h264::ReadAccessUnitQp(input, sets); qp && (*qp < -36 || *qp > 51)) __builtin_trap();
  for (size_t id = 0; id < sets.pps.size(); ++id) {
    if (!sets.pps[id]) continue;
    if (sets.pps[id]->pps_id != id) __builtin_trap();
    CheckPps(*sets.pps[id]);
  }

  // Made-up parameter sets, one bit of the last byte per branch.
  const uint8_t bits = size > 0 ? data[size - 1] : 0;
  h264::SpsInfo sps;
  sps.width_mbs = 20;
  sps.height_mbs = 18;
  sps.frame_mbs_only = (bits & 1) == 0;
  sps.pic_order_cnt_type = static_cast<uint8_t>((bits >> 1) % 3);
  sps.log2_max_pic_order_cnt_lsb = 8;
  sps.log2_max_frame_num = 5;
  sps.delta_pic_order_always_zero_flag = (bits & 0x08) != 0;
  sps.separate_colour_plane_flag = (bits & 0x10) != 0;
  sps.chroma_format_idc = sps.separate_colour_plane_flag ? 3 : (bits & 0x20) ? 0 : 1;
  sps.bit_depth_luma = (bits & 0x40) ? 10 : 8;
  h264::PpsInfo pps;
  pps.entropy_coding_mode_flag = (bits & 0x80) != 0;
  pps.bottom_field_pic_order_in_frame_present_flag = (bits & 0x02) != 0;
  pps.weighted_pred_flag = (bits & 0x04) != 0;
  pps.weighted_bipred_idc = (bits & 0x20) ? 1 : 0;
  pps.redundant_pic_cnt_present_flag = (bits & 0x40) != 0;
  pps.num_ref_idx_l0_default_active = 1 + (bits & 3);
  pps.num_ref_idx_l1_default_active = 1 + ((bits >> 2) & 1);

  h264::AnnexBReader reader(input);
  while (auto nal = reader.Next()) {
    if (auto parsed = h264::ParsePps(*nal)) CheckPps(*parsed);
    const uint8_t type = h264::NalTypeOf((*nal)[0]);
    if (type != h264::kNalSlice && type != h264::kNalSliceA && type != h264::kNalIdr) continue;
    CheckSlice(*nal, sps, pps);
    for (const auto& stored : sets.pps)
      if (stored && sets.sps[stored->sps_id]) CheckSlice(*nal, *sets.sps[stored->sps_id], *stored);
  }
  return 0;
}

// ParsePps, ParseSliceHeader and ReadAccessUnitQp over hand-written bit strings: the
// branches and range checks real encoders never reach (slice groups, out-of-range QPs,
// field pictures, POC type 1, separate colour planes, redundant slices), and truncation.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tessera/codecs/video/h264_bitstream.h"

namespace tessera::codecs {
namespace {

using Bytes = std::vector<uint8_t>;

// Writes an RBSP bit by bit and wraps it as a NAL unit (trailing bits, emulation
// prevention), the inverse of what the parser reads.
class BitWriter {
 public:
  BitWriter& Bits(uint32_t value, int count) {
    for (int i = count - 1; i >= 0; --i)
      bits_.push_back(((value >> i) & 1u) != 0);
    return *this;
  }
  BitWriter& Flag(bool value) { return Bits(value ? 1 : 0, 1); }
  BitWriter& Ue(uint32_t value) {
    const uint64_t code = uint64_t{value} + 1;
    int length = 0;
    while ((code >> length) > 1)
      ++length;
    for (int i = 0; i < length; ++i)
      bits_.push_back(false);
    for (int i = length; i >= 0; --i)
      bits_.push_back(((code >> i) & 1u) != 0);
    return *this;
  }
  BitWriter& Se(int32_t value) {
    return Ue(value > 0 ? static_cast<uint32_t>(2 * int64_t{value} - 1) : static_cast<uint32_t>(-2 * int64_t{value}));
  }
  Bytes Nal(uint8_t header) const {
    std::vector<bool> bits = bits_;
    bits.push_back(true);  // rbsp_stop_one_bit
    while (bits.size() % 8 != 0)
      bits.push_back(false);
    Bytes out = {header};
    int zeros = 0;
    for (size_t i = 0; i < bits.size(); i += 8) {
      uint8_t byte = 0;
      for (size_t j = 0; j < 8; ++j)
        byte = static_cast<uint8_t>((byte << 1) | (bits[i + j] ? 1 : 0));
      if (zeros >= 2 && byte <= 3) {
        out.push_back(0x03);
        zeros = 0;
      }
      out.push_back(byte);
      zeros = byte == 0 ? zeros + 1 : 0;
    }
    return out;
  }

 private:
  std::vector<bool> bits_;
};

constexpr uint8_t kPpsHeader = 0x68;
constexpr uint8_t kIdrHeader = 0x65;       // nal_ref_idc 3, type 5
constexpr uint8_t kRefSliceHeader = 0x41;  // nal_ref_idc 2, type 1
constexpr uint8_t kNonRefSliceHeader = 0x01;

struct PpsFields {
  uint32_t pps_id = 0, sps_id = 0;
  bool cabac = false, bottom_field_poc = false;
  uint32_t slice_groups_minus1 = 0;
  uint32_t l0_minus1 = 0, l1_minus1 = 0;
  bool weighted_pred = false;
  uint32_t bipred_idc = 0;
  int32_t init_qp_minus26 = 0, init_qs_minus26 = 0, chroma_offset = 0;
  bool redundant = false;
};

Bytes WritePps(const PpsFields& f) {
  BitWriter w;
  w.Ue(f.pps_id).Ue(f.sps_id).Flag(f.cabac).Flag(f.bottom_field_poc).Ue(f.slice_groups_minus1);
  if (f.slice_groups_minus1 > 0) w.Ue(0).Ue(0);  // slice_group_map_type 0, run_length_minus1
  w.Ue(f.l0_minus1).Ue(f.l1_minus1).Flag(f.weighted_pred).Bits(f.bipred_idc, 2);
  w.Se(f.init_qp_minus26).Se(f.init_qs_minus26).Se(f.chroma_offset);
  w.Flag(true).Flag(false).Flag(f.redundant);
  return w.Nal(kPpsHeader);
}

// A baseline-like SPS as ParseSps would return it; the tests change what they need.
h264::SpsInfo Sps() {
  h264::SpsInfo sps;
  sps.width_mbs = 20;
  sps.height_mbs = 15;
  sps.log2_max_frame_num = 4;
  sps.pic_order_cnt_type = 2;
  return sps;
}

h264::PpsInfo Pps(const PpsFields& f = {}) {
  const auto pps = h264::ParsePps(WritePps(f));
  EXPECT_TRUE(pps);
  return pps.value_or(h264::PpsInfo{});
}

// An I slice of an IDR picture for Sps()/Pps() with the given slice_qp_delta.
Bytes IdrSlice(int32_t qp_delta, uint32_t first_mb = 0, uint32_t pps_id = 0) {
  BitWriter w;
  w.Ue(first_mb).Ue(7).Ue(pps_id).Bits(0, 4).Ue(0);  // frame_num 0, idr_pic_id 0
  w.Flag(false).Flag(false);                         // dec_ref_pic_marking for an IDR
  w.Se(qp_delta).Ue(0);                              // then some slice data
  return w.Nal(kIdrHeader);
}

TEST(ParsePps, ReadsEveryFieldTheSliceHeaderNeeds) {
  PpsFields f;
  f.pps_id = 200;
  f.sps_id = 31;
  f.cabac = true;
  f.bottom_field_poc = true;
  f.l0_minus1 = 31;
  f.l1_minus1 = 2;
  f.weighted_pred = true;
  f.bipred_idc = 2;
  f.init_qp_minus26 = -26;
  f.chroma_offset = -12;
  f.redundant = true;
  const auto pps = h264::ParsePps(WritePps(f));
  ASSERT_TRUE(pps);
  EXPECT_EQ(pps->pps_id, 200);
  EXPECT_EQ(pps->sps_id, 31);
  EXPECT_TRUE(pps->entropy_coding_mode_flag);
  EXPECT_TRUE(pps->bottom_field_pic_order_in_frame_present_flag);
  EXPECT_EQ(pps->num_slice_groups, 1);
  EXPECT_EQ(pps->num_ref_idx_l0_default_active, 32);
  EXPECT_EQ(pps->num_ref_idx_l1_default_active, 3);
  EXPECT_TRUE(pps->weighted_pred_flag);
  EXPECT_EQ(pps->weighted_bipred_idc, 2);
  EXPECT_EQ(pps->pic_init_qp_minus26, -26);
  EXPECT_EQ(pps->chroma_qp_index_offset, -12);
  EXPECT_TRUE(pps->redundant_pic_cnt_present_flag);
}

TEST(ParsePps, RefusesSliceGroupsOutOfRangeFieldsAndOtherUnits) {
  auto refused = [](auto change) {
    PpsFields f;
    change(f);
    return !h264::ParsePps(WritePps(f)).has_value();
  };
  EXPECT_TRUE(refused([](PpsFields& f) { f.slice_groups_minus1 = 1; }));  // FMO: not supported
  EXPECT_TRUE(refused([](PpsFields& f) { f.pps_id = 256; }));
  EXPECT_TRUE(refused([](PpsFields& f) { f.sps_id = 32; }));
  EXPECT_TRUE(refused([](PpsFields& f) { f.l0_minus1 = 32; }));
  EXPECT_TRUE(refused([](PpsFields& f) { f.l1_minus1 = 32; }));
  EXPECT_TRUE(refused([](PpsFields& f) { f.bipred_idc = 3; }));
  EXPECT_TRUE(refused([](PpsFields& f) { f.init_qp_minus26 = 26; }));
  EXPECT_TRUE(refused([](PpsFields& f) { f.init_qp_minus26 = -26 - 36 - 1; }));  // below 14-bit's range
  EXPECT_TRUE(refused([](PpsFields& f) { f.init_qs_minus26 = -27; }));
  EXPECT_TRUE(refused([](PpsFields& f) { f.chroma_offset = 13; }));
  EXPECT_FALSE(refused([](PpsFields& f) { f.init_qp_minus26 = 25; }));
  Bytes not_pps = WritePps({});
  not_pps[0] = 0x67;
  EXPECT_FALSE(h264::ParsePps(not_pps));
  EXPECT_FALSE(h264::ParsePps(Bytes{}));
}

TEST(ParsePps, RefusesEveryTruncation) {
  PpsFields f;
  f.pps_id = 3;
  f.redundant = true;
  const Bytes nal = WritePps(f);
  ASSERT_TRUE(h264::ParsePps(nal));
  // The last field read is redundant_pic_cnt_present_flag, in the last byte.
  for (size_t n = 0; n + 1 < nal.size(); ++n)
    EXPECT_FALSE(h264::ParsePps(std::span<const uint8_t>(nal.data(), n))) << n << " bytes";
}

TEST(ParseSliceHeader, ReadsTheQpOfAnIdrSliceOverItsWholeRange) {
  const auto sps = Sps();
  const auto pps = Pps();  // pic_init_qp 26
  for (int qp = 0; qp <= 51; ++qp) {
    const auto header = h264::ParseSliceHeader(IdrSlice(qp - 26), sps, pps);
    ASSERT_TRUE(header) << qp;
    EXPECT_EQ(header->qp, qp);
    EXPECT_TRUE(header->idr);
    EXPECT_EQ(header->slice_type, h264::SliceType::kI);
  }
  EXPECT_FALSE(h264::ParseSliceQp(IdrSlice(-27), sps, pps));  // QP -1 at 8 bits
  EXPECT_FALSE(h264::ParseSliceQp(IdrSlice(26), sps, pps));   // QP 52
  // At 10 bits SliceQPY goes down to -12 (QpBdOffsetY).
  auto deep = sps;
  deep.bit_depth_luma = 10;
  EXPECT_EQ(h264::ParseSliceQp(IdrSlice(-38), deep, pps), -12);
  EXPECT_FALSE(h264::ParseSliceQp(IdrSlice(-39), deep, pps));
}

TEST(ParseSliceHeader, RefusesASliceOfAnotherPpsOrOutsideThePicture) {
  const auto sps = Sps();
  const auto pps = Pps();
  EXPECT_FALSE(h264::ParseSliceHeader(IdrSlice(0, 0, 1), sps, pps));        // names PPS 1
  EXPECT_TRUE(h264::ParseSliceHeader(IdrSlice(0, 20 * 15 - 1), sps, pps));  // last macroblock
  EXPECT_FALSE(h264::ParseSliceHeader(IdrSlice(0, 20 * 15), sps, pps));
  auto other_sps = sps;
  other_sps.sps_id = 1;
  EXPECT_FALSE(h264::ParseSliceHeader(IdrSlice(0), other_sps, pps));  // the PPS refers to SPS 0
  Bytes not_slice = IdrSlice(0);
  not_slice[0] = 0x67;
  EXPECT_FALSE(h264::ParseSliceHeader(not_slice, sps, pps));
  EXPECT_FALSE(h264::ParseSliceHeader(Bytes{}, sps, pps));
}

TEST(ParseSliceHeader, RefusesAnIdrThatIsNotIntraOrNotAReference) {
  const auto sps = Sps();
  const auto pps = Pps();
  BitWriter p_idr;
  p_idr.Ue(0).Ue(5).Ue(0).Bits(0, 4).Ue(0).Flag(false).Flag(false).Flag(false).Flag(false).Se(0);
  EXPECT_FALSE(h264::ParseSliceHeader(p_idr.Nal(kIdrHeader), sps, pps));
  Bytes unreferenced = IdrSlice(0);
  unreferenced[0] = 0x05;  // nal_ref_idc 0
  EXPECT_FALSE(h264::ParseSliceHeader(unreferenced, sps, pps));
}

TEST(ParseSliceHeader, WalksFieldPicturesPocType1AndRedundantSlices) {
  auto sps = Sps();
  sps.frame_mbs_only = false;
  sps.pic_order_cnt_type = 1;
  sps.log2_max_frame_num = 6;
  PpsFields f;
  f.bottom_field_poc = true;
  f.redundant = true;
  f.l0_minus1 = 20;  // more than a frame may use: a frame slice must override it
  f.init_qp_minus26 = 4;
  const auto pps = Pps(f);
  // A P bottom field, nal_ref_idc 0: frame_num 5 (6 bits), field_pic 1, bottom 1, one
  // delta_pic_order_cnt (no bottom delta for a field), redundant_pic_cnt 1, no override
  // (21 references are fine for a field), no list modification, slice_qp_delta -3.
  BitWriter field;
  field.Ue(0).Ue(0).Ue(0).Bits(5, 6).Flag(true).Flag(true).Se(-7).Ue(1).Flag(false).Flag(false).Se(-3);
  const auto header = h264::ParseSliceHeader(field.Nal(kNonRefSliceHeader), sps, pps);
  ASSERT_TRUE(header);
  EXPECT_TRUE(header->field_pic);
  EXPECT_TRUE(header->bottom_field);
  EXPECT_EQ(header->frame_num, 5u);
  EXPECT_EQ(header->redundant_pic_cnt, 1);
  EXPECT_EQ(header->num_ref_idx_l0_active, 21);
  EXPECT_EQ(header->qp, 27);
  // The same as a frame: two POC deltas, and 21 references without override are refused.
  BitWriter frame;
  frame.Ue(0).Ue(0).Ue(0).Bits(5, 6).Flag(false).Se(-7).Se(2).Ue(0).Flag(false).Flag(false).Se(-3);
  EXPECT_FALSE(h264::ParseSliceHeader(frame.Nal(kNonRefSliceHeader), sps, pps));
  BitWriter overridden;
  overridden.Ue(0).Ue(0).Ue(0).Bits(5, 6).Flag(false).Se(-7).Se(2).Ue(0).Flag(true).Ue(15).Flag(false).Se(-3);
  const auto frame_header = h264::ParseSliceHeader(overridden.Nal(kNonRefSliceHeader), sps, pps);
  ASSERT_TRUE(frame_header);
  EXPECT_EQ(frame_header->num_ref_idx_l0_active, 16);
  EXPECT_EQ(frame_header->qp, 27);
}

TEST(ParseSliceHeader, WalksListModificationWeightsAndMmcoOfACabacBSlice) {
  auto sps = Sps();
  sps.separate_colour_plane_flag = true;  // colour_plane_id, and no chroma weights
  sps.chroma_format_idc = 3;
  sps.pic_order_cnt_type = 0;
  sps.log2_max_pic_order_cnt_lsb = 8;
  PpsFields f;
  f.cabac = true;
  f.bipred_idc = 1;  // explicit weights in B slices
  f.l0_minus1 = 1;
  f.l1_minus1 = 0;
  const auto pps = Pps(f);
  BitWriter w;
  w.Ue(0).Ue(6).Ue(0).Bits(2, 2).Bits(3, 4);  // B, PPS 0, colour plane 2, frame_num 3
  w.Bits(17, 8);                              // pic_order_cnt_lsb
  w.Flag(true).Flag(false);                   // direct_spatial_mv_pred, no override
  // l0: swap in picture num - 2, then long-term 1; l1: no modification.
  w.Flag(true).Ue(0).Ue(1).Ue(2).Ue(1).Ue(3).Flag(false);
  // pred_weight_table: luma denominator 6, l0[0] weighted, l0[1] not, l1[0] weighted.
  w.Ue(6).Flag(true).Se(-128).Se(127).Flag(false).Flag(true).Se(64).Se(0);
  // dec_ref_pic_marking: adaptive, MMCO 1 (short term unused), 3 (to long term), 0.
  w.Flag(true).Ue(1).Ue(4).Ue(3).Ue(0).Ue(2).Ue(0);
  w.Ue(2).Se(5);  // cabac_init_idc 2, slice_qp_delta
  const Bytes nal = w.Nal(kRefSliceHeader);
  const auto header = h264::ParseSliceHeader(nal, sps, pps);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->slice_type, h264::SliceType::kB);
  EXPECT_EQ(header->num_ref_idx_l0_active, 2);
  EXPECT_EQ(header->num_ref_idx_l1_active, 1);
  EXPECT_TRUE(header->ref_pic_list_modification);
  EXPECT_TRUE(header->pred_weight_table);
  EXPECT_TRUE(header->adaptive_ref_pic_marking);
  EXPECT_EQ(header->qp, 31);
  // Every truncation before slice_qp_delta's last bit is refused, none misread.
  for (size_t n = 0; n < nal.size(); ++n) {
    const auto cut = h264::ParseSliceHeader(std::span<const uint8_t>(nal.data(), n), sps, pps);
    EXPECT_TRUE(!cut || cut->qp == 31) << n << " bytes";
    if (n + 1 < nal.size()) {
      EXPECT_FALSE(cut) << n << " bytes";
    }
  }
}

TEST(ParseSliceHeader, RefusesMoreListModificationsThanReferencesAndBadOperations) {
  const auto sps = Sps();
  const auto pps = Pps();  // one reference
  auto p_slice = [](auto list, auto marking) {
    BitWriter w;
    w.Ue(0).Ue(0).Ue(0).Bits(1, 4).Flag(false);
    list(w);
    marking(w);
    w.Se(0);
    return w.Nal(kRefSliceHeader);
  };
  auto none = [](BitWriter& w) { w.Flag(false); };
  EXPECT_TRUE(h264::ParseSliceHeader(p_slice(none, none), sps, pps));
  EXPECT_TRUE(h264::ParseSliceHeader(p_slice([](BitWriter& w) { w.Flag(true).Ue(0).Ue(0).Ue(3); }, none), sps, pps));
  EXPECT_FALSE(h264::ParseSliceHeader(p_slice([](BitWriter& w) { w.Flag(true).Ue(0).Ue(0).Ue(1).Ue(0).Ue(3); }, none),
                                      sps, pps));  // two for one
  EXPECT_FALSE(
      h264::ParseSliceHeader(p_slice([](BitWriter& w) { w.Flag(true).Ue(4).Ue(0).Ue(3); }, none), sps, pps));  // MVC
  EXPECT_FALSE(h264::ParseSliceHeader(p_slice([](BitWriter& w) { w.Flag(true).Ue(0).Ue(16).Ue(3); }, none), sps,
                                      pps));  // MaxPicNum is 16
  EXPECT_FALSE(
      h264::ParseSliceHeader(p_slice(none, [](BitWriter& w) { w.Flag(true).Ue(7).Ue(0); }), sps, pps));  // MMCO 7
  EXPECT_TRUE(h264::ParseSliceHeader(p_slice(none, [](BitWriter& w) { w.Flag(true).Ue(5).Ue(0); }), sps, pps));
}

TEST(ReadAccessUnitQp, AveragesThePrimarySlicesAndRemembersParameterSets) {
  // SPS 0 for 320x240 baseline: profile 66, level 30, log2_max_frame_num 4, POC type 2.
  BitWriter sps_bits;
  sps_bits.Bits(66, 8).Bits(0xc0, 8).Bits(30, 8).Ue(0).Ue(0).Ue(2).Ue(1).Flag(false).Ue(19).Ue(14);
  sps_bits.Flag(true).Flag(true).Flag(false).Flag(false);
  const Bytes sps = sps_bits.Nal(0x67);
  ASSERT_TRUE(h264::ParseSps(sps));
  PpsFields f;
  f.redundant = true;
  const Bytes pps = WritePps(f);
  auto idr = [](uint32_t first_mb, int32_t delta, uint32_t redundant) {
    BitWriter w;
    w.Ue(first_mb).Ue(7).Ue(0).Bits(0, 4).Ue(0).Ue(redundant).Flag(false).Flag(false).Se(delta);
    return w.Nal(kIdrHeader);
  };
  auto au = [](std::initializer_list<Bytes> nals) {
    Bytes out;
    for (const Bytes& nal : nals) {
      out.insert(out.end(), {0, 0, 0, 1});
      out.insert(out.end(), nal.begin(), nal.end());
    }
    return out;
  };
  h264::ParameterSets sets;
  // QP 30, 31, 31 and a redundant slice at 51 that must not count: mean 30.67 -> 31.
  EXPECT_EQ(h264::ReadAccessUnitQp(au({sps, pps, idr(0, 4, 0), idr(100, 5, 0), idr(200, 5, 0), idr(0, 25, 1)}), sets),
            31);
  ASSERT_TRUE(sets.sps[0] && sets.pps[0]);
  // The next picture has no parameter sets of its own.
  BitWriter p;
  p.Ue(0).Ue(5).Ue(0).Bits(1, 4).Ue(0).Flag(false).Flag(false).Flag(false).Se(-4);
  EXPECT_EQ(h264::ReadAccessUnitQp(au({p.Nal(kRefSliceHeader)}), sets), 22);
  // Without them it cannot be read.
  h264::ParameterSets empty;
  EXPECT_FALSE(h264::ReadAccessUnitQp(au({p.Nal(kRefSliceHeader)}), empty));
  EXPECT_FALSE(h264::ReadAccessUnitQp(au({sps, pps}), empty));
  EXPECT_FALSE(h264::ReadAccessUnitQp(Bytes{}, empty));
}

}  // namespace
}  // namespace tessera::codecs

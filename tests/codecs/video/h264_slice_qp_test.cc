// ParsePps, ParseSliceHeader and ReadAccessUnitQp against libx264 itself: every slice of
// every picture must carry the quantizer x264 says it used (x264_picture_t::i_qpplus1 - 1),
// across the slice header's optional structures (CABAC, B slices, weighted prediction,
// several slices and references, MMCO, MBAFF, 4:4:4 and monochrome chroma). Then hand-made
// bytes for the range checks that real encoders never reach.
#include <stdint.h>
extern "C" {
#include <x264.h>
}

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "tessera/codecs/video/h264_bitstream.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace tessera::codecs {
namespace {

using Bytes = std::vector<uint8_t>;
using codecs_testing::SyntheticVideo;

struct EncodedPicture {
  Bytes annex_b;
  int qp = -1;   // as x264 reports it
  int type = 0;  // X264_TYPE_*
};

struct X264Case {
  std::string name;
  std::vector<std::pair<std::string, std::string>> params;  // x264_param_parse names
  int csp = X264_CSP_I420;
  int pictures = 40;
};

void PrintTo(const X264Case& c, std::ostream* os) {
  *os << c.name;
}

// Encodes `c.pictures` pictures of SyntheticVideo at 320x240 with libx264 directly, so any
// x264 option can be set, and returns every access unit with x264's own QP for it.
//
// Adaptive quantization and MB-tree are off: x264 writes the QP of a slice's first
// macroblock in its header ("for more accurate CABAC initialization"), which they offset
// from the picture's QP; without them every macroblock starts at the picture's QP.
std::vector<EncodedPicture> EncodeWithX264(const X264Case& c) {
  constexpr int kWidth = 320, kHeight = 240;
  x264_param_t p;
  EXPECT_EQ(x264_param_default_preset(&p, "veryfast", nullptr), 0);
  p.i_width = kWidth;
  p.i_height = kHeight;
  p.i_csp = c.csp;
  p.i_fps_num = 30;
  p.i_fps_den = 1;
  p.b_annexb = 1;
  p.b_repeat_headers = 1;
  p.i_log_level = X264_LOG_NONE;
  p.i_threads = 1;
  p.rc.i_aq_mode = X264_AQ_NONE;
  p.rc.b_mb_tree = 0;
  for (const auto& [name, value] : c.params)
    EXPECT_EQ(x264_param_parse(&p, name.c_str(), value.c_str()), 0) << name << "=" << value;
  x264_t* encoder = x264_encoder_open(&p);
  EXPECT_NE(encoder, nullptr) << c.name;
  if (encoder == nullptr) return {};

  x264_picture_t in;
  EXPECT_EQ(x264_picture_alloc(&in, c.csp, kWidth, kHeight), 0);
  const SyntheticVideo video(kWidth, kHeight);
  I420Buffer picture(kWidth, kHeight);
  std::vector<EncodedPicture> out;
  auto take = [&](int bytes, x264_nal_t* nals, const x264_picture_t& pic_out) {
    if (bytes <= 0) return;
    out.push_back({Bytes(nals[0].p_payload, nals[0].p_payload + bytes), pic_out.i_qpplus1 - 1, pic_out.i_type});
  };
  for (int i = 0; i < c.pictures; ++i) {
    video.Render(i, picture.view());
    const I420View v = picture.const_view();
    for (int row = 0; row < kHeight; ++row)
      std::memcpy(in.img.plane[0] + row * in.img.i_stride[0], v.y + row * v.stride_y, kWidth);
    if (c.csp == X264_CSP_I420) {
      for (int row = 0; row < kHeight / 2; ++row) {
        std::memcpy(in.img.plane[1] + row * in.img.i_stride[1], v.u + row * v.stride_u, kWidth / 2);
        std::memcpy(in.img.plane[2] + row * in.img.i_stride[2], v.v + row * v.stride_v, kWidth / 2);
      }
    } else if (c.csp == X264_CSP_I444) {
      for (int row = 0; row < kHeight; ++row)
        for (int col = 0; col < kWidth; ++col) {
          in.img.plane[1][row * in.img.i_stride[1] + col] = v.u[(row / 2) * v.stride_u + col / 2];
          in.img.plane[2][row * in.img.i_stride[2] + col] = v.v[(row / 2) * v.stride_v + col / 2];
        }
    }
    in.i_pts = i;
    x264_nal_t* nals = nullptr;
    int count = 0;
    x264_picture_t pic_out;
    const int bytes = x264_encoder_encode(encoder, &nals, &count, &in, &pic_out);
    take(bytes, nals, pic_out);
  }
  while (x264_encoder_delayed_frames(encoder) > 0) {
    x264_nal_t* nals = nullptr;
    int count = 0;
    x264_picture_t pic_out;
    const int bytes = x264_encoder_encode(encoder, &nals, &count, nullptr, &pic_out);
    if (bytes < 0) break;
    take(bytes, nals, pic_out);
  }
  x264_picture_clean(&in);
  x264_encoder_close(encoder);
  return out;
}

// What the slices of a whole stream showed, to prove each case exercised what it claims.
struct Seen {
  int slices = 0;
  int most_slices_per_picture = 0;
  int b_slices = 0;
  int p_slices = 0;
  int cabac_pictures = 0;
  int pred_weight_tables = 0;
  int list_modifications = 0;
  int adaptive_markings = 0;
  int most_references = 0;
  bool interlaced_sps = false;
  int distinct_qps = 0;
};

// Parses every slice of every access unit with the parameter sets seen so far and checks
// its QP against x264's; returns what was seen.
Seen CheckEverySlice(const std::vector<EncodedPicture>& pictures) {
  Seen seen;
  h264::ParameterSets sets;
  std::vector<int> qps;
  for (size_t i = 0; i < pictures.size(); ++i) {
    const EncodedPicture& picture = pictures[i];
    int slices = 0;
    h264::AnnexBReader reader(picture.annex_b);
    while (auto nal = reader.Next()) {
      const uint8_t type = h264::NalTypeOf((*nal)[0]);
      if (type == h264::kNalSps) {
        const auto sps = h264::ParseSps(*nal);
        EXPECT_TRUE(sps) << "picture " << i;
        if (!sps) continue;
        sets.sps[sps->sps_id] = *sps;
        seen.interlaced_sps |= !sps->frame_mbs_only;
      } else if (type == h264::kNalPps) {
        const auto pps = h264::ParsePps(*nal);
        EXPECT_TRUE(pps) << "picture " << i;
        if (!pps) continue;
        sets.pps[pps->pps_id] = *pps;
        seen.cabac_pictures += pps->entropy_coding_mode_flag;
      } else if (type == h264::kNalSlice || type == h264::kNalIdr) {
        ++slices;
        ++seen.slices;
        EXPECT_TRUE(sets.pps[0] && sets.sps[0]) << "a slice before its parameter sets";
        if (!sets.pps[0] || !sets.sps[0]) continue;
        const auto header = h264::ParseSliceHeader(*nal, *sets.sps[0], *sets.pps[0]);
        EXPECT_TRUE(header) << "picture " << i << " slice " << slices;
        if (!header) continue;
        EXPECT_EQ(header->qp, picture.qp) << "picture " << i << " slice " << slices;
        EXPECT_EQ(h264::ParseSliceQp(*nal, *sets.sps[0], *sets.pps[0]), header->qp);
        EXPECT_EQ(header->idr, type == h264::kNalIdr);
        // Cut short anywhere in its first bytes, the slice is refused or read the same.
        for (size_t n = 0; n < std::min<size_t>(nal->size(), 40); ++n) {
          const auto cut = h264::ParseSliceQp(nal->first(n), *sets.sps[0], *sets.pps[0]);
          EXPECT_TRUE(!cut || *cut == header->qp) << "picture " << i << " cut at " << n;
        }
        seen.b_slices += header->slice_type == h264::SliceType::kB;
        seen.p_slices += header->slice_type == h264::SliceType::kP;
        seen.pred_weight_tables += header->pred_weight_table;
        seen.list_modifications += header->ref_pic_list_modification;
        seen.adaptive_markings += header->adaptive_ref_pic_marking;
        seen.most_references = std::max(seen.most_references, header->num_ref_idx_l0_active);
      }
    }
    seen.most_slices_per_picture = std::max(seen.most_slices_per_picture, slices);
    // The picture's QP through the helper, with parameter sets remembered across pictures.
    h264::ParameterSets helper_sets = sets;
    EXPECT_EQ(h264::ReadAccessUnitQp(picture.annex_b, helper_sets), picture.qp) << "picture " << i;
    qps.push_back(picture.qp);
  }
  std::sort(qps.begin(), qps.end());
  seen.distinct_qps = static_cast<int>(std::unique(qps.begin(), qps.end()) - qps.begin());
  return seen;
}

TEST(SliceQp, EverySliceOfAConstantQpStreamCarriesTheQpAskedFor) {
  // CABAC, B-pyramid, weighted P and B prediction, 4 references, 4 slices; ip/pb ratios of
  // 1 so I, P and B pictures all use QP 30.
  const X264Case c{"cqp30",
                   {{"qp", "30"},
                    {"ipratio", "1"},
                    {"pbratio", "1"},
                    {"cabac", "1"},
                    {"bframes", "3"},
                    {"b-pyramid", "normal"},
                    {"weightp", "2"},
                    {"weightb", "1"},
                    {"ref", "4"},
                    {"slices", "4"}}};
  const auto pictures = EncodeWithX264(c);
  ASSERT_EQ(pictures.size(), 40u);
  for (const auto& picture : pictures)
    ASSERT_EQ(picture.qp, 30) << "x264 did not hold the constant QP";
  const Seen seen = CheckEverySlice(pictures);
  EXPECT_EQ(seen.slices, 40 * 4);
  EXPECT_GT(seen.b_slices, 0);
  EXPECT_GT(seen.pred_weight_tables, 0);
  EXPECT_GT(seen.cabac_pictures, 0);
  EXPECT_GE(seen.most_references, 2);
}

class SliceQpOfX264 : public ::testing::TestWithParam<X264Case> {};

TEST_P(SliceQpOfX264, EverySliceCarriesTheQpX264ReportsForItsPicture) {
  const auto pictures = EncodeWithX264(GetParam());
  ASSERT_EQ(pictures.size(), static_cast<size_t>(GetParam().pictures));
  const Seen seen = CheckEverySlice(pictures);
  EXPECT_GE(seen.slices, GetParam().pictures);
  // A rate-controlled stream: the QP moves, so agreement is not a coincidence.
  EXPECT_GE(seen.distinct_qps, 3) << GetParam().name;
  const std::string& name = GetParam().name;
  auto has = [&](const char* word) { return name.find(word) != std::string::npos; };
  if (has("bframes")) {
    EXPECT_GT(seen.b_slices, 0);
  }
  if (has("weighted")) {
    EXPECT_GT(seen.pred_weight_tables, 0);
  }
  if (has("mmco")) {
    EXPECT_GT(seen.adaptive_markings, 0);
    EXPECT_GT(seen.list_modifications, 0);
  }
  if (has("slices")) {
    EXPECT_GE(seen.most_slices_per_picture, 3);
  }
  if (has("mbaff")) {
    EXPECT_TRUE(seen.interlaced_sps);
  }
}

INSTANTIATE_TEST_SUITE_P(
    RateControlledStreams, SliceQpOfX264,
    ::testing::Values(
        X264Case{"cavlc_abr", {{"bitrate", "300"}, {"cabac", "0"}, {"bframes", "0"}}},
        X264Case{"cabac_crf_bframes_weighted",
                 {{"crf", "26"}, {"bframes", "3"}, {"b-adapt", "0"}, {"weightp", "2"}, {"weightb", "1"}, {"ref", "3"}}},
        X264Case{"bframes_pyramid_mmco_slices",
                 {{"bitrate", "400"},
                  {"bframes", "3"},
                  {"b-adapt", "0"},
                  {"b-pyramid", "strict"},
                  {"ref", "4"},
                  {"slices", "3"}}},
        // x264 has no weighted prediction for interlaced coding.
        X264Case{"mbaff_bframes", {{"bitrate", "400"}, {"interlaced", "1"}, {"bframes", "2"}, {"ref", "2"}}},
        X264Case{"weighted_444", {{"crf", "28"}, {"weightp", "2"}, {"bframes", "2"}}, X264_CSP_I444},
        X264Case{"weighted_monochrome", {{"crf", "28"}, {"weightp", "2"}}, X264_CSP_I400}),
    [](const ::testing::TestParamInfo<X264Case>& param) { return param.param.name; });

}  // namespace
}  // namespace tessera::codecs

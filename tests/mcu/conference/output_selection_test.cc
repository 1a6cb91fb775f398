#include "tessera/mcu/conference/output_selection.h"

#include <gtest/gtest.h>

namespace tessera::mcu::conference {
namespace {

codecs::Capability H264(uint8_t profile_idc, uint8_t iop, uint8_t level, int mode, int64_t bps = 0) {
  codecs::Capability c;
  c.codec = codecs::CodecId::kH264;
  c.max_bitrate_bps = bps;
  codecs::H264Params p;
  p.profile_level_id = codecs::H264ProfileLevelId{profile_idc, iop, level};
  p.packetization_mode = mode;
  c.params = p;
  return c;
}

std::vector<RungConfig> Ladder() { return DefaultRungs(); }

TEST(OutputSelection, ALevel31EndpointGets720pAndALevel40One1080p) {
  auto a = ChooseOutput(Ladder(), H264(0x42, 0xe0, 0x1f, 1));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->encoder.width, 1280);
  EXPECT_EQ(a->encoder.height, 720);
  EXPECT_EQ(a->rung, "720p");
  auto b = ChooseOutput(Ladder(), H264(0x64, 0x00, 0x28, 1));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->encoder.height, 1080);
}

TEST(OutputSelection, HighAndBaselineEndpointsOnTheSameRungShareOneEncoder) {
  auto high = ChooseOutput(Ladder(), H264(0x64, 0x00, 0x1f, 1));
  auto baseline = ChooseOutput(Ladder(), H264(0x42, 0xe0, 0x1f, 1));
  ASSERT_TRUE(high && baseline);
  EXPECT_EQ(high->encoder.h264_profile, codecs::H264Profile::kConstrainedBaseline);
  EXPECT_EQ(OutputKey(*high), OutputKey(*baseline));
}

TEST(OutputSelection, PacketizationModeZeroGetsItsOwnOutputWithOnePacketSlices) {
  auto mode0 = ChooseOutput(Ladder(), H264(0x42, 0xe0, 0x1f, 0));
  auto mode1 = ChooseOutput(Ladder(), H264(0x42, 0xe0, 0x1f, 1));
  ASSERT_TRUE(mode0 && mode1);
  EXPECT_TRUE(mode0->single_nal_unit);
  EXPECT_EQ(mode0->encoder.max_slice_bytes, kMaxRtpPayload);
  EXPECT_NE(OutputKey(*mode0), OutputKey(*mode1));
}

TEST(OutputSelection, TheEndpointsBandwidthMovesItDownTheLadder) {
  auto low = ChooseOutput(Ladder(), H264(0x42, 0xe0, 0x28, 1, 600'000));
  ASSERT_TRUE(low);
  EXPECT_EQ(low->rung, "360p");
  EXPECT_LE(low->encoder.bitrate_bps, 600'000);
  auto tiny = ChooseOutput(Ladder(), H264(0x42, 0xe0, 0x28, 1, 100'000));
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->rung, "180p") << "the last rung is the last resort";
  EXPECT_LE(tiny->encoder.bitrate_bps, 100'000);
  auto later = ChooseOutput(Ladder(), H264(0x42, 0xe0, 0x28, 1), 1'500'000);  // a REMB estimate
  ASSERT_TRUE(later);
  EXPECT_EQ(later->rung, "720p");
}

TEST(OutputSelection, Vp8WithoutAVp8RungGetsAStandardSizeAndAudioCodecsNone) {
  codecs::Capability vp8;
  vp8.codec = codecs::CodecId::kVp8;
  vp8.params = codecs::Vp8Params{};
  auto v = ChooseOutput(Ladder(), vp8);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->encoder.codec, codecs::CodecId::kVp8);
  EXPECT_TRUE(v->rung.empty());
  EXPECT_GT(v->encoder.width, 0);
  codecs::Capability opus;
  opus.codec = codecs::CodecId::kOpus;
  EXPECT_FALSE(ChooseOutput(Ladder(), opus));
}

}  // namespace
}  // namespace tessera::mcu::conference

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

std::vector<RungConfig> Ladder() {
  return DefaultRungs();
}

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

TEST(OutputSelection, AStreamTapsTheRungOfItsHeightAndSharesItsEncoder) {
  auto stream = ChooseStreamOutput(Ladder(), 720);
  auto receiver = ChooseOutput(Ladder(), H264(0x42, 0xe0, 0x1f, 1));
  ASSERT_TRUE(stream && receiver);
  EXPECT_EQ(stream->rung, "720p");
  EXPECT_EQ(OutputKey(*stream), OutputKey(*receiver));
}

TEST(OutputSelection, AStreamHigherThanTheLadderGetsADedicatedOutputOfItsHeight) {
  const std::vector<RungConfig> small = {{"360p", 640, 360, 15, 500, VideoCodecName::kH264},
                                         {"180p", 320, 180, 15, 200, VideoCodecName::kH264}};
  auto hd = ChooseStreamOutput(small, 1080);
  ASSERT_TRUE(hd);
  EXPECT_EQ(hd->encoder.width, 1920);
  EXPECT_EQ(hd->encoder.height, 1080);
  EXPECT_EQ(hd->encoder.fps, 15);  // the ladder's rate: the room's clock feeds it
  EXPECT_GE(hd->encoder.bitrate_bps, 1'500'000);
  EXPECT_TRUE(hd->rung.empty());  // not a rung: shows the room's layout
  EXPECT_FALSE(hd->single_nal_unit);
  auto same = ChooseStreamOutput(small, 360);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->rung, "360p");
  // A ladder without H.264 still streams H.264, on a dedicated output.
  const std::vector<RungConfig> vp8 = {{"360p", 640, 360, 30, 500, VideoCodecName::kVp8}};
  auto dedicated = ChooseStreamOutput(vp8, 360);
  ASSERT_TRUE(dedicated);
  EXPECT_EQ(dedicated->encoder.codec, codecs::CodecId::kH264);
  EXPECT_EQ(dedicated->encoder.width, 640);
  EXPECT_FALSE(ChooseStreamOutput(small, 100));
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

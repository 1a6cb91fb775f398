// CreateVideoEncoder checks each codec's rules and says which one failed.
#include <gtest/gtest.h>

#include "tessera/codecs/video/video_encoder.h"

namespace tessera::codecs {
namespace {

VideoEncoderConfig Valid(CodecId codec, int w, int h) {
  VideoEncoderConfig c{.codec = codec, .width = w, .height = h};
  c.bitrate_bps = 500'000;
  return c;
}

CodecErrorCode ErrorOf(const VideoEncoderConfig& c) {
  auto r = CreateVideoEncoder(c);
  EXPECT_FALSE(r);
  return r ? CodecErrorCode::kLibraryError : r.error().code;
}

TEST(VideoEncoderConfig, RefusesSizesRatesAndLimitsOutOfRange) {
  auto c = Valid(CodecId::kH264, 640, 360);
  ASSERT_TRUE(CreateVideoEncoder(c));
  auto odd = c;
  odd.width = 641;
  EXPECT_EQ(ErrorOf(odd), CodecErrorCode::kInvalidArgument);
  auto fps = c;
  fps.fps = 0;
  EXPECT_EQ(ErrorOf(fps), CodecErrorCode::kInvalidArgument);
  auto rate = c;
  rate.bitrate_bps = 5'000;
  EXPECT_EQ(ErrorOf(rate), CodecErrorCode::kInvalidArgument);
  auto slice = c;
  slice.max_slice_bytes = 50;
  EXPECT_EQ(ErrorOf(slice), CodecErrorCode::kInvalidArgument);
  auto threads = c;
  threads.threads = 0;
  EXPECT_EQ(ErrorOf(threads), CodecErrorCode::kInvalidArgument);
  auto audio = c;
  audio.codec = CodecId::kOpus;
  EXPECT_EQ(ErrorOf(audio), CodecErrorCode::kInvalidArgument);
}

TEST(VideoEncoderConfig, H264LevelIsChosenOrChecked) {
  auto c = Valid(CodecId::kH264, 1280, 720);
  auto chosen = CreateVideoEncoder(c);
  ASSERT_TRUE(chosen);
  EXPECT_EQ((*chosen)->config().h264_level_idc, 31);
  c.h264_level_idc = 30;  // 720p needs 3600 MBs, level 3 holds 1620
  EXPECT_EQ(ErrorOf(c), CodecErrorCode::kInvalidArgument);
  c.h264_level_idc = 33;
  EXPECT_EQ(ErrorOf(c), CodecErrorCode::kInvalidArgument);
  c.h264_level_idc = 40;
  auto given = CreateVideoEncoder(c);
  ASSERT_TRUE(given);
  EXPECT_EQ((*given)->config().h264_level_idc, 40);
}

TEST(VideoEncoderConfig, OpenH264IsConstrainedBaselineWithoutIntraRefresh) {
  auto c = Valid(CodecId::kH264, 640, 360);
  c.implementation = VideoEncoderImplementation::kOpenH264;
  ASSERT_TRUE(CreateVideoEncoder(c));
  auto high = c;
  high.h264_profile = H264Profile::kHigh;
  EXPECT_EQ(ErrorOf(high), CodecErrorCode::kUnsupported);
  auto refresh = c;
  refresh.intra_refresh = true;
  EXPECT_EQ(ErrorOf(refresh), CodecErrorCode::kUnsupported);
  auto ffmpeg = c;
  ffmpeg.implementation = VideoEncoderImplementation::kFfmpeg;
  EXPECT_EQ(ErrorOf(ffmpeg), CodecErrorCode::kUnsupported);
}

TEST(VideoEncoderConfig, H261AndH263TakeOnlyTheirPictureFormats) {
  EXPECT_TRUE(CreateVideoEncoder(Valid(CodecId::kH261, 176, 144)));
  EXPECT_TRUE(CreateVideoEncoder(Valid(CodecId::kH261, 352, 288)));
  EXPECT_EQ(ErrorOf(Valid(CodecId::kH261, 320, 240)), CodecErrorCode::kInvalidArgument);
  for (auto [w, h] : {std::pair{128, 96}, {176, 144}, {352, 288}, {704, 576}, {1408, 1152}})
    EXPECT_TRUE(CreateVideoEncoder(Valid(CodecId::kH263, w, h))) << w << "x" << h;
  EXPECT_EQ(ErrorOf(Valid(CodecId::kH263, 640, 360)), CodecErrorCode::kInvalidArgument);
  EXPECT_TRUE(CreateVideoEncoder(Valid(CodecId::kH263Plus, 640, 360)));
  EXPECT_EQ(ErrorOf(Valid(CodecId::kH263Plus, 642, 360)), CodecErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorOf(Valid(CodecId::kH263Plus, 2052, 1152)), CodecErrorCode::kInvalidArgument);
  auto refresh = Valid(CodecId::kH263, 352, 288);
  refresh.intra_refresh = true;
  EXPECT_EQ(ErrorOf(refresh), CodecErrorCode::kUnsupported);
}

TEST(VideoEncoderConfig, Vp8IsLibvpxOnly) {
  EXPECT_TRUE(CreateVideoEncoder(Valid(CodecId::kVp8, 640, 360)));
  auto x264 = Valid(CodecId::kVp8, 640, 360);
  x264.implementation = VideoEncoderImplementation::kX264;
  EXPECT_EQ(ErrorOf(x264), CodecErrorCode::kUnsupported);
}

}  // namespace
}  // namespace tessera::codecs

// What receivers and the packetizers rely on from every encoder: Annex B with SPS and PPS
// ahead of every IDR, a forced keyframe on the very next picture, bitrate changes without
// a keyframe, slices within max_slice_bytes, intra refresh without IDRs, and decoders that
// follow a resolution change mid-stream.
#include <gtest/gtest.h>

#include <numeric>
#include <ostream>
#include <string>
#include <vector>

#include "tessera/codecs/video/h264_bitstream.h"
#include "tessera/codecs/video/video_decoder.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs_testing/psnr.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace tessera::codecs {
namespace {

using codecs_testing::SyntheticVideo;

struct EncoderCase {
  std::string name;
  CodecId codec;
  VideoEncoderImplementation implementation;
  int width;
  int height;
};

std::vector<EncoderCase> AllEncoders() {
  return {{"x264", CodecId::kH264, VideoEncoderImplementation::kX264, 640, 360},
          {"openh264", CodecId::kH264, VideoEncoderImplementation::kOpenH264, 640, 360},
          {"h263", CodecId::kH263, VideoEncoderImplementation::kFfmpeg, 352, 288},
          {"h263plus", CodecId::kH263Plus, VideoEncoderImplementation::kFfmpeg, 640, 360},
          {"h261", CodecId::kH261, VideoEncoderImplementation::kFfmpeg, 352, 288},
          {"vp8", CodecId::kVp8, VideoEncoderImplementation::kLibvpx, 640, 360}};
}

void PrintTo(const EncoderCase& c, std::ostream* os) {
  *os << c.name;
}

VideoEncoderConfig ConfigFor(const EncoderCase& c, int bitrate_bps) {
  VideoEncoderConfig config;
  config.codec = c.codec;
  config.implementation = c.implementation;
  config.width = c.width;
  config.height = c.height;
  config.fps = 30;
  config.bitrate_bps = bitrate_bps;
  return config;
}

// Encodes pictures [first, first + count) and returns each access unit's (size, keyframe).
struct Encoded {
  size_t bytes;
  bool keyframe;
};

class EncoderTest : public ::testing::TestWithParam<EncoderCase> {
 protected:
  void SetUp() override {
    auto e = CreateVideoEncoder(ConfigFor(GetParam(), 800'000));
    ASSERT_TRUE(e) << e.error().detail;
    encoder_ = std::move(*e);
    video_ = std::make_unique<SyntheticVideo>(GetParam().width, GetParam().height);
    picture_.Allocate(GetParam().width, GetParam().height);
  }
  Encoded EncodeNext() {
    video_->Render(index_, picture_.view());
    auto au = encoder_->Encode(picture_.const_view(), static_cast<uint32_t>(index_ * 3000));
    ++index_;
    EXPECT_TRUE(au) << au.error().detail;
    if (!au) return {0, false};
    return {au->data.size(), au->keyframe};
  }

  std::unique_ptr<VideoEncoder> encoder_;
  std::unique_ptr<SyntheticVideo> video_;
  I420Buffer picture_;
  int index_ = 0;
};

TEST_P(EncoderTest, ForcedKeyframeIsTheNextAccessUnitOut) {
  EXPECT_TRUE(EncodeNext().keyframe);
  for (int i = 0; i < 8; ++i)
    EXPECT_FALSE(EncodeNext().keyframe) << "picture " << i + 1;
  encoder_->ForceKeyframe();
  EXPECT_TRUE(EncodeNext().keyframe);
  EXPECT_FALSE(EncodeNext().keyframe);
  EXPECT_EQ(encoder_->stats().forced_keyframes, 1u);
  EXPECT_EQ(encoder_->stats().keyframes, 2u);
}

TEST_P(EncoderTest, BitrateChangeTakesEffectWithoutAKeyframe) {
  // Settle at 1.2 Mbit/s, drop to 300 kbit/s: the second half must be much smaller and
  // contain no keyframe.
  ASSERT_TRUE(encoder_->SetBitrate(1'200'000));
  for (int i = 0; i < 45; ++i)
    EncodeNext();
  size_t before = 0;
  for (int i = 0; i < 30; ++i)
    before += EncodeNext().bytes;
  ASSERT_TRUE(encoder_->SetBitrate(300'000));
  EXPECT_EQ(encoder_->config().bitrate_bps, 300'000);
  size_t after = 0;
  for (int i = 0; i < 60; ++i) {
    const Encoded e = EncodeNext();
    EXPECT_FALSE(e.keyframe) << "picture " << i << " after the change";
    if (i >= 30) after += e.bytes;
  }
  EXPECT_LT(after, before / 2) << "before " << before << " bytes, after " << after;
  EXPECT_EQ(encoder_->stats().keyframes, 1u);
  EXPECT_EQ(encoder_->stats().bitrate_changes, 2u);
}

TEST_P(EncoderTest, TheQuantizerIsReportedOnTheCodecsScaleAndRisesWhenTheBitrateFalls) {
  // OpenH264's comes from its slice headers (its own statistics do not have it).
  EXPECT_EQ(encoder_->stats().last_qp, -1);
  const int max_qp = GetParam().codec == CodecId::kH264 ? 51 : GetParam().codec == CodecId::kVp8 ? 63 : 31;
  auto mean_qp = [&](int pictures) {
    double sum = 0;
    for (int i = 0; i < pictures; ++i) {
      EncodeNext();
      const int qp = encoder_->stats().last_qp;
      EXPECT_GE(qp, 0);
      EXPECT_LE(qp, max_qp);
      sum += qp;
    }
    return sum / pictures;
  };
  ASSERT_TRUE(encoder_->SetBitrate(2'000'000));
  mean_qp(45);
  const double rich = mean_qp(15);
  ASSERT_TRUE(encoder_->SetBitrate(100'000));
  mean_qp(45);
  const double poor = mean_qp(15);
  EXPECT_GT(poor, rich) << "2 Mbit/s: QP " << rich << ", 100 kbit/s: QP " << poor;
}

TEST_P(EncoderTest, RefusesPicturesOfAnotherSize) {
  I420Buffer other(GetParam().width / 2, GetParam().height / 2);
  auto r = encoder_->Encode(other.const_view(), 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CodecErrorCode::kInvalidArgument);
  EXPECT_FALSE(encoder_->SetBitrate(0));
}

INSTANTIATE_TEST_SUITE_P(AllEncoders, EncoderTest, ::testing::ValuesIn(AllEncoders()),
                         [](const ::testing::TestParamInfo<EncoderCase>& param) { return param.param.name; });

class H264EncoderTest : public ::testing::TestWithParam<VideoEncoderImplementation> {
 protected:
  static std::string Name(VideoEncoderImplementation i) {
    return i == VideoEncoderImplementation::kX264 ? "x264" : "openh264";
  }
};

TEST_P(H264EncoderTest, EveryIdrCarriesSpsAndPpsAheadOfItsSlices) {
  VideoEncoderConfig config{.codec = CodecId::kH264, .implementation = GetParam(), .width = 640, .height = 360};
  config.bitrate_bps = 800'000;
  config.keyframe_interval = 20;
  auto encoder = CreateVideoEncoder(config);
  ASSERT_TRUE(encoder) << encoder.error().detail;
  const SyntheticVideo video(640, 360);
  I420Buffer picture(640, 360);
  int keyframes = 0;
  for (int i = 0; i < 60; ++i) {
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), 0);
    ASSERT_TRUE(au);
    ASSERT_GE(au->data.size(), 4u);
    // Annex B: the access unit opens with a start code.
    EXPECT_TRUE((au->data[0] == 0 && au->data[1] == 0 && au->data[2] == 1) ||
                (au->data[0] == 0 && au->data[1] == 0 && au->data[2] == 0 && au->data[3] == 1));
    std::vector<uint8_t> types;
    h264::AnnexBReader reader(au->data);
    while (auto nal = reader.Next())
      types.push_back(h264::NalTypeOf((*nal)[0]));
    const auto first_idr = std::find(types.begin(), types.end(), h264::kNalIdr);
    EXPECT_EQ(au->keyframe, first_idr != types.end()) << "picture " << i;
    EXPECT_EQ(au->keyframe, i % 20 == 0) << "picture " << i;
    if (au->keyframe) {
      ++keyframes;
      const auto sps = std::find(types.begin(), first_idr, h264::kNalSps);
      const auto pps = std::find(types.begin(), first_idr, h264::kNalPps);
      EXPECT_TRUE(sps != first_idr && pps != first_idr && sps < pps) << "picture " << i;
    } else {
      EXPECT_EQ(std::count(types.begin(), types.end(), h264::kNalSps), 0) << "picture " << i;
    }
  }
  EXPECT_EQ(keyframes, 3);
}

TEST_P(H264EncoderTest, SlicesStayWithinMaxSliceBytes) {
  VideoEncoderConfig config{.codec = CodecId::kH264, .implementation = GetParam(), .width = 1280, .height = 720};
  config.bitrate_bps = 2'500'000;
  config.max_slice_bytes = 1200;
  auto encoder = CreateVideoEncoder(config);
  ASSERT_TRUE(encoder) << encoder.error().detail;
  const SyntheticVideo video(1280, 720);
  I420Buffer picture(1280, 720);
  size_t largest = 0;
  int keyframe_slices = 0;
  for (int i = 0; i < 10; ++i) {
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), 0);
    ASSERT_TRUE(au);
    const h264::AccessUnitInfo info = h264::ScanAccessUnit(au->data);
    largest = std::max(largest, info.largest_nal_bytes);
    if (au->keyframe) keyframe_slices = info.nal_units - 2;  // minus SPS and PPS
  }
  EXPECT_LE(largest, 1200u);
  EXPECT_GT(keyframe_slices, 10) << "a 720p keyframe at 2.5 Mbit/s needs many 1200-byte slices";
}

TEST_P(H264EncoderTest, ProfileAndLevelInTheSpsMatchTheConfiguration) {
  VideoEncoderConfig config{.codec = CodecId::kH264, .implementation = GetParam(), .width = 1280, .height = 720};
  config.bitrate_bps = 1'500'000;
  auto encoder = CreateVideoEncoder(config);
  ASSERT_TRUE(encoder) << encoder.error().detail;
  EXPECT_EQ((*encoder)->config().h264_level_idc, 31);  // 3600 MBs at 30 fps
  I420Buffer picture(1280, 720);
  codecs_testing::SyntheticVideo(1280, 720).Render(0, picture.view());
  auto au = (*encoder)->Encode(picture.const_view(), 0);
  ASSERT_TRUE(au);
  const auto prefix = h264::ScanAccessUnitPrefix(au->data);
  ASSERT_EQ(prefix.sps_count, 1);
  const auto sps = h264::ParseSps(prefix.sps[0]);
  ASSERT_TRUE(sps);
  EXPECT_EQ(sps->profile_idc, 66);
  EXPECT_NE(sps->constraint_flags & 0x40, 0) << "constraint_set1_flag marks constrained baseline";
  EXPECT_EQ(sps->level_idc, 31);
  EXPECT_EQ(sps->width, 1280);
  EXPECT_EQ(sps->height, 720);
}

INSTANTIATE_TEST_SUITE_P(BothH264Encoders, H264EncoderTest,
                         ::testing::Values(VideoEncoderImplementation::kX264, VideoEncoderImplementation::kOpenH264),
                         [](const ::testing::TestParamInfo<VideoEncoderImplementation>& param) {
                           return param.param == VideoEncoderImplementation::kX264 ? std::string("x264")
                                                                                   : std::string("openh264");
                         });

TEST(X264IntraRefresh, SendsNoIdrAfterTheFirstAndAJoiningDecoderRecovers) {
  VideoEncoderConfig config{.codec = CodecId::kH264, .width = 640, .height = 360};
  config.bitrate_bps = 800'000;
  config.intra_refresh = true;
  config.keyframe_interval = 30;  // a full refresh sweep every second
  auto encoder = CreateVideoEncoder(config);
  ASSERT_TRUE(encoder) << encoder.error().detail;
  auto decoder = CreateVideoDecoder({.codec = CodecId::kH264});
  ASSERT_TRUE(decoder);
  const SyntheticVideo video(640, 360);
  I420Buffer picture(640, 360);
  int idrs = 0;
  int first_intact = -1;
  double last_psnr = 0;
  for (int i = 0; i < 120; ++i) {
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(i));
    ASSERT_TRUE(au);
    idrs += au->keyframe;
    if (i < 40) continue;  // the decoder joins late, mid-refresh, without any IDR
    auto frame = (*decoder)->Decode(au->data, static_cast<uint32_t>(i));
    if (frame && frame->has_value() && (*frame)->intact) {
      if (first_intact < 0) first_intact = i;
      last_psnr = codecs_testing::PsnrI420(picture.const_view(), (*frame)->picture);
    }
  }
  EXPECT_EQ(idrs, 1);
  ASSERT_GE(first_intact, 40);
  EXPECT_LE(first_intact, 40 + 2 * 30) << "recovered within two refresh periods";
  EXPECT_FALSE((*decoder)->NeedsKeyframe());
  EXPECT_GT(last_psnr, 34.0);
}

TEST(X264IntraRefresh, ForcedKeyframeIsStillAnIdrWithSpsAndPps) {
  // A receiver that sends PLI must get a picture it can start from at once.
  VideoEncoderConfig config{.codec = CodecId::kH264, .width = 320, .height = 180};
  config.bitrate_bps = 300'000;
  config.intra_refresh = true;
  auto encoder = CreateVideoEncoder(config);
  ASSERT_TRUE(encoder);
  const SyntheticVideo video(320, 180);
  I420Buffer picture(320, 180);
  for (int i = 0; i < 12; ++i) {
    if (i == 7) {
      (*encoder)->ForceKeyframe();
    }
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), 0);
    ASSERT_TRUE(au);
    const auto info = h264::ScanAccessUnit(au->data);
    EXPECT_EQ(au->keyframe, i == 0 || i == 7) << "picture " << i;
    EXPECT_EQ(info.has_idr, i == 0 || i == 7) << "picture " << i;
    if (au->keyframe) {
      EXPECT_TRUE(info.has_sps && info.has_pps) << "picture " << i;
    }
  }
}

struct DecoderCase {
  std::string name;
  CodecId codec;
  VideoEncoderImplementation encoder;
  VideoDecoderImplementation decoder;
  int width_a, height_a, width_b, height_b;
};

void PrintTo(const DecoderCase& c, std::ostream* os) {
  *os << c.name;
}

class ResolutionChangeTest : public ::testing::TestWithParam<DecoderCase> {};

TEST_P(ResolutionChangeTest, DecoderFollowsAResolutionChangeMidStream) {
  const DecoderCase& c = GetParam();
  auto decoder = CreateVideoDecoder({.codec = c.codec, .implementation = c.decoder});
  ASSERT_TRUE(decoder);
  const int sizes[3][2] = {{c.width_a, c.height_a}, {c.width_b, c.height_b}, {c.width_a, c.height_a}};
  int index = 0;
  for (const auto& size : sizes) {
    VideoEncoderConfig config{.codec = c.codec, .implementation = c.encoder, .width = size[0], .height = size[1]};
    config.bitrate_bps = 500'000;
    auto encoder = CreateVideoEncoder(config);
    ASSERT_TRUE(encoder) << encoder.error().detail;
    const SyntheticVideo video(size[0], size[1]);
    I420Buffer picture(size[0], size[1]);
    for (int i = 0; i < 5; ++i, ++index) {
      video.Render(i, picture.view());
      auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(index));
      ASSERT_TRUE(au);
      auto frame = (*decoder)->Decode(au->data, static_cast<uint32_t>(index));
      ASSERT_TRUE(frame) << "picture " << index << ": " << frame.error().detail;
      ASSERT_TRUE(frame->has_value());
      EXPECT_EQ((*frame)->picture.width, size[0]);
      EXPECT_EQ((*frame)->picture.height, size[1]);
      EXPECT_TRUE((*frame)->intact);
      EXPECT_GT(codecs_testing::PsnrI420(picture.const_view(), (*frame)->picture), 28.0) << "picture " << index;
    }
  }
  EXPECT_EQ((*decoder)->stats().resolution_changes, 2u);
  EXPECT_EQ((*decoder)->stats().frames, 15u);
}

INSTANTIATE_TEST_SUITE_P(
    Decoders, ResolutionChangeTest,
    ::testing::Values(DecoderCase{"ffmpeg_h264", CodecId::kH264, VideoEncoderImplementation::kX264,
                                  VideoDecoderImplementation::kFfmpeg, 640, 360, 320, 180},
                      DecoderCase{"openh264", CodecId::kH264, VideoEncoderImplementation::kOpenH264,
                                  VideoDecoderImplementation::kOpenH264, 640, 360, 320, 180},
                      DecoderCase{"ffmpeg_h263plus", CodecId::kH263Plus, VideoEncoderImplementation::kFfmpeg,
                                  VideoDecoderImplementation::kFfmpeg, 352, 288, 176, 144},
                      DecoderCase{"ffmpeg_vp8", CodecId::kVp8, VideoEncoderImplementation::kLibvpx,
                                  VideoDecoderImplementation::kFfmpeg, 640, 360, 320, 180}),
    [](const ::testing::TestParamInfo<DecoderCase>& param) { return param.param.name; });

}  // namespace
}  // namespace tessera::codecs

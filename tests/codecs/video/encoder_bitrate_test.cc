// x264 and OpenH264 hold the target bitrate within +-15% over 10 s of moving picture at
// 720p, 360p and 180p, and no one-second window strays far (the VBV keeps keyframes and
// motion from bursting). 300 pictures per case at the fastest speed setting: this is the
// heaviest codec test (label 'heavy'), a few seconds per case on one core.
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace tessera::codecs {
namespace {

struct RateCase {
  std::string name;
  VideoEncoderImplementation implementation;
  int width;
  int height;
  int bitrate_bps;
};

void PrintTo(const RateCase& c, std::ostream* os) {
  *os << c.name;
}

class EncoderBitrateTest : public ::testing::TestWithParam<RateCase> {};

TEST_P(EncoderBitrateTest, HoldsTheTargetWithinFifteenPercentOverTenSeconds) {
  const RateCase& c = GetParam();
  constexpr int kFps = 30;
  constexpr int kSeconds = 10;
  VideoEncoderConfig config{.codec = CodecId::kH264,
                            .implementation = c.implementation,
                            .width = c.width,
                            .height = c.height,
                            .fps = kFps,
                            .bitrate_bps = c.bitrate_bps};
  config.keyframe_interval = 150;  // two IDRs inside the window, as a receiver asking would cause
  auto encoder = CreateVideoEncoder(config);
  ASSERT_TRUE(encoder) << encoder.error().detail;
  const codecs_testing::SyntheticVideo video(c.width, c.height);
  I420Buffer picture(c.width, c.height);
  std::vector<size_t> bytes;
  for (int i = 0; i < kFps * kSeconds; ++i) {
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(i * 3000));
    ASSERT_TRUE(au) << au.error().detail;
    bytes.push_back(au->data.size());
  }
  size_t total = 0;
  for (size_t b : bytes)
    total += b;
  const double bps = static_cast<double>(total) * 8.0 / kSeconds;
  EXPECT_NEAR(bps / c.bitrate_bps, 1.0, 0.15) << "measured " << bps << " bit/s";

  // Every one-second window (sliding by a picture) within +-50% of the target.
  double worst = 1.0;
  for (size_t start = 0; start + kFps <= bytes.size(); ++start) {
    size_t window = 0;
    for (size_t i = start; i < start + kFps; ++i)
      window += bytes[i];
    const double ratio = static_cast<double>(window) * 8.0 / c.bitrate_bps;
    if (std::abs(ratio - 1.0) > std::abs(worst - 1.0)) worst = ratio;
  }
  EXPECT_NEAR(worst, 1.0, 0.5) << "worst one-second window";
  RecordProperty("bitrate_ratio", std::to_string(bps / c.bitrate_bps));
  RecordProperty("worst_window_ratio", std::to_string(worst));
}

INSTANTIATE_TEST_SUITE_P(
    H264Encoders, EncoderBitrateTest,
    ::testing::Values(RateCase{"x264_720p", VideoEncoderImplementation::kX264, 1280, 720, 1'500'000},
                      RateCase{"x264_360p", VideoEncoderImplementation::kX264, 640, 360, 600'000},
                      RateCase{"x264_180p", VideoEncoderImplementation::kX264, 320, 180, 200'000},
                      RateCase{"openh264_720p", VideoEncoderImplementation::kOpenH264, 1280, 720, 1'500'000},
                      RateCase{"openh264_360p", VideoEncoderImplementation::kOpenH264, 640, 360, 600'000},
                      RateCase{"openh264_180p", VideoEncoderImplementation::kOpenH264, 320, 180, 200'000}),
    [](const ::testing::TestParamInfo<RateCase>& param) { return param.param.name; });

}  // namespace
}  // namespace tessera::codecs

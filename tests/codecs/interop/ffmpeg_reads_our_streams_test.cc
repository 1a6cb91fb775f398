// What our encoders produce is read by ffmpeg's own tools (ffprobe, a decoder we do not
// wrap): every picture counted at the configured size, with the profile we meant. A stream
// only our own decoder could read would pass the round trips and still fail endpoints.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs_testing/synthetic_video.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::codecs {
namespace {

struct Case {
  std::string name;
  CodecId codec;
  VideoEncoderImplementation implementation;
  int width;
  int height;
  std::string container;   // ffmpeg demuxer for the raw stream
  std::string codec_name;  // as ffprobe reports it
  std::string profile;     // as ffprobe reports it, empty = not checked
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

void PutLe(std::ofstream& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.put(static_cast<char>((v >> (8 * i)) & 0xff));
}

class FfmpegReadsOurStreamsTest : public ::testing::TestWithParam<Case> {};

TEST_P(FfmpegReadsOurStreamsTest, FfprobeCountsEveryPictureAtTheConfiguredSize) {
  const Case& c = GetParam();
  VideoEncoderConfig config{.codec = c.codec, .implementation = c.implementation, .width = c.width, .height = c.height};
  config.bitrate_bps = 500'000;
  config.keyframe_interval = 10;
  if (c.codec == CodecId::kH264 && c.implementation == VideoEncoderImplementation::kX264) {
    config.h264_profile = H264Profile::kHigh;
    config.speed = EncoderSpeed::kVeryfast;  // CABAC and 8x8 transforms: really High
  }
  auto encoder = CreateVideoEncoder(config);
  ASSERT_TRUE(encoder) << encoder.error().detail;
  testing::TempDir dir;
  const auto path = dir.path() / ("stream." + c.container);
  std::ofstream out(path, std::ios::binary);
  constexpr int kFrames = 25;
  if (c.container == "ivf") {  // 32-byte IVF header, then 12 bytes before each frame
    out.write("DKIF", 4);
    PutLe(out, 0, 2);
    PutLe(out, 32, 2);
    out.write("VP80", 4);
    PutLe(out, static_cast<uint64_t>(c.width), 2);
    PutLe(out, static_cast<uint64_t>(c.height), 2);
    PutLe(out, 30, 4);
    PutLe(out, 1, 4);
    PutLe(out, kFrames, 4);
    PutLe(out, 0, 4);
  }
  const codecs_testing::SyntheticVideo video(c.width, c.height);
  I420Buffer picture(c.width, c.height);
  for (int i = 0; i < kFrames; ++i) {
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(i * 3000));
    ASSERT_TRUE(au);
    if (c.container == "ivf") {
      PutLe(out, au->data.size(), 4);
      PutLe(out, static_cast<uint64_t>(i), 8);
    }
    out.write(reinterpret_cast<const char*>(au->data.data()), static_cast<std::streamsize>(au->data.size()));
  }
  out.close();

  const auto result = testing::RunProgram(
      {"ffprobe", "-v", "error", "-f", c.container, "-count_frames", "-select_streams", "v:0", "-show_entries",
       "stream=codec_name,profile,width,height,nb_read_frames", "-of", "default=noprint_wrappers=1", path.string()},
      std::chrono::seconds(20));
  ASSERT_TRUE(result.exit_status.has_value());
  ASSERT_EQ(*result.exit_status, 0) << result.output;
  const std::string& o = result.output;
  EXPECT_NE(o.find("codec_name=" + c.codec_name), std::string::npos) << o;
  EXPECT_NE(o.find("width=" + std::to_string(c.width)), std::string::npos) << o;
  EXPECT_NE(o.find("height=" + std::to_string(c.height)), std::string::npos) << o;
  EXPECT_NE(o.find("nb_read_frames=" + std::to_string(kFrames)), std::string::npos) << o;
  if (!c.profile.empty()) {
    EXPECT_NE(o.find("profile=" + c.profile), std::string::npos) << o;
  }
}

INSTANTIATE_TEST_SUITE_P(
    OurEncoders, FfmpegReadsOurStreamsTest,
    ::testing::Values(
        Case{"x264_high", CodecId::kH264, VideoEncoderImplementation::kX264, 640, 360, "h264", "h264", "High"},
        Case{"openh264", CodecId::kH264, VideoEncoderImplementation::kOpenH264, 640, 360, "h264", "h264",
             "Constrained Baseline"},
        Case{"h263", CodecId::kH263, VideoEncoderImplementation::kFfmpeg, 352, 288, "h263", "h263", ""},
        Case{"h263plus", CodecId::kH263Plus, VideoEncoderImplementation::kFfmpeg, 640, 360, "h263", "h263", ""},
        Case{"h261", CodecId::kH261, VideoEncoderImplementation::kFfmpeg, 352, 288, "h261", "h261", ""},
        Case{"vp8", CodecId::kVp8, VideoEncoderImplementation::kLibvpx, 640, 360, "ivf", "vp8", ""}),
    [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

}  // namespace
}  // namespace tessera::codecs

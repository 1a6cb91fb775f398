// Bad input to every decoder wrapper: pictures before any keyframe, garbage, truncated and
// damaged access units, reported loss, oversized pictures. Each gives an error result (or
// a picture marked not intact) and a keyframe request, never a crash; a keyframe recovers.
#include <gtest/gtest.h>

#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "tessera/codecs/video/video_decoder.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs/video/vp8_bitstream.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace tessera::codecs {
namespace {

struct Case {
  std::string name;
  CodecId codec;
  VideoEncoderImplementation encoder;
  VideoDecoderImplementation decoder;
  int width;
  int height;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

// A short stream: keyframe first, a forced keyframe at `second_keyframe`.
std::vector<std::vector<uint8_t>> EncodeStream(const Case& c, int count, int second_keyframe) {
  VideoEncoderConfig config{.codec = c.codec, .implementation = c.encoder, .width = c.width, .height = c.height};
  config.bitrate_bps = 600'000;
  auto encoder = CreateVideoEncoder(config);
  EXPECT_TRUE(encoder);
  if (!encoder) return {};
  const codecs_testing::SyntheticVideo video(c.width, c.height);
  I420Buffer picture(c.width, c.height);
  std::vector<std::vector<uint8_t>> stream;
  for (int i = 0; i < count; ++i) {
    if (i == second_keyframe) (*encoder)->ForceKeyframe();
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(i));
    EXPECT_TRUE(au);
    stream.emplace_back(au->data.begin(), au->data.end());
  }
  return stream;
}

class DecoderErrorTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    stream_ = EncodeStream(GetParam(), 20, 10);
    ASSERT_EQ(stream_.size(), 20u);
    auto d = CreateVideoDecoder({.codec = GetParam().codec, .implementation = GetParam().decoder});
    ASSERT_TRUE(d) << d.error().detail;
    decoder_ = std::move(*d);
  }
  Result<std::optional<DecodedVideoFrame>, CodecError> Decode(const std::vector<uint8_t>& au, uint32_t ts = 0) {
    return decoder_->Decode(au, ts);
  }
  void DecodeCleanly(int from, int to) {
    for (int i = from; i < to; ++i) {
      auto r = Decode(stream_[static_cast<size_t>(i)], static_cast<uint32_t>(i));
      ASSERT_TRUE(r) << "picture " << i << ": " << r.error().detail;
      ASSERT_TRUE(r->has_value()) << "picture " << i;
      EXPECT_TRUE((*r)->intact) << "picture " << i;
    }
  }
  // Decodes the forced keyframe (picture 10) and expects the wait to end there.
  void ExpectRecoveryAtTheKeyframe() {
    auto r = Decode(stream_[10], 10);
    ASSERT_TRUE(r) << r.error().detail;
    ASSERT_TRUE(r->has_value());
    EXPECT_TRUE((*r)->intact);
    EXPECT_FALSE(decoder_->NeedsKeyframe());
    DecodeCleanly(11, 20);
  }

  std::vector<std::vector<uint8_t>> stream_;
  std::unique_ptr<VideoDecoder> decoder_;
};

TEST_P(DecoderErrorTest, NeedsAKeyframeFromTheStart) {
  EXPECT_TRUE(decoder_->NeedsKeyframe());
  DecodeCleanly(0, 3);
  EXPECT_FALSE(decoder_->NeedsKeyframe());
}

TEST_P(DecoderErrorTest, DeltaPicturesBeforeAnyKeyframeAreDroppedUntilOneArrives) {
  if (GetParam().codec == CodecId::kH261) GTEST_SKIP() << "H.261 has no picture types to wait for";
  // Each is dropped (kNeedsKeyframe) or, where the decoder draws it over a grey
  // reference (H.263), returned marked not intact.
  for (int i = 3; i < 10; ++i) {
    auto r = Decode(stream_[static_cast<size_t>(i)]);
    if (r) {
      ASSERT_TRUE(r->has_value()) << "picture " << i;
      EXPECT_FALSE((*r)->intact) << "picture " << i;
    } else {
      EXPECT_EQ(r.error().code, CodecErrorCode::kNeedsKeyframe) << "picture " << i;
    }
    EXPECT_TRUE(decoder_->NeedsKeyframe()) << "picture " << i;
  }
  ExpectRecoveryAtTheKeyframe();
}

TEST_P(DecoderErrorTest, GarbageGivesAnErrorAndAKeyframeRequest) {
  DecodeCleanly(0, 3);
  std::mt19937 rng(7);
  std::vector<uint8_t> garbage(3000);
  for (uint8_t& b : garbage)
    b = static_cast<uint8_t>(rng());
  auto r = Decode(garbage);
  EXPECT_FALSE(r);
  EXPECT_TRUE(decoder_->NeedsKeyframe());
  ExpectRecoveryAtTheKeyframe();
}

TEST_P(DecoderErrorTest, TruncatedAccessUnitGivesAnErrorAndAKeyframeRequest) {
  DecodeCleanly(0, 3);
  std::vector<uint8_t> truncated = stream_[3];
  size_t cut = truncated.size() / 3;
  if (GetParam().codec == CodecId::kVp8) {
    // FFmpeg's VP8 decoder reads a short token partition without complaint; what is
    // checked (before decoding) is that the header and first partition are all there.
    const auto header = vp8::ParseFrameHeader(truncated);
    ASSERT_TRUE(header);
    cut = 3 + header->first_partition_size / 2;
  }
  truncated.resize(cut);
  auto r = Decode(truncated);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CodecErrorCode::kCorruptData) << r.error().detail;
  EXPECT_TRUE(decoder_->NeedsKeyframe());
  if (GetParam().codec != CodecId::kH261) {
    // The pictures after it reference a broken one: never intact until the keyframe.
    for (int i = 4; i < 10; ++i) {
      auto next = Decode(stream_[static_cast<size_t>(i)]);
      if (next) {
        ASSERT_TRUE(next->has_value());
        EXPECT_FALSE((*next)->intact) << "picture " << i;
      }
    }
  }
  ExpectRecoveryAtTheKeyframe();
}

TEST_P(DecoderErrorTest, DamagedKeyframeGivesAnErrorAndAKeyframeRequest) {
  if (GetParam().codec == CodecId::kVp8) {
    GTEST_SKIP() << "FFmpeg's VP8 decoder decodes damaged token data without reporting it; VP8 damage is "
                    "caught by the frame-header checks (truncation test) and by reported loss";
  }
  std::vector<uint8_t> damaged = stream_[0];
  std::mt19937 rng(11);
  // Overwrite the back half of the picture data (headers stay readable).
  for (size_t i = damaged.size() / 2; i < damaged.size(); ++i)
    damaged[i] = static_cast<uint8_t>(rng());
  auto r = Decode(damaged);
  EXPECT_FALSE(r);
  EXPECT_TRUE(decoder_->NeedsKeyframe());
  ExpectRecoveryAtTheKeyframe();
}

TEST_P(DecoderErrorTest, ReportedLossMarksPicturesNotIntactUntilAKeyframe) {
  DecodeCleanly(0, 3);
  decoder_->NotifyDataLost();  // picture 3 never arrived
  EXPECT_TRUE(decoder_->NeedsKeyframe());
  if (GetParam().codec == CodecId::kH261) {
    // No picture types: the next complete picture ends the wait (see video_decoder.h).
    auto r = Decode(stream_[4]);
    ASSERT_TRUE(r);
    EXPECT_FALSE(decoder_->NeedsKeyframe());
    return;
  }
  for (int i = 4; i < 10; ++i) {
    auto r = Decode(stream_[static_cast<size_t>(i)]);
    if (r) {
      ASSERT_TRUE(r->has_value());
      EXPECT_FALSE((*r)->intact) << "picture " << i;
    }
    EXPECT_TRUE(decoder_->NeedsKeyframe()) << "picture " << i;
  }
  ExpectRecoveryAtTheKeyframe();
}

TEST_P(DecoderErrorTest, EmptyAccessUnitIsRefusedWithoutLosingState) {
  DecodeCleanly(0, 3);
  auto r = Decode({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CodecErrorCode::kInvalidArgument);
  EXPECT_FALSE(decoder_->NeedsKeyframe());
  DecodeCleanly(3, 6);
}

TEST_P(DecoderErrorTest, EveryPrefixOfEveryAccessUnitIsSurvived) {
  // Cut each of the first pictures at many points; whatever comes back, nothing crashes
  // and a keyframe brings the stream back.
  for (int i = 0; i < 4; ++i) {
    const auto& au = stream_[static_cast<size_t>(i)];
    for (size_t cut = 1; cut < au.size(); cut += std::max<size_t>(1, au.size() / 23)) {
      std::vector<uint8_t> prefix(au.begin(), au.begin() + static_cast<ptrdiff_t>(cut));
      (void)Decode(prefix);
    }
  }
  decoder_->NotifyDataLost();
  ExpectRecoveryAtTheKeyframe();
}

TEST_P(DecoderErrorTest, PicturesAboveMaxPixelsAreRefused) {
  const Case& c = GetParam();
  auto d = CreateVideoDecoder(
      {.codec = c.codec, .implementation = c.decoder, .max_pixels = int64_t{c.width} * c.height / 4});
  ASSERT_TRUE(d);
  auto r = (*d)->Decode(stream_[0], 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, c.codec == CodecId::kH264 || c.codec == CodecId::kVp8 ? CodecErrorCode::kResourceExhausted
                                                                                  : r.error().code);
  EXPECT_TRUE((*d)->NeedsKeyframe());
}

INSTANTIATE_TEST_SUITE_P(AllDecoders, DecoderErrorTest,
                         ::testing::Values(Case{"ffmpeg_h264", CodecId::kH264, VideoEncoderImplementation::kX264,
                                                VideoDecoderImplementation::kFfmpeg, 320, 180},
                                           Case{"openh264", CodecId::kH264, VideoEncoderImplementation::kOpenH264,
                                                VideoDecoderImplementation::kOpenH264, 320, 180},
                                           Case{"ffmpeg_h263", CodecId::kH263, VideoEncoderImplementation::kFfmpeg,
                                                VideoDecoderImplementation::kFfmpeg, 352, 288},
                                           Case{"ffmpeg_h263plus", CodecId::kH263Plus,
                                                VideoEncoderImplementation::kFfmpeg,
                                                VideoDecoderImplementation::kFfmpeg, 320, 240},
                                           Case{"ffmpeg_h261", CodecId::kH261, VideoEncoderImplementation::kFfmpeg,
                                                VideoDecoderImplementation::kFfmpeg, 176, 144},
                                           Case{"ffmpeg_vp8", CodecId::kVp8, VideoEncoderImplementation::kLibvpx,
                                                VideoDecoderImplementation::kFfmpeg, 320, 180}),
                         [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

TEST(VideoDecoderFactory, RefusesAudioCodecsAndUnknownPairs) {
  auto audio = CreateVideoDecoder({.codec = CodecId::kOpus});
  ASSERT_FALSE(audio);
  EXPECT_EQ(audio.error().code, CodecErrorCode::kInvalidArgument);
  auto openh264_vp8 =
      CreateVideoDecoder({.codec = CodecId::kVp8, .implementation = VideoDecoderImplementation::kOpenH264});
  ASSERT_FALSE(openh264_vp8);
  EXPECT_EQ(openh264_vp8.error().code, CodecErrorCode::kUnsupported);
  auto no_pixels = CreateVideoDecoder({.codec = CodecId::kH264, .max_pixels = 0});
  ASSERT_FALSE(no_pixels);
  EXPECT_EQ(no_pixels.error().code, CodecErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::codecs

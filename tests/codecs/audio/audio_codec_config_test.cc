#include <gtest/gtest.h>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"

namespace tessera::codecs {
namespace {

CodecErrorCode EncoderError(const AudioEncoderConfig& c) {
  auto r = CreateAudioEncoder(c);
  EXPECT_FALSE(r);
  return r ? CodecErrorCode::kLibraryError : r.error().code;
}

TEST(AudioCodecConfig, EachCodecTakesOnlyItsRatesFramesAndOptions) {
  EXPECT_TRUE(CreateAudioEncoder({.codec = CodecId::kOpus}));
  EXPECT_TRUE(CreateAudioEncoder({.codec = CodecId::kOpus, .sample_rate = 16000, .frame_ms = 60}));
  EXPECT_EQ(EncoderError({.codec = CodecId::kOpus, .sample_rate = 44100}), CodecErrorCode::kInvalidArgument);
  EXPECT_EQ(EncoderError({.codec = CodecId::kOpus, .channels = 3}), CodecErrorCode::kInvalidArgument);
  EXPECT_EQ(EncoderError({.codec = CodecId::kOpus, .frame_ms = 30}), CodecErrorCode::kInvalidArgument);
  EXPECT_EQ(EncoderError({.codec = CodecId::kOpus, .complexity = 11}), CodecErrorCode::kInvalidArgument);
  EXPECT_EQ(EncoderError({.codec = CodecId::kPcmu, .sample_rate = 16000}), CodecErrorCode::kInvalidArgument);
  EXPECT_EQ(EncoderError({.codec = CodecId::kG722, .sample_rate = 8000}), CodecErrorCode::kInvalidArgument);
  EXPECT_EQ(EncoderError({.codec = CodecId::kPcma, .frame_ms = 30}), CodecErrorCode::kInvalidArgument);
  EXPECT_EQ(EncoderError({.codec = CodecId::kPcma, .fec = true}), CodecErrorCode::kUnsupported);
  EXPECT_EQ(EncoderError({.codec = CodecId::kH264}), CodecErrorCode::kInvalidArgument);
  EXPECT_FALSE(CreateAudioDecoder({.codec = CodecId::kVp8}));
  EXPECT_FALSE(CreateAudioDecoder({.codec = CodecId::kPcmu, .sample_rate = 48000}));
  EXPECT_TRUE(CreateAudioDecoder({.codec = CodecId::kOpus, .sample_rate = 16000, .channels = 2}));
}

TEST(AudioCodecConfig, RtpClockFollowsEachPayloadFormat) {
  auto g722 = CreateAudioEncoder({.codec = CodecId::kG722});
  ASSERT_TRUE(g722);
  EXPECT_EQ((*g722)->frame_samples(), 320);
  EXPECT_EQ((*g722)->rtp_timestamp_increment(), 160u);  // 8 kHz clock, RFC 3551
  auto opus16 = CreateAudioEncoder({.codec = CodecId::kOpus, .sample_rate = 16000});
  ASSERT_TRUE(opus16);
  EXPECT_EQ((*opus16)->frame_samples(), 320);
  EXPECT_EQ((*opus16)->rtp_timestamp_increment(), 960u);  // always 48 kHz, RFC 7587
  auto pcmu = CreateAudioEncoder({.codec = CodecId::kPcmu, .frame_ms = 10});
  ASSERT_TRUE(pcmu);
  EXPECT_EQ((*pcmu)->rtp_timestamp_increment(), 80u);
  EXPECT_FALSE((*pcmu)->SetBitrate(32000));
}

TEST(AudioCodecConfig, EncodersRefuseAPartialFrame) {
  for (CodecId codec : {CodecId::kOpus, CodecId::kPcmu, CodecId::kG722}) {
    auto encoder = CreateAudioEncoder({.codec = codec});
    ASSERT_TRUE(encoder);
    std::vector<int16_t> pcm(static_cast<size_t>((*encoder)->frame_samples() - 1));
    std::vector<uint8_t> out(kMaxAudioPayloadBytes);
    auto r = (*encoder)->Encode(pcm, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, CodecErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace tessera::codecs

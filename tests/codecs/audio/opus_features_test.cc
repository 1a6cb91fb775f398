// Opus beyond the plain round trip: FEC rebuilds a lost packet better than concealment
// alone, DTX stops sending during silence, bitrate changes take effect, stereo decodes to
// mono for the mixer, damaged payloads are errors, and G.711/G.722 concealment fades out.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"
#include "tessera/codecs_testing/audio_analysis.h"

namespace tessera::codecs {
namespace {

using codecs_testing::RmsLevel;
using codecs_testing::Sine;

constexpr size_t kFrame = 960;  // 20 ms at 48 kHz

std::vector<std::vector<uint8_t>> EncodeAll(AudioEncoder& encoder, const std::vector<int16_t>& input) {
  std::vector<std::vector<uint8_t>> packets;
  std::vector<uint8_t> payload(kMaxAudioPayloadBytes);
  const size_t frame = static_cast<size_t>(encoder.frame_samples() * encoder.channels());
  for (size_t pos = 0; pos + frame <= input.size(); pos += frame) {
    auto n = encoder.Encode(std::span<const int16_t>(input).subspan(pos, frame), payload);
    EXPECT_TRUE(n);
    packets.emplace_back(payload.begin(), payload.begin() + static_cast<ptrdiff_t>(n ? *n : 0));
  }
  return packets;
}

// Squared error of a decoded 20 ms frame against the input frame it stands for, after the
// decoder's delay.
double FrameError(const std::vector<int16_t>& input, size_t frame_index, std::span<const int16_t> decoded,
                  size_t delay) {
  double e = 0;
  for (size_t i = 0; i < kFrame; ++i) {
    const size_t src = frame_index * kFrame + i;
    if (src < delay) continue;
    const double d = static_cast<double>(input[src - delay]) - decoded[i];
    e += d * d;
  }
  return e;
}

TEST(OpusFec, RebuildsALostPacketBetterThanConcealment) {
  // A sweep-like signal (two tones) so concealment cannot just continue a pure tone.
  std::vector<int16_t> input = Sine(300, 48000, 48000, 8000.0);
  const auto other = Sine(1700, 48000, 48000, 4000.0);
  for (size_t i = 0; i < input.size(); ++i)
    input[i] = static_cast<int16_t>(input[i] + (i > 24000 ? other[i] : 0));
  auto encoder =
      CreateAudioEncoder({.codec = CodecId::kOpus, .bitrate_bps = 32000, .fec = true, .packet_loss_percent = 20});
  ASSERT_TRUE(encoder);
  const auto packets = EncodeAll(**encoder, input);
  constexpr size_t kLost = 25;  // the frame where the second tone starts (24000 / 960)

  auto with_fec = CreateAudioDecoder({.codec = CodecId::kOpus});
  auto with_plc = CreateAudioDecoder({.codec = CodecId::kOpus});
  ASSERT_TRUE(with_fec && with_plc);
  std::vector<int16_t> pcm(kMaxAudioFrameSamples);
  double fec_error = 0, plc_error = 0;
  // Opus' decoder delay at 48 kHz is 312 samples (6.5 ms) from the encoder's lookahead.
  constexpr size_t kDelay = 312;
  for (size_t i = 0; i < packets.size(); ++i) {
    if (i == kLost) {
      auto f = (*with_fec)->DecodeFec(packets[i + 1], kFrame, pcm);
      ASSERT_TRUE(f);
      ASSERT_EQ(*f, kFrame);
      fec_error = FrameError(input, i, std::span<const int16_t>(pcm.data(), kFrame), kDelay);
      auto p = (*with_plc)->Conceal(kFrame, pcm);
      ASSERT_TRUE(p);
      plc_error = FrameError(input, i, std::span<const int16_t>(pcm.data(), kFrame), kDelay);
      continue;
    }
    ASSERT_TRUE((*with_fec)->Decode(packets[i], pcm));
    ASSERT_TRUE((*with_plc)->Decode(packets[i], pcm));
  }
  EXPECT_LT(fec_error, plc_error / 2) << "FEC " << fec_error << " vs PLC " << plc_error;
}

TEST(OpusDtx, SendsNothingDuringSilenceAndResumesWithSpeech) {
  std::vector<int16_t> input(48000, 0);  // 0.5 s silence, then 0.5 s tone
  const auto tone = Sine(440, 48000, 24000, 8000.0);
  std::copy(tone.begin(), tone.end(), input.begin() + 24000);
  auto encoder = CreateAudioEncoder({.codec = CodecId::kOpus, .dtx = true});
  ASSERT_TRUE(encoder);
  const auto packets = EncodeAll(**encoder, input);
  ASSERT_EQ(packets.size(), 50u);
  int empty_in_silence = 0;
  for (size_t i = 5; i < 25; ++i)
    empty_in_silence += packets[i].empty();
  EXPECT_GE(empty_in_silence, 15) << "most silent frames are not sent";
  for (size_t i = 26; i < 50; ++i)
    EXPECT_GT(packets[i].size(), 2u) << "frame " << i;
}

TEST(OpusBitrate, ChangesTakeEffectOnTheNextFrames) {
  const auto input = Sine(440, 48000, 96000, 8000.0);
  auto encoder = CreateAudioEncoder({.codec = CodecId::kOpus, .bitrate_bps = 64000});
  ASSERT_TRUE(encoder);
  std::vector<uint8_t> payload(kMaxAudioPayloadBytes);
  size_t high = 0, low = 0;
  for (size_t f = 0; f < 100; ++f) {
    if (f == 50) {
      ASSERT_TRUE((*encoder)->SetBitrate(12000));
    }
    auto n = (*encoder)->Encode(std::span<const int16_t>(input).subspan(f * kFrame, kFrame), payload);
    ASSERT_TRUE(n);
    if (f >= 10 && f < 50) high += *n;
    if (f >= 60) low += *n;
  }
  // 40 frames each: 64 kbit/s is 160 bytes a frame, 12 kbit/s 30.
  EXPECT_NEAR(static_cast<double>(high) / 40, 160, 40);
  EXPECT_NEAR(static_cast<double>(low) / 40, 30, 12);
  EXPECT_FALSE((*encoder)->SetBitrate(1000));
}

TEST(OpusChannels, StereoStreamDecodesToMonoForTheMixer) {
  std::vector<int16_t> stereo(2 * 48000);
  const auto left = Sine(440, 48000, 48000, 8000.0);
  for (size_t i = 0; i < left.size(); ++i)
    stereo[2 * i] = stereo[2 * i + 1] = left[i];
  auto encoder = CreateAudioEncoder({.codec = CodecId::kOpus, .channels = 2, .bitrate_bps = 64000});
  ASSERT_TRUE(encoder);
  EXPECT_EQ((*encoder)->rtp_timestamp_increment(), 960u);
  const auto packets = EncodeAll(**encoder, stereo);
  auto decoder = CreateAudioDecoder({.codec = CodecId::kOpus, .channels = 1});
  ASSERT_TRUE(decoder);
  std::vector<int16_t> mono, pcm(kMaxAudioFrameSamples);
  for (const auto& p : packets) {
    auto n = (*decoder)->Decode(p, pcm);
    ASSERT_TRUE(n);
    ASSERT_EQ(*n, kFrame);
    mono.insert(mono.end(), pcm.begin(), pcm.begin() + static_cast<ptrdiff_t>(kFrame));
  }
  EXPECT_NEAR(codecs_testing::ToneFrequency(std::span<const int16_t>(mono).subspan(4800, 24000), 48000), 440, 2.2);
  EXPECT_NEAR(RmsLevel(std::span<const int16_t>(mono).subspan(4800, 24000)), 8000 / std::sqrt(2.0), 1500);
}

TEST(OpusDecoder, DamagedPayloadsAreErrorsAndConcealmentFillsTheGap) {
  auto decoder = CreateAudioDecoder({.codec = CodecId::kOpus});
  ASSERT_TRUE(decoder);
  std::vector<int16_t> pcm(kMaxAudioFrameSamples);
  // TOC code 3 (arbitrary frame count) with a frame count of 0 is invalid (RFC 6716 3.2.5).
  const std::vector<uint8_t> bad = {0x03, 0x00};
  auto r = (*decoder)->Decode(bad, pcm);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, CodecErrorCode::kCorruptData);
  EXPECT_FALSE((*decoder)->Decode({}, pcm));
  auto c = (*decoder)->Conceal(kFrame, pcm);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, kFrame);
  EXPECT_FALSE((*decoder)->Conceal(kMaxAudioFrameSamples * 2, pcm));
}

TEST(FadeConcealment, G711AndG722RepeatTheLastFrameAndFadeToSilence) {
  for (CodecId codec : {CodecId::kPcmu, CodecId::kG722}) {
    auto encoder = CreateAudioEncoder({.codec = codec});
    auto decoder = CreateAudioDecoder({.codec = codec});
    ASSERT_TRUE(encoder && decoder);
    const int rate = (*encoder)->sample_rate();
    const size_t frame = static_cast<size_t>((*encoder)->frame_samples());
    const auto input = Sine(500, rate, frame * 10, 10000.0);
    std::vector<uint8_t> payload(kMaxAudioPayloadBytes);
    std::vector<int16_t> pcm(kMaxAudioFrameSamples);
    for (size_t f = 0; f < 10; ++f) {
      auto n = (*encoder)->Encode(std::span<const int16_t>(input).subspan(f * frame, frame), payload);
      ASSERT_TRUE(n);
      ASSERT_TRUE((*decoder)->Decode(std::span<const uint8_t>(payload.data(), *n), pcm));
    }
    double previous = RmsLevel(std::span<const int16_t>(pcm.data(), frame));
    for (int lost = 0; lost < 4; ++lost) {
      auto n = (*decoder)->Conceal(frame, pcm);
      ASSERT_TRUE(n);
      const double level = RmsLevel(std::span<const int16_t>(pcm.data(), frame));
      EXPECT_LT(level, previous) << "lost frame " << lost;
      previous = level;
    }
    EXPECT_EQ(previous, 0.0) << "silence by the fourth lost frame";
  }
}

}  // namespace
}  // namespace tessera::codecs

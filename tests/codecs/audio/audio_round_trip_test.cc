// Sine round trips through every audio codec at its rates and frame sizes: the tone keeps
// its frequency (within 0.5%) and the decoded wave stays within an SNR floor of the
// original (after finding the codec's delay). Floors sit a few dB under what each codec
// measured here, so a broken configuration (wrong rate, byte order, band limit) fails.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"
#include "tessera/codecs_testing/audio_analysis.h"

namespace tessera::codecs {
namespace {

using codecs_testing::Align;
using codecs_testing::Sine;
using codecs_testing::ToneFrequency;

struct AudioCase {
  std::string name;
  CodecId codec;
  int rate;
  int frame_ms;
  double tone_hz;
  int bitrate_bps;  // Opus only
  double min_snr_db;
};

void PrintTo(const AudioCase& c, std::ostream* os) {
  *os << c.name;
}

class AudioRoundTripTest : public ::testing::TestWithParam<AudioCase> {};

TEST_P(AudioRoundTripTest, SineKeepsItsFrequencyAndAnSnrFloor) {
  const AudioCase& c = GetParam();
  AudioEncoderConfig ec{.codec = c.codec, .sample_rate = c.rate, .frame_ms = c.frame_ms};
  ec.bitrate_bps = c.bitrate_bps;
  auto encoder = CreateAudioEncoder(ec);
  ASSERT_TRUE(encoder) << encoder.error().detail;
  auto decoder = CreateAudioDecoder({.codec = c.codec, .sample_rate = c.rate});
  ASSERT_TRUE(decoder) << decoder.error().detail;
  const size_t frame = static_cast<size_t>((*encoder)->frame_samples());
  ASSERT_EQ(frame, static_cast<size_t>(c.rate * c.frame_ms / 1000));

  const std::vector<int16_t> input = Sine(c.tone_hz, c.rate, static_cast<size_t>(c.rate), 12000.0);  // 1 s
  std::vector<int16_t> output;
  std::vector<uint8_t> payload(kMaxAudioPayloadBytes);
  std::vector<int16_t> pcm(kMaxAudioFrameSamples);
  for (size_t pos = 0; pos + frame <= input.size(); pos += frame) {
    auto n = (*encoder)->Encode(std::span<const int16_t>(input).subspan(pos, frame), payload);
    ASSERT_TRUE(n) << n.error().detail;
    ASSERT_GT(*n, 0u);
    auto m = (*decoder)->Decode(std::span<const uint8_t>(payload.data(), *n), pcm);
    ASSERT_TRUE(m) << m.error().detail;
    ASSERT_EQ(*m, frame);
    output.insert(output.end(), pcm.begin(), pcm.begin() + static_cast<ptrdiff_t>(*m));
  }
  ASSERT_EQ(output.size(), input.size());
  // Skip the first 100 ms (codec start-up), compare 0.5 s.
  const size_t start = static_cast<size_t>(c.rate / 10), length = static_cast<size_t>(c.rate / 2);
  const double f = ToneFrequency(std::span<const int16_t>(output).subspan(start, length), c.rate);
  EXPECT_NEAR(f / c.tone_hz, 1.0, 0.005) << f << " Hz";
  const auto a = Align(input, output, start, length, c.rate / 50);
  EXPECT_GE(a.snr_db, c.min_snr_db) << "delay " << a.delay;
  RecordProperty("snr_db", std::to_string(a.snr_db));
  RecordProperty("delay_samples", std::to_string(a.delay));
}

INSTANTIATE_TEST_SUITE_P(AllAudioCodecs, AudioRoundTripTest,
                         ::testing::Values(AudioCase{"pcmu_20ms", CodecId::kPcmu, 8000, 20, 440, 0, 33},
                                           AudioCase{"pcmu_10ms", CodecId::kPcmu, 8000, 10, 1000, 0, 33},
                                           AudioCase{"pcma_20ms", CodecId::kPcma, 8000, 20, 440, 0, 33},
                                           AudioCase{"pcma_10ms", CodecId::kPcma, 8000, 10, 1000, 0, 33},
                                           AudioCase{"g722_20ms", CodecId::kG722, 16000, 20, 440, 0, 40},
                                           AudioCase{"g722_10ms", CodecId::kG722, 16000, 10, 1000, 0, 40},
                                           AudioCase{"opus_48k_20ms", CodecId::kOpus, 48000, 20, 440, 64000, 30},
                                           AudioCase{"opus_48k_10ms", CodecId::kOpus, 48000, 10, 1000, 64000, 25},
                                           AudioCase{"opus_16k_20ms", CodecId::kOpus, 16000, 20, 440, 32000, 30},
                                           AudioCase{"opus_8k_20ms", CodecId::kOpus, 8000, 20, 440, 16000, 28}),
                         [](const ::testing::TestParamInfo<AudioCase>& param) { return param.param.name; });

}  // namespace
}  // namespace tessera::codecs

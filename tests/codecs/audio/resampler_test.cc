// Every rate pair: each 10 or 20 ms call returns exactly the same duration at the output
// rate, a tone keeps its frequency, the output is continuous across calls (high SNR
// against the ideal signal at the measured delay) and the delay is what delay_samples()
// says.
#include "tessera/codecs/audio/resampler.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "tessera/codecs_testing/audio_analysis.h"

namespace tessera::codecs {
namespace {

struct RatePair {
  int in;
  int out;
};

void PrintTo(const RatePair& p, std::ostream* os) {
  *os << p.in << " Hz to " << p.out << " Hz";
}

class ResamplerTest : public ::testing::TestWithParam<RatePair> {};

// Runs `input` through a new resampler in alternating 10 ms and 20 ms calls (as a mixer
// switching ptime would), checking each call returns exactly the same duration.
std::vector<int16_t> ResampleInCalls(Resampler& resampler, const std::vector<int16_t>& input) {
  const int in_rate = resampler.input_rate(), out_rate = resampler.output_rate();
  std::vector<int16_t> output, out(static_cast<size_t>(out_rate / 50));
  size_t pos = 0;
  for (int call = 0;; ++call) {
    const size_t in_n = static_cast<size_t>(in_rate / 100) * (call % 2 ? 2 : 1);
    if (pos + in_n > input.size()) break;
    auto n = resampler.Process(std::span<const int16_t>(input).subspan(pos, in_n), out);
    EXPECT_TRUE(n) << n.error().detail;
    if (!n) break;
    EXPECT_EQ(*n, in_n * static_cast<size_t>(out_rate) / static_cast<size_t>(in_rate)) << "call " << call;
    output.insert(output.end(), out.begin(), out.begin() + static_cast<ptrdiff_t>(*n));
    pos += in_n;
  }
  return output;
}

// Two tones whose sum repeats only every 100 ms, so the delay found is unambiguous.
std::vector<int16_t> TwoTones(int rate, size_t samples) {
  auto a = codecs_testing::Sine(700, rate, samples, 7000.0);
  const auto b = codecs_testing::Sine(1130, rate, samples, 5000.0);
  for (size_t i = 0; i < samples; ++i)
    a[i] = static_cast<int16_t>(a[i] + b[i]);
  return a;
}

TEST_P(ResamplerTest, ToneKeepsItsFrequencyFrameByFrame) {
  const auto [in_rate, out_rate] = GetParam();
  auto resampler = CreateResampler(in_rate, out_rate);
  ASSERT_TRUE(resampler) << resampler.error().detail;
  constexpr double kTone = 1000.0;  // below every Nyquist frequency here (4 kHz at 8 kHz)
  const auto output =
      ResampleInCalls(**resampler, codecs_testing::Sine(kTone, in_rate, static_cast<size_t>(in_rate), 10000.0));
  const size_t start = static_cast<size_t>(out_rate / 10), length = static_cast<size_t>(out_rate / 2);
  ASSERT_GE(output.size(), start + length);
  EXPECT_NEAR(codecs_testing::ToneFrequency(std::span<const int16_t>(output).subspan(start, length), out_rate), kTone,
              kTone * 0.002);
}

TEST_P(ResamplerTest, OutputIsContinuousWithTheDelayItReports) {
  const auto [in_rate, out_rate] = GetParam();
  auto resampler = CreateResampler(in_rate, out_rate);
  ASSERT_TRUE(resampler);
  const auto output = ResampleInCalls(**resampler, TwoTones(in_rate, static_cast<size_t>(in_rate)));
  // The same signal made directly at the output rate, delayed by delay_samples(), must
  // match closely: a glitch at any call boundary would pull the SNR down.
  const int delay = (*resampler)->delay_samples();
  EXPECT_GE(delay, 0);
  EXPECT_LE(delay, out_rate / 100);
  const auto ideal = TwoTones(out_rate, output.size());
  const size_t start = static_cast<size_t>(out_rate / 10), length = static_cast<size_t>(out_rate / 2);
  const auto a = codecs_testing::Align(ideal, output, start, length, out_rate / 50);
  EXPECT_NEAR(a.delay, delay, 1);
  EXPECT_GE(a.snr_db, 35.0) << in_rate << " -> " << out_rate << " at delay " << a.delay;
}

std::vector<RatePair> AllPairs() {
  std::vector<RatePair> pairs;
  for (int a : {8000, 16000, 32000, 48000})
    for (int b : {8000, 16000, 32000, 48000})
      pairs.push_back({a, b});
  return pairs;
}

INSTANTIATE_TEST_SUITE_P(AllRates, ResamplerTest, ::testing::ValuesIn(AllPairs()),
                         [](const ::testing::TestParamInfo<RatePair>& param) {
                           return std::to_string(param.param.in) + "_to_" + std::to_string(param.param.out);
                         });

TEST(Resampler, RefusesOddRatesAndPartialFrames) {
  EXPECT_FALSE(CreateResampler(44100, 48000));
  EXPECT_FALSE(CreateResampler(16000, 48000, 3));
  auto r = CreateResampler(16000, 48000);
  ASSERT_TRUE(r);
  std::vector<int16_t> in(150), out(960);
  EXPECT_FALSE((*r)->Process(in, out));  // 150 samples is not 10 ms at 16 kHz
  in.resize(160);
  std::vector<int16_t> small(100);
  EXPECT_FALSE((*r)->Process(in, small));  // 480 samples needed
  EXPECT_TRUE((*r)->Process(in, out));
}

}  // namespace
}  // namespace tessera::codecs

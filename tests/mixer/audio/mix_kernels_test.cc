// Every mixing kernel variant the CPU (and TESSERA_CPU_MASK) allows must match the C
// reference bit for bit over awkward lengths, unaligned starts, guard-page ends, constant
// gains and ramps, with and without a contribution to subtract.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "tessera/mixer/audio/kernels/audio_kernels.h"
#include "tessera/testing/guarded_buffer.h"

namespace tessera::mixer {
namespace {

constexpr size_t kAwkwardLengths[] = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 480, 639, 960, 1919, 1920};

std::vector<AudioKernelVariant> UsableVariants() {
  std::vector<AudioKernelVariant> out;
  for (const auto& v : AllAudioKernelVariants()) {
    if ((GetCpuFeatures().bits() & v.required_features) == v.required_features) out.push_back(v);
  }
  return out;
}

std::vector<int16_t> RandomS16(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int16_t> v(n);
  for (auto& s : v) {
    const uint32_t r = rng();
    s = static_cast<int16_t>((r & 7) == 0 ? INT16_MIN : (r & 7) == 1 ? INT16_MAX : static_cast<int16_t>(r >> 8));
  }
  return v;
}

// Sums of up to 16 contributions of full-scale samples at +18 dB: within +-2^23.
std::vector<int32_t> RandomS32(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> d(-(1 << 23), 1 << 23);
  std::vector<int32_t> v(n);
  for (auto& s : v)
    s = d(rng);
  return v;
}

template <typename T>
T* Copy(testing::GuardedBuffer<T>& b, const std::vector<T>& v) {
  std::copy(v.begin(), v.end(), b.data());
  return b.data();
}

struct Gains {
  int32_t from, to;
};
constexpr Gains kQ12Gains[] = {{4096, 4096}, {0, 4096}, {4096, 0}, {32767, 32767}, {1234, 32767}, {0, 0}, {700, 9000}};
constexpr Gains kQ15Gains[] = {{32768, 32768}, {0, 32768}, {32768, 0}, {12000, 20000}, {1, 1}, {32768, 100}};

TEST(MakeGainRamp, EndsExactlyAtTheTargetAndRisesEvenly) {
  std::vector<int32_t> ramp(960);
  MakeGainRamp(ramp.data(), ramp.size());
  EXPECT_EQ(ramp.back(), 32768);
  EXPECT_NEAR(ramp[479], 16384, 1);
  for (size_t i = 1; i < ramp.size(); ++i)
    ASSERT_GT(ramp[i], ramp[i - 1]);
}

TEST(MixKernels, ReferencesComputeTheDocumentedArithmetic) {
  const int16_t s[3] = {1000, -32768, 32767};
  int32_t c[3];
  ScaleS16ToS32_C(s, c, 3, {kUnityGainQ12, kUnityGainQ12, nullptr});
  EXPECT_EQ(c[0], 1000);
  EXPECT_EQ(c[1], -32768);
  EXPECT_EQ(c[2], 32767);
  ScaleS16ToS32_C(s, c, 3, {2048, 2048, nullptr});  // -6 dB
  EXPECT_EQ(c[0], 500);
  EXPECT_EQ(SumSquaresS16_C(s, 3), 1000000ull + 1073741824ull + 1073676289ull);
  const int32_t total[3] = {70000, -70000, 10};
  const int32_t own[3] = {0, 0, 20};
  int16_t out[3];
  LimitS32ToS16_C(total, nullptr, out, 3, {kUnityGainQ15, kUnityGainQ15, nullptr});
  EXPECT_EQ(out[0], INT16_MAX);  // saturates rather than wraps
  EXPECT_EQ(out[1], INT16_MIN);
  EXPECT_EQ(out[2], 10);
  LimitS32ToS16_C(total, own, out, 3, {kUnityGainQ15 / 4, kUnityGainQ15 / 4, nullptr});
  EXPECT_EQ(out[0], 17500);
  EXPECT_EQ(out[2], -2);  // (10 - 20) / 4 = -2.5 rounds up to -2
  EXPECT_EQ(PeakAbsS32_C(total, own, 3), 70000);
}

TEST(MixKernels, EveryVariantMatchesReferenceAtAwkwardLengthsOnGuardPages) {
  for (const auto& variant : UsableVariants()) {
    const AudioKernels& k = variant.kernels;
    for (size_t n : kAwkwardLengths) {
      SCOPED_TRACE(std::string(k.isa) + " n=" + std::to_string(n));
      const uint32_t seed = static_cast<uint32_t>(n) * 7 + 1;
      const auto s16 = RandomS16(n, seed);
      const auto a32 = RandomS32(n, seed + 1);
      const auto b32 = RandomS32(n, seed + 2);
      std::vector<int32_t> ramp(n);
      MakeGainRamp(ramp.data(), n);
      testing::GuardedBuffer<int16_t> src(n), out16(n);
      testing::GuardedBuffer<int32_t> a(n), b(n), out32(n), g_ramp(n);
      Copy(src, s16);
      Copy(a, a32);
      Copy(b, b32);
      Copy(g_ramp, ramp);

      ASSERT_EQ(k.sum_squares_s16(src.data(), n), SumSquaresS16_C(s16.data(), n));
      ASSERT_EQ(k.peak_abs_s32(a.data(), nullptr, n), PeakAbsS32_C(a32.data(), nullptr, n));
      ASSERT_EQ(k.peak_abs_s32(a.data(), b.data(), n), PeakAbsS32_C(a32.data(), b32.data(), n));

      std::vector<int32_t> expected32(n);
      for (const Gains g : kQ12Gains) {
        SCOPED_TRACE("q12 gain " + std::to_string(g.from) + "->" + std::to_string(g.to));
        ScaleS16ToS32_C(s16.data(), expected32.data(), n, {g.from, g.to, ramp.data()});
        k.scale_s16_to_s32(src.data(), out32.data(), n, {g.from, g.to, g_ramp.data()});
        ASSERT_TRUE(std::equal(expected32.begin(), expected32.end(), out32.data()));
      }
      expected32 = b32;
      AddS32_C(a32.data(), expected32.data(), n);
      Copy(out32, b32);
      k.add_s32(a.data(), out32.data(), n);
      ASSERT_TRUE(std::equal(expected32.begin(), expected32.end(), out32.data()));

      std::vector<int16_t> expected16(n);
      for (const Gains g : kQ15Gains) {
        for (const bool subtract : {false, true}) {
          SCOPED_TRACE("q15 gain " + std::to_string(g.from) + "->" + std::to_string(g.to) + (subtract ? " minus" : ""));
          LimitS32ToS16_C(a32.data(), subtract ? b32.data() : nullptr, expected16.data(), n,
                          {g.from, g.to, ramp.data()});
          k.limit_s32_to_s16(a.data(), subtract ? b.data() : nullptr, out16.data(), n, {g.from, g.to, g_ramp.data()});
          ASSERT_TRUE(std::equal(expected16.begin(), expected16.end(), out16.data()));
        }
      }
    }
  }
}

TEST(MixKernels, EveryVariantMatchesReferenceAtEveryUnalignedOffset) {
  constexpr size_t kN = 960;
  const auto s16 = RandomS16(kN + 64, 5);
  const auto a32 = RandomS32(kN + 64, 6);
  const auto b32 = RandomS32(kN + 64, 7);
  std::vector<int32_t> ramp(kN);
  MakeGainRamp(ramp.data(), kN);
  for (const auto& variant : UsableVariants()) {
    const AudioKernels& k = variant.kernels;
    for (size_t offset = 0; offset < 17; ++offset) {
      SCOPED_TRACE(std::string(k.isa) + " offset=" + std::to_string(offset));
      ASSERT_EQ(k.sum_squares_s16(s16.data() + offset, kN), SumSquaresS16_C(s16.data() + offset, kN));
      std::vector<int32_t> e32(kN + 32, 3), o32(kN + 32, 3);
      ScaleS16ToS32_C(s16.data() + offset, e32.data() + (offset ^ 3), kN, {100, 20000, ramp.data()});
      k.scale_s16_to_s32(s16.data() + offset, o32.data() + (offset ^ 3), kN, {100, 20000, ramp.data()});
      ASSERT_EQ(o32, e32);
      std::vector<int16_t> e16(kN + 32, 3), o16(kN + 32, 3);
      LimitS32ToS16_C(a32.data() + offset, b32.data() + (offset ^ 5), e16.data() + (offset ^ 1), kN,
                      {30000, 9000, ramp.data()});
      k.limit_s32_to_s16(a32.data() + offset, b32.data() + (offset ^ 5), o16.data() + (offset ^ 1), kN,
                         {30000, 9000, ramp.data()});
      ASSERT_EQ(o16, e16);
    }
  }
}

TEST(MixKernels, SumOfSquaresHandlesTheWorstCasePairExactly) {
  // Two -32768 samples square-and-add to 2^31, one past INT32_MAX: must not wrap negative.
  const std::vector<int16_t> worst(1920, INT16_MIN);
  for (const auto& variant : UsableVariants()) {
    EXPECT_EQ(variant.kernels.sum_squares_s16(worst.data(), worst.size()), 1920ull << 30) << variant.kernels.isa;
  }
}

}  // namespace
}  // namespace tessera::mixer

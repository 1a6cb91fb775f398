// Every audio kernel variant the CPU (and TESSERA_CPU_MASK) allows must match the C
// reference bit for bit over awkward lengths, unaligned starts and guard-page ends.
#include "tessera/mixer/audio/kernels/audio_kernels.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

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

std::vector<int16_t> RandomSamples(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  // Full range, with extremes over-represented so saturation is exercised both ways.
  std::uniform_int_distribution<int> pick(0, 9);
  std::uniform_int_distribution<int> any(INT16_MIN, INT16_MAX);
  std::vector<int16_t> v(n);
  for (auto& s : v) {
    const int p = pick(rng);
    s = static_cast<int16_t>(p == 0 ? INT16_MAX : p == 1 ? INT16_MIN : any(rng));
  }
  return v;
}

TEST(AddSaturateS16, ReferenceSaturatesInsteadOfWrapping) {
  int16_t dst[4] = {30000, -30000, 100, INT16_MIN};
  const int16_t src[4] = {10000, -10000, -50, -1};
  AddSaturateS16_C(src, dst, 4);
  EXPECT_EQ(dst[0], INT16_MAX);
  EXPECT_EQ(dst[1], INT16_MIN);
  EXPECT_EQ(dst[2], 50);
  EXPECT_EQ(dst[3], INT16_MIN);
}

TEST(AddSaturateS16, EveryVariantMatchesReferenceAtAwkwardLengthsOnGuardPages) {
  for (const auto& variant : UsableVariants()) {
    for (size_t n : kAwkwardLengths) {
      SCOPED_TRACE(std::string(variant.kernels.isa) + " n=" + std::to_string(n));
      const auto src_values = RandomSamples(n, 1 + static_cast<uint32_t>(n));
      const auto dst_values = RandomSamples(n, 1000 + static_cast<uint32_t>(n));
      testing::GuardedBuffer<int16_t> src(n), dst(n);
      std::copy(src_values.begin(), src_values.end(), src.data());
      std::copy(dst_values.begin(), dst_values.end(), dst.data());
      std::vector<int16_t> expected = dst_values;
      AddSaturateS16_C(src_values.data(), expected.data(), n);
      variant.kernels.add_saturate_s16(src.data(), dst.data(), n);
      ASSERT_TRUE(std::equal(expected.begin(), expected.end(), dst.data()));
    }
  }
}

TEST(AddSaturateS16, EveryVariantMatchesReferenceAtEveryUnalignedOffset) {
  constexpr size_t kMax = 960 + 64;
  const auto src_values = RandomSamples(kMax, 7);
  const auto dst_values = RandomSamples(kMax, 8);
  for (const auto& variant : UsableVariants()) {
    for (size_t offset = 0; offset < 33; ++offset) {
      SCOPED_TRACE(std::string(variant.kernels.isa) + " offset=" + std::to_string(offset));
      const size_t n = 960;
      std::vector<int16_t> dst(dst_values), expected(dst_values);
      AddSaturateS16_C(src_values.data() + offset, expected.data() + (offset ^ 5), n);
      variant.kernels.add_saturate_s16(src_values.data() + offset, dst.data() + (offset ^ 5), n);
      ASSERT_EQ(dst, expected);
    }
  }
}

TEST(AddSaturateS16, InPlaceDoublingMatchesReference) {
  for (const auto& variant : UsableVariants()) {
    auto a = RandomSamples(999, 3);
    auto b = a;
    AddSaturateS16_C(b.data(), b.data(), b.size());
    variant.kernels.add_saturate_s16(a.data(), a.data(), a.size());
    EXPECT_EQ(a, b) << variant.kernels.isa;
  }
}

// The dispatcher must honour TESSERA_CPU_MASK: ctest runs this binary under c, avx2 and
// avx512 masks, and the selected kernel must be the best one the mask leaves.
TEST(AudioKernelDispatch, SelectionFollowsCpuMask) {
  const char* mask = std::getenv("TESSERA_CPU_MASK");
  const CpuFeatures hw = DetectCpuFeatures();
  std::string expected = hw.Has(kCpuAvx512) ? "avx512" : hw.Has(kCpuAvx2) ? "avx2" : "c";
  if (mask != nullptr && std::string(mask) == "c") expected = "c";
  if (mask != nullptr && std::string(mask) == "avx2") expected = hw.Has(kCpuAvx2) ? "avx2" : "c";
  EXPECT_EQ(SelectAudioKernels(GetCpuFeatures()).isa, expected) << "mask=" << (mask ? mask : "(none)");
}

TEST(AudioKernelDispatch, PureSelectionByFeatureSet) {
  EXPECT_STREQ(SelectAudioKernels(CpuFeatures(0)).isa, "c");
  EXPECT_STREQ(SelectAudioKernels(CpuFeatures(*ParseCpuMask("avx2"))).isa, "avx2");
  EXPECT_STREQ(SelectAudioKernels(CpuFeatures(*ParseCpuMask("avx512"))).isa, "avx512");
  // AVX-512 without AVX2 cannot happen on real hardware; the selector must still be safe.
  EXPECT_STREQ(SelectAudioKernels(CpuFeatures(kCpuAvx512)).isa, "c");
}

}  // namespace
}  // namespace tessera::mixer

// Every overlay blend variant the CPU (and TESSERA_CPU_MASK) allows must match the C
// reference bit for bit at awkward widths, unaligned pointers and guard-page ends.
#include "tessera/mixer/video/kernels/blend_kernels.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "tessera/testing/guarded_buffer.h"

namespace tessera::mixer {
namespace {

constexpr int kAwkwardWidths[] = {0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 639, 1919, 1920};

std::vector<BlendKernelVariant> UsableVariants() {
  std::vector<BlendKernelVariant> out;
  for (const auto& v : AllBlendKernelVariants()) {
    if ((GetCpuFeatures().bits() & v.required_features) == v.required_features) out.push_back(v);
  }
  return out;
}

void FillRandom(uint8_t* p, size_t n, std::mt19937& rng) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t r = rng();
    p[i] = (r & 7) == 0 ? 0 : (r & 7) == 1 ? 255 : static_cast<uint8_t>(r >> 8);
  }
}

TEST(BlendRow, ReferenceKeepsTransparentReplacesOpaqueAndRoundsBetween) {
  const uint8_t color[4] = {200, 200, 255, 0};
  const uint8_t alpha[4] = {0, 255, 128, 128};
  uint8_t dst[4] = {10, 10, 0, 255};
  BlendRow_C(color, alpha, dst, 4);
  EXPECT_EQ(dst[0], 10);
  EXPECT_EQ(dst[1], 200);
  EXPECT_EQ(dst[2], 128);  // 255 * 128 / 255
  EXPECT_EQ(dst[3], 127);  // 255 * 127 / 255
  // Exhaustively: the result is round(t / 255) for every dst, color and alpha.
  for (int d = 0; d < 256; d += 5) {
    for (int c = 0; c < 256; c += 3) {
      for (int a = 0; a < 256; ++a) {
        uint8_t out = static_cast<uint8_t>(d);
        const uint8_t cc = static_cast<uint8_t>(c), aa = static_cast<uint8_t>(a);
        BlendRow_C(&cc, &aa, &out, 1);
        const double exact = (d * (255.0 - a) + c * a) / 255;
        ASSERT_NEAR(out, exact, 0.5) << d << " " << c << " " << a;
      }
    }
  }
}

TEST(BlendRow, EveryVariantMatchesReferenceAtAwkwardWidthsOnGuardPages) {
  std::mt19937 rng(31);
  for (const auto& variant : UsableVariants()) {
    for (int n : kAwkwardWidths) {
      SCOPED_TRACE(std::string(variant.kernels.isa) + " n=" + std::to_string(n));
      testing::GuardedBuffer<uint8_t> color(static_cast<size_t>(n)), alpha(static_cast<size_t>(n)),
          dst(static_cast<size_t>(n));
      FillRandom(color.data(), color.size(), rng);
      FillRandom(alpha.data(), alpha.size(), rng);
      FillRandom(dst.data(), dst.size(), rng);
      std::vector<uint8_t> expected(dst.data(), dst.data() + n);
      BlendRow_C(color.data(), alpha.data(), expected.data(), n);
      variant.kernels.blend_row(color.data(), alpha.data(), dst.data(), n);
      ASSERT_TRUE(std::equal(expected.begin(), expected.end(), dst.data()));
    }
  }
}

TEST(BlendRow, EveryVariantMatchesReferenceAtEveryUnalignedOffset) {
  std::mt19937 rng(32);
  std::vector<uint8_t> color(800), alpha(800), base(800);
  FillRandom(color.data(), color.size(), rng);
  FillRandom(alpha.data(), alpha.size(), rng);
  FillRandom(base.data(), base.size(), rng);
  for (const auto& variant : UsableVariants()) {
    for (int offset = 0; offset < 65; ++offset) {
      SCOPED_TRACE(std::string(variant.kernels.isa) + " offset=" + std::to_string(offset));
      std::vector<uint8_t> expected = base, actual = base;
      BlendRow_C(color.data() + offset, alpha.data() + (offset * 3) % 64, expected.data() + (offset * 7) % 64, 700);
      variant.kernels.blend_row(color.data() + offset, alpha.data() + (offset * 3) % 64,
                                actual.data() + (offset * 7) % 64, 700);
      ASSERT_EQ(actual, expected);
    }
  }
}

TEST(BlendKernelDispatch, SelectionFollowsCpuMask) {
  const char* mask = std::getenv("TESSERA_CPU_MASK");
  const std::string m = mask != nullptr ? mask : "";
  const CpuFeatures hw = DetectCpuFeatures();
  std::string expected = hw.Has(kCpuAvx512) ? "avx512" : hw.Has(kCpuAvx2) ? "avx2" : "c";
  if (m == "c") expected = "c";
  if (m == "avx2") expected = hw.Has(kCpuAvx2) ? "avx2" : "c";
  EXPECT_EQ(SelectBlendKernels(GetCpuFeatures()).isa, expected);
  EXPECT_STREQ(SelectBlendKernels(CpuFeatures(0)).isa, "c");
}

}  // namespace
}  // namespace tessera::mixer

#include "tessera/base/cpu_features.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(CpuMask, LevelNamesIncludeEverythingBelowThem) {
  EXPECT_EQ(ParseCpuMask("c"), 0u);
  EXPECT_EQ(ParseCpuMask("sse2"), uint32_t{kCpuSse2});
  EXPECT_EQ(ParseCpuMask("avx2"), uint32_t{kCpuSse2 | kCpuSsse3 | kCpuSse41 | kCpuAvx | kCpuAvx2});
  const uint32_t all = *ParseCpuMask("avx512");
  EXPECT_TRUE(CpuFeatures(all).Has(kCpuAvx512));
  EXPECT_TRUE(CpuFeatures(all).Has(kCpuAvx2));
  EXPECT_FALSE(CpuFeatures(all).Has(kCpuAvx512Vbmi));  // "avx512" is the Skylake-SP level
  const uint32_t vbmi = *ParseCpuMask("avx512vbmi");
  EXPECT_TRUE(CpuFeatures(vbmi).Has(kCpuAvx512Vbmi));
  EXPECT_TRUE(CpuFeatures(vbmi).Has(kCpuAvx512));
  EXPECT_EQ(ParseCpuMask("all"), vbmi);
}

TEST(CpuMask, HexMaskIsTakenLiterally) {
  EXPECT_EQ(ParseCpuMask("0x10"), uint32_t{kCpuAvx2});
  EXPECT_EQ(ParseCpuMask("0XfF"), 0xffu);
}

TEST(CpuMask, GarbageIsRejected) {
  EXPECT_EQ(ParseCpuMask(""), std::nullopt);
  EXPECT_EQ(ParseCpuMask("avx3"), std::nullopt);
  EXPECT_EQ(ParseCpuMask("0x"), std::nullopt);
  EXPECT_EQ(ParseCpuMask("0xzz"), std::nullopt);
  EXPECT_EQ(ParseCpuMask("0x123456789"), std::nullopt);
}

TEST(CpuFeatures, MaskingNeverAddsFeatures) {
  const CpuFeatures detected = DetectCpuFeatures();
  EXPECT_EQ(detected.Masked(0).bits(), 0u);
  EXPECT_EQ(detected.Masked(0xffffffffu), detected);
  EXPECT_EQ(GetCpuFeatures().bits() & ~detected.bits(), 0u);
}

TEST(CpuFeatures, DetectionIsConsistent) {
  const CpuFeatures f = DetectCpuFeatures();
  // Every x86-64 CPU has SSE2; AVX-512 is only reported together with AVX2.
  EXPECT_TRUE(f.Has(kCpuSse2));
  if (f.Has(kCpuAvx512)) {
    EXPECT_TRUE(f.Has(kCpuAvx2));
  }
  if (f.Has(kCpuAvx512Vbmi)) {
    EXPECT_TRUE(f.Has(kCpuAvx512));
  }
  if (f.Has(kCpuAvx2)) {
    EXPECT_TRUE(f.Has(kCpuAvx));
  }
}

TEST(CpuFeatures, NamesListEachFeature) {
  EXPECT_EQ(CpuFeatures(0).ToString(), "c");
  EXPECT_EQ(CpuFeatures(kCpuSse2 | kCpuAvx2).ToString(), "sse2 avx2");
}

}  // namespace
}  // namespace tessera

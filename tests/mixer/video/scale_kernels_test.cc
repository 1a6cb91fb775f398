// Every plane scaling kernel variant the CPU (and TESSERA_CPU_MASK) allows must match the C
// reference bit for bit: over awkward widths, every tap count, unaligned rows and outputs,
// and rows or outputs that end on a guard page.
#include "tessera/mixer/video/kernels/scale_kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tessera/testing/guarded_buffer.h"

namespace tessera::mixer {
namespace {

constexpr int kAwkwardWidths[] = {1, 2, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 639, 640, 1279, 1919, 1920};

std::vector<ScaleKernelVariant> UsableVariants() {
  std::vector<ScaleKernelVariant> out;
  for (const auto& v : AllScaleKernelVariants()) {
    if ((GetCpuFeatures().bits() & v.required_features) == v.required_features) out.push_back(v);
  }
  return out;
}

// `taps` weights in [0, kMaxWeight] summing to kWeightSum; extremes over-represented.
std::vector<uint8_t> RandomWeights(int taps, std::mt19937& rng) {
  std::vector<uint8_t> w(static_cast<size_t>(taps), 0);
  int left = kWeightSum;
  std::uniform_int_distribution<int> pick(0, taps - 1);
  while (left > 0) {
    const int k = pick(rng);
    const int add = std::min({left, kMaxWeight - int{w[static_cast<size_t>(k)]}, 1 + static_cast<int>(rng() % 100)});
    w[static_cast<size_t>(k)] = static_cast<uint8_t>(w[static_cast<size_t>(k)] + add);
    left -= add;
  }
  return w;
}

void FillRandom(uint8_t* p, size_t n, std::mt19937& rng) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t r = rng();
    p[i] = (r & 7) == 0 ? 0 : (r & 7) == 1 ? 255 : static_cast<uint8_t>(r >> 8);
  }
}

TEST(VerticalFilterRow, ReferenceComputesRoundedWeightedSum) {
  const uint8_t r0[3] = {0, 255, 100};
  const uint8_t r1[3] = {255, 255, 101};
  const uint8_t* rows[2] = {r0, r1};
  const uint8_t weights[2] = {64, 64};
  uint8_t inter[3];
  VerticalFilterRow_C(rows, weights, 2, inter, 3, RowPrefetch{});
  EXPECT_EQ(inter[0], 128);  // 127.5 rounds half up
  EXPECT_EQ(inter[1], 255);  // white stays white
  EXPECT_EQ(inter[2], 101);  // 100.5 rounds half up
}

TEST(VerticalFilterRow, EveryVariantMatchesReferenceAtAwkwardWidthsOnGuardPages) {
  std::mt19937 rng(11);
  for (const auto& variant : UsableVariants()) {
    for (int width : kAwkwardWidths) {
      for (int taps : {2, 4, 6, 8, 14, 64}) {
        SCOPED_TRACE(std::string(variant.kernels.isa) + " width=" + std::to_string(width) +
                     " taps=" + std::to_string(taps));
        std::vector<std::unique_ptr<testing::GuardedBuffer<uint8_t>>> buffers;
        std::vector<const uint8_t*> rows;
        for (int k = 0; k < taps; ++k) {
          // Every fifth tap repeats the previous row, as the filter builder does.
          if (k > 0 && k % 5 == 0) {
            rows.push_back(rows.back());
            continue;
          }
          buffers.push_back(std::make_unique<testing::GuardedBuffer<uint8_t>>(static_cast<size_t>(width)));
          FillRandom(buffers.back()->data(), static_cast<size_t>(width), rng);
          rows.push_back(buffers.back()->data());
        }
        const auto weights = RandomWeights(taps, rng);
        std::vector<uint8_t> expected(static_cast<size_t>(width));
        VerticalFilterRow_C(rows.data(), weights.data(), taps, expected.data(), width, RowPrefetch{});
        testing::GuardedBuffer<uint8_t> inter(static_cast<size_t>(width));
        // Prefetching the rows themselves (as hints may) must not change the result.
        variant.kernels.vertical(rows.data(), weights.data(), taps, inter.data(), width, RowPrefetch{rows[0], 0, 1});
        ASSERT_TRUE(std::equal(expected.begin(), expected.end(), inter.data()));
      }
    }
  }
}

TEST(VerticalFilterRow, EveryVariantMatchesReferenceAtEveryUnalignedOffset) {
  std::mt19937 rng(12);
  constexpr int kWidth = 700;
  std::vector<uint8_t> storage(4 * (kWidth + 128));
  FillRandom(storage.data(), storage.size(), rng);
  for (const auto& variant : UsableVariants()) {
    for (int offset = 0; offset < 65; ++offset) {
      SCOPED_TRACE(std::string(variant.kernels.isa) + " offset=" + std::to_string(offset));
      const uint8_t* rows[4];
      for (int k = 0; k < 4; ++k)
        rows[k] = storage.data() + k * (kWidth + 128) + ((offset * (k + 3)) % 64);
      const auto weights = RandomWeights(4, rng);
      std::vector<uint8_t> expected(kWidth + 80, 7), actual(kWidth + 80, 7);
      VerticalFilterRow_C(rows, weights.data(), 4, expected.data() + offset, kWidth, RowPrefetch{});
      variant.kernels.vertical(rows, weights.data(), 4, actual.data() + offset, kWidth, RowPrefetch{});
      ASSERT_EQ(actual, expected);  // includes the untouched samples around the row
    }
  }
}

// Random horizontal taps at about `ratio` input samples per output: positions anywhere in
// a footprint of ratio + 1 samples (repeats and any order allowed, as the spec allows),
// weights summing to kWeightSum.
struct TestTaps {
  std::vector<int32_t> positions;
  std::vector<uint8_t> weights;
  HorizontalTaps taps;
  int inter_size = 0;  // largest position + kIntermediateReadPad
};

TestTaps MakeTaps(int out_width, double ratio, int taps, std::mt19937& rng) {
  TestTaps t;
  t.positions.resize(static_cast<size_t>(out_width) * taps);
  t.weights.resize(static_cast<size_t>(out_width) * taps);
  const int footprint = std::max(1, static_cast<int>(ratio) + 1);
  int32_t max_position = 0;
  for (int x = 0; x < out_width; ++x) {
    const int32_t first = static_cast<int32_t>(x * ratio);
    const auto w = RandomWeights(taps, rng);
    for (int k = 0; k < taps; ++k) {
      const int32_t p = first + static_cast<int32_t>(rng() % static_cast<uint32_t>(footprint));
      t.positions[static_cast<size_t>(x) * taps + k] = p;
      t.weights[static_cast<size_t>(x) * taps + k] = w[static_cast<size_t>(k)];
      max_position = std::max(max_position, p);
    }
  }
  t.taps = {out_width, taps, t.positions.data(), t.weights.data()};
  t.inter_size = max_position + kIntermediateReadPad;
  return t;
}

TEST(HorizontalFilterRow, ReferenceRoundsWeightedSum) {
  const int32_t positions[2] = {0, 1};
  const uint8_t weights[2] = {64, 64};
  const HorizontalTaps taps{1, 2, positions, weights};
  uint8_t out = 0;
  const uint8_t black_white[2] = {0, 255};
  HorizontalFilterRow_C(black_white, taps, nullptr, &out);
  EXPECT_EQ(out, 128);  // 127.5 rounds half up
  const uint8_t white[2] = {255, 255};
  HorizontalFilterRow_C(white, taps, nullptr, &out);
  EXPECT_EQ(out, 255);
  const uint8_t black[2] = {0, 0};
  HorizontalFilterRow_C(black, taps, nullptr, &out);
  EXPECT_EQ(out, 0);
}

TEST(HorizontalFilterRow, EveryVariantMatchesReferenceAtAwkwardWidthsRatiosAndTaps) {
  std::mt19937 rng(21);
  for (const auto& variant : UsableVariants()) {
    AlignedArray<uint8_t> table;
    for (int out_width : kAwkwardWidths) {
      for (double ratio : {0.4, 1.0, 1.5, 2.03, 2.07, 3.0, 4.1, 6.5, 13.0, 40.0}) {
        for (int taps : {2, 4, 6, 16, 64}) {
          SCOPED_TRACE(std::string(variant.kernels.isa) + " out_width=" + std::to_string(out_width) +
                       " ratio=" + std::to_string(ratio) + " taps=" + std::to_string(taps));
          TestTaps t = MakeTaps(out_width, ratio, taps, rng);
          // The intermediate row ends on a guard page exactly where the read pad ends.
          testing::GuardedBuffer<uint8_t> inter(static_cast<size_t>(t.inter_size));
          FillRandom(inter.data(), inter.size(), rng);
          std::vector<uint8_t> expected(static_cast<size_t>(out_width));
          HorizontalFilterRow_C(inter.data(), t.taps, nullptr, expected.data());
          variant.kernels.prepare_horizontal(t.taps, table);
          testing::GuardedBuffer<uint8_t> out(static_cast<size_t>(out_width));
          variant.kernels.horizontal(inter.data(), t.taps, table.data(), out.data());
          ASSERT_TRUE(std::equal(expected.begin(), expected.end(), out.data()));
        }
      }
    }
  }
}

TEST(HorizontalFilterRow, EveryVariantMatchesReferenceAtEveryUnalignedOffset) {
  std::mt19937 rng(22);
  for (const auto& variant : UsableVariants()) {
    AlignedArray<uint8_t> table;
    for (int offset = 0; offset < 65; ++offset) {
      SCOPED_TRACE(std::string(variant.kernels.isa) + " offset=" + std::to_string(offset));
      TestTaps t = MakeTaps(621, 2.07, 4, rng);
      std::vector<uint8_t> storage(static_cast<size_t>(t.inter_size + 64));
      FillRandom(storage.data(), storage.size(), rng);
      std::vector<uint8_t> expected(700, 5), actual(700, 5);
      HorizontalFilterRow_C(storage.data() + offset, t.taps, nullptr, expected.data() + offset % 17);
      variant.kernels.prepare_horizontal(t.taps, table);
      variant.kernels.horizontal(storage.data() + offset, t.taps, table.data(), actual.data() + offset % 17);
      ASSERT_EQ(actual, expected);  // includes the untouched bytes around the row
    }
  }
}

TEST(ScaleKernelDispatch, SelectionFollowsCpuMask) {
  const char* mask = std::getenv("TESSERA_CPU_MASK");
  const CpuFeatures hw = DetectCpuFeatures();
  const std::string m = mask != nullptr ? mask : "";
  std::string expected = hw.Has(kCpuAvx512Vbmi) ? "avx512vbmi"
                         : hw.Has(kCpuAvx512)   ? "avx512"
                         : hw.Has(kCpuAvx2)     ? "avx2"
                                                : "c";
  if (m == "c") expected = "c";
  if (m == "avx2") expected = hw.Has(kCpuAvx2) ? "avx2" : "c";
  if (m == "avx512" && expected == "avx512vbmi") expected = "avx512";
  EXPECT_EQ(SelectScaleKernels(GetCpuFeatures()).isa, expected) << "mask=" << m;
  EXPECT_STREQ(SelectScaleKernels(CpuFeatures(0)).isa, "c");
  EXPECT_STREQ(SelectScaleKernels(CpuFeatures(*ParseCpuMask("avx512"))).isa, "avx512");
  EXPECT_STREQ(SelectScaleKernels(CpuFeatures(*ParseCpuMask("avx512vbmi"))).isa, "avx512vbmi");
  EXPECT_STREQ(SelectScaleKernels(CpuFeatures(kCpuAvx512)).isa, "c");
}

}  // namespace
}  // namespace tessera::mixer

// PlaneScaler: the filters it builds (area when shrinking, bilinear when enlarging) behave
// like filters should, every kernel variant gives the same picture, and nothing is read
// outside the crop or past the end of the source.
#include "tessera/mixer/video/plane_scaler.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "tessera/testing/guarded_buffer.h"

namespace tessera::mixer {
namespace {

std::vector<ScaleKernelVariant> UsableVariants() {
  std::vector<ScaleKernelVariant> out;
  for (const auto& v : AllScaleKernelVariants()) {
    if ((GetCpuFeatures().bits() & v.required_features) == v.required_features) out.push_back(v);
  }
  return out;
}

struct Plane {
  int width = 0, height = 0, stride = 0;
  std::vector<uint8_t> pixels;
  Plane(int w, int h, uint8_t fill = 0)
      : width(w), height(h), stride(w + 3), pixels(static_cast<size_t>(stride) * h, fill) {}
  uint8_t& at(int x, int y) { return pixels[static_cast<size_t>(y) * stride + x]; }
  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * stride + x]; }
};

Plane Scale(const PlaneScaler& scaler, const Plane& src) {
  Plane dst(scaler.geometry().dst_width, scaler.geometry().dst_height, 0xEE);
  AlignedArray<uint8_t> scratch(scaler.scratch_bytes());
  scaler.ScaleRows(src.pixels.data(), src.stride, dst.pixels.data(), dst.stride, 0, dst.height, scratch.data());
  return dst;
}

Plane Random(int w, int h, uint32_t seed) {
  Plane p(w, h);
  std::mt19937 rng(seed);
  for (auto& v : p.pixels)
    v = static_cast<uint8_t>(rng());
  return p;
}

const PlaneScaleGeometry kGeometries[] = {
    WholePlane(1280, 720, 620, 348),              // 720p into a 3x3 tile with gutters
    WholePlane(1920, 1080, 620, 348),             // 1080p into the same tile
    WholePlane(640, 360, 952, 536),               // 360p enlarged into a 2x2 tile
    WholePlane(1280, 720, 640, 360),              // exactly 2:1
    WholePlane(1920, 1080, 30, 18),               // footprint wider than the filter limit
    WholePlane(7, 5, 3, 9),                       // odd, mixed directions
    WholePlane(1, 1, 17, 3),                      // a single pixel enlarged
    {1280, 720, 0, 1.25, 1280, 717.5, 618, 348},  // fractional crop to an exact aspect
    {640, 480, 80.5, 0, 479, 480, 320, 180},      // crop of a 4:3 source to 16:9 ... sideways
    {352, 288, 10, 20, 300, 200, 300, 200},       // whole-pixel crop at 1:1: a copy
};

TEST(PlaneScaler, RejectsEmptyAndOutOfBoundsGeometry) {
  PlaneScaler s;
  EXPECT_FALSE(s.Configure(WholePlane(0, 10, 5, 5)));
  EXPECT_FALSE(s.Configure(WholePlane(10, 10, 0, 5)));
  EXPECT_FALSE(s.Configure({10, 10, 5, 0, 6, 10, 4, 4}));   // crop leaves the plane
  EXPECT_FALSE(s.Configure({10, 10, -1, 0, 5, 10, 4, 4}));  // negative origin
  EXPECT_FALSE(s.Configure({10, 10, 0, 0, 0, 10, 4, 4}));   // empty crop
  EXPECT_FALSE(s.configured());
  EXPECT_TRUE(s.Configure(WholePlane(10, 10, 4, 4)));
  EXPECT_TRUE(s.configured());
}

TEST(PlaneScaler, FlatPictureStaysFlatAtEveryGeometry) {
  for (const auto& g : kGeometries) {
    for (uint8_t value : {0, 1, 16, 127, 128, 235, 255}) {
      PlaneScaler s;
      ASSERT_TRUE(s.Configure(g));
      const Plane dst = Scale(s, Plane(g.src_width, g.src_height, value));
      for (int y = 0; y < dst.height; ++y)
        for (int x = 0; x < dst.width; ++x)
          ASSERT_EQ(dst.at(x, y), value) << x << "," << y;
    }
  }
}

TEST(PlaneScaler, SameSizeWholePixelCropIsAnExactCopy) {
  PlaneScaler s;
  ASSERT_TRUE(s.Configure({352, 288, 10, 20, 300, 200, 300, 200}));
  EXPECT_TRUE(s.is_copy());
  const Plane src = Random(352, 288, 5);
  const Plane dst = Scale(s, src);
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 300; ++x)
      ASSERT_EQ(dst.at(x, y), src.at(x + 10, y + 20));
}

TEST(PlaneScaler, ExactHalvingAveragesTwoByTwoBlocks) {
  PlaneScaler s;
  ASSERT_TRUE(s.Configure(WholePlane(64, 32, 32, 16)));
  EXPECT_EQ(s.horizontal_taps(), 2);
  const Plane src = Random(64, 32, 6);
  const Plane dst = Scale(s, src);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 32; ++x) {
      const int sum =
          src.at(2 * x, 2 * y) + src.at(2 * x + 1, 2 * y) + src.at(2 * x, 2 * y + 1) + src.at(2 * x + 1, 2 * y + 1);
      // Two roundings (one per pass) put the result within one level of the exact mean.
      ASSERT_NEAR(dst.at(x, y), sum / 4.0, 1.0) << x << "," << y;
    }
  }
}

TEST(PlaneScaler, AreaFilterAveragesTheFootprintAtNonIntegerRatios) {
  // A 1-pixel-wide white line every 4 columns, shrunk 2.07:1. Each output covers 2.07
  // source pixels, so it holds at most one whole line pixel: never brighter than 255 / 2.07
  // (point sampling or 2-tap bilinear would show some lines at full 255 and lose others),
  // and the mean brightness is kept.
  Plane src(1280, 8);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 1280; x += 4)
      src.at(x, y) = 255;
  PlaneScaler s;
  ASSERT_TRUE(s.Configure(WholePlane(1280, 8, 620, 4)));
  const Plane dst = Scale(s, src);
  double sum = 0;
  for (int x = 0; x < 620; ++x) {
    ASSERT_LE(dst.at(x, 1), 255 / 2.07 + 1) << x;
    sum += dst.at(x, 1);
  }
  EXPECT_NEAR(sum / 620, 255 / 4.0, 1.0);
}

TEST(PlaneScaler, HorizontalRampStaysMonotonicWhenShrinkingAndEnlarging) {
  for (const auto& g : {WholePlane(1280, 4, 620, 4), WholePlane(200, 4, 953, 4), WholePlane(256, 2, 255, 2)}) {
    Plane src(g.src_width, g.src_height);
    for (int y = 0; y < g.src_height; ++y)
      for (int x = 0; x < g.src_width; ++x)
        src.at(x, y) = static_cast<uint8_t>(x * 255 / (g.src_width - 1));
    PlaneScaler s;
    ASSERT_TRUE(s.Configure(g));
    const Plane dst = Scale(s, src);
    for (int x = 1; x < dst.width; ++x)
      ASSERT_GE(dst.at(x, 1), dst.at(x - 1, 1)) << x;
    EXPECT_LE(dst.at(0, 1), 2);
    EXPECT_GE(dst.at(dst.width - 1, 1), 253);
  }
}

TEST(PlaneScaler, NothingOutsideTheCropReachesTheOutput) {
  // The crop holds 200; everything around it 0. Any tap outside the crop would darken an edge.
  for (const PlaneScaleGeometry g : {PlaneScaleGeometry{300, 200, 40, 30, 101, 77, 250, 160},
                                     PlaneScaleGeometry{300, 200, 40.5, 30.25, 101, 77, 33, 21},
                                     PlaneScaleGeometry{300, 200, 39.75, 29.5, 100.5, 78, 101, 78}}) {
    Plane src(300, 200, 0);
    const int x0 = static_cast<int>(g.crop_x), y0 = static_cast<int>(g.crop_y);
    const int x1 = static_cast<int>(std::ceil(g.crop_x + g.crop_width));
    const int y1 = static_cast<int>(std::ceil(g.crop_y + g.crop_height));
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x)
        src.at(x, y) = 200;
    PlaneScaler s;
    ASSERT_TRUE(s.Configure(g));
    const Plane dst = Scale(s, src);
    for (int y = 0; y < dst.height; ++y)
      for (int x = 0; x < dst.width; ++x)
        ASSERT_EQ(dst.at(x, y), 200) << x << "," << y;
  }
}

TEST(PlaneScaler, EveryVariantGivesTheReferencePictureAndReadsNothingPastTheSource) {
  const ScaleKernels reference = AllScaleKernelVariants()[0].kernels;
  for (const auto& g : kGeometries) {
    // Source rows packed with stride == width in a buffer that ends on a guard page.
    testing::GuardedBuffer<uint8_t> src(static_cast<size_t>(g.src_width) * g.src_height);
    std::mt19937 rng(static_cast<uint32_t>(g.src_width * 31 + g.dst_width));
    for (size_t i = 0; i < src.size(); ++i)
      src.data()[i] = static_cast<uint8_t>(rng());
    std::vector<uint8_t> expected(static_cast<size_t>(g.dst_width) * g.dst_height);
    PlaneScaler ref(reference);
    ASSERT_TRUE(ref.Configure(g));
    AlignedArray<uint8_t> scratch(ref.scratch_bytes());
    ref.ScaleRows(src.data(), g.src_width, expected.data(), g.dst_width, 0, g.dst_height, scratch.data());
    for (const auto& variant : UsableVariants()) {
      SCOPED_TRACE(std::string(variant.kernels.isa) + " " + std::to_string(g.src_width) + "x" +
                   std::to_string(g.src_height) + " -> " + std::to_string(g.dst_width) + "x" +
                   std::to_string(g.dst_height));
      PlaneScaler s(variant.kernels);
      ASSERT_TRUE(s.Configure(g));
      scratch.Resize(s.scratch_bytes());
      testing::GuardedBuffer<uint8_t> dst(static_cast<size_t>(g.dst_width) * g.dst_height);
      // In three bands, as the compositor splits a tile across threads.
      const int a = g.dst_height / 3 & ~1, b = 2 * g.dst_height / 3 & ~1;
      s.ScaleRows(src.data(), g.src_width, dst.data(), g.dst_width, 0, a, scratch.data());
      s.ScaleRows(src.data(), g.src_width, dst.data(), g.dst_width, a, b, scratch.data());
      s.ScaleRows(src.data(), g.src_width, dst.data(), g.dst_width, b, g.dst_height, scratch.data());
      ASSERT_TRUE(std::equal(expected.begin(), expected.end(), dst.data()));
    }
  }
}

TEST(PlaneScaler, ReconfiguringToAGeometrySeenBeforeKeepsItsStorage) {
  PlaneScaler s;
  ASSERT_TRUE(s.Configure(WholePlane(1920, 1080, 640, 360)));
  ASSERT_TRUE(s.Configure(WholePlane(1280, 720, 620, 348)));
  const Plane src = Random(1280, 720, 9);
  const Plane first = Scale(s, src);
  ASSERT_TRUE(s.Configure(WholePlane(1920, 1080, 640, 360)));
  ASSERT_TRUE(s.Configure(WholePlane(1280, 720, 620, 348)));
  const Plane second = Scale(s, src);
  EXPECT_EQ(first.pixels, second.pixels);
}

}  // namespace
}  // namespace tessera::mixer

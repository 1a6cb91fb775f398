#include "tessera/base/video_frame.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace tessera {
namespace {

TEST(I420Buffer, PlanesAndRowsAre64ByteAligned) {
  for (int w : {1, 2, 63, 64, 65, 1279, 1920}) {
    I420Buffer b(w, 7);
    const I420MutableView v = b.view();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(v.y) % 64, 0u) << w;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(v.u) % 64, 0u) << w;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(v.v) % 64, 0u) << w;
    EXPECT_EQ(v.stride_y % 64, 0) << w;
    EXPECT_GE(v.stride_y, w);
    EXPECT_GE(v.stride_u, (w + 1) / 2);
    EXPECT_EQ(v.chroma_height(), 4);
  }
}

TEST(I420Buffer, PlanesDoNotOverlap) {
  I420Buffer b(33, 17);
  I420MutableView v = b.view();
  // Fill each plane completely with its own value; none may overwrite another.
  for (int r = 0; r < v.height; ++r)
    std::fill_n(v.y + r * v.stride_y, v.width, uint8_t{1});
  for (int r = 0; r < v.chroma_height(); ++r)
    std::fill_n(v.u + r * v.stride_u, v.chroma_width(), uint8_t{2});
  for (int r = 0; r < v.chroma_height(); ++r)
    std::fill_n(v.v + r * v.stride_v, v.chroma_width(), uint8_t{3});
  EXPECT_EQ(v.y[(v.height - 1) * v.stride_y + v.width - 1], 1);
  EXPECT_EQ(v.u[0], 2);
  EXPECT_EQ(v.u[(v.chroma_height() - 1) * v.stride_u + v.chroma_width() - 1], 2);
  EXPECT_EQ(v.v[0], 3);
}

TEST(I420MutableView, SubRectAddressesTheTileInEveryPlane) {
  I420Buffer b(64, 32);
  const I420MutableView canvas = b.view();
  const I420MutableView tile = canvas.SubRect(10, 4, 20, 8);
  EXPECT_EQ(tile.y, canvas.y + 4 * canvas.stride_y + 10);
  EXPECT_EQ(tile.u, canvas.u + 2 * canvas.stride_u + 5);
  EXPECT_EQ(tile.v, canvas.v + 2 * canvas.stride_v + 5);
  EXPECT_EQ(tile.width, 20);
  EXPECT_EQ(tile.height, 8);
  EXPECT_EQ(tile.stride_y, canvas.stride_y);
  EXPECT_FALSE(tile.AsConst().empty());
  EXPECT_TRUE(I420View{}.empty());
}

}  // namespace
}  // namespace tessera

#include "tessera/codecs_testing/synthetic_video.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace tessera::codecs_testing {

SyntheticVideo::SyntheticVideo(int width, int height, uint32_t seed)
    : width_(width),
      height_(height),
      texture_width_(width + kPan),
      texture_height_(height + kPan),
      block_size_(std::max(16, std::min(width, height) / 5) & ~1) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> detail(-14, 14);
  y_.resize(static_cast<size_t>(texture_width_) * texture_height_);
  const int cw = (texture_width_ + 1) / 2, ch = (texture_height_ + 1) / 2;
  u_.resize(static_cast<size_t>(cw) * ch);
  v_.resize(u_.size());
  // Smooth waves plus fixed fine detail in 4x4 cells: compressible, but not free.
  std::vector<int> cells(static_cast<size_t>((texture_width_ / 4 + 1) * (texture_height_ / 4 + 1)));
  for (int& c : cells)
    c = detail(rng);
  const int cells_per_row = texture_width_ / 4 + 1;
  for (int yy = 0; yy < texture_height_; ++yy) {
    for (int xx = 0; xx < texture_width_; ++xx) {
      const double wave = 50.0 * std::sin(xx / 37.0) * std::cos(yy / 29.0) + 30.0 * std::sin((xx + 2 * yy) / 71.0);
      const int value = 128 + static_cast<int>(wave) + cells[static_cast<size_t>((yy / 4) * cells_per_row + xx / 4)];
      y_[static_cast<size_t>(yy) * texture_width_ + xx] = static_cast<uint8_t>(std::clamp(value, 16, 235));
    }
  }
  for (int yy = 0; yy < ch; ++yy) {
    for (int xx = 0; xx < cw; ++xx) {
      u_[static_cast<size_t>(yy) * cw + xx] = static_cast<uint8_t>(128 + 40 * std::sin(xx / 23.0 + yy / 41.0));
      v_[static_cast<size_t>(yy) * cw + xx] = static_cast<uint8_t>(128 + 40 * std::cos(xx / 31.0 - yy / 19.0));
    }
  }
  block_.resize(static_cast<size_t>(block_size_) * block_size_);
  for (int yy = 0; yy < block_size_; ++yy)
    for (int xx = 0; xx < block_size_; ++xx)
      block_[static_cast<size_t>(yy) * block_size_ + xx] =
          static_cast<uint8_t>(((xx / 8 + yy / 8) % 2 ? 200 : 60) + detail(rng));
}

void SyntheticVideo::Render(int index, const I420MutableView& out) const {
  // Pan: 2 px/frame right, 1 px/frame down, bouncing inside the texture margin.
  auto bounce = [](int t, int range) {
    const int period = 2 * range;
    const int p = t % period;
    return p < range ? p : period - p;
  };
  const int ox = bounce(index * 2, kPan) & ~1, oy = bounce(index, kPan) & ~1;
  for (int r = 0; r < height_; ++r)
    std::memcpy(out.y + static_cast<ptrdiff_t>(r) * out.stride_y,
                &y_[static_cast<size_t>(r + oy) * texture_width_ + ox], static_cast<size_t>(width_));
  const int cw = (texture_width_ + 1) / 2;
  for (int r = 0; r < out.chroma_height(); ++r) {
    std::memcpy(out.u + static_cast<ptrdiff_t>(r) * out.stride_u, &u_[static_cast<size_t>(r + oy / 2) * cw + ox / 2],
                static_cast<size_t>(out.chroma_width()));
    std::memcpy(out.v + static_cast<ptrdiff_t>(r) * out.stride_v, &v_[static_cast<size_t>(r + oy / 2) * cw + ox / 2],
                static_cast<size_t>(out.chroma_width()));
  }
  // Three blocks crossing the picture at different speeds and directions.
  const int travel_x = std::max(1, width_ - block_size_), travel_y = std::max(1, height_ - block_size_);
  const int positions[3][2] = {{bounce(index * 5, travel_x), bounce(index * 3, travel_y)},
                               {bounce(index * 3 + travel_x / 2, travel_x), bounce(index * 4 + 17, travel_y)},
                               {bounce(index * 7 + 31, travel_x), bounce(index * 2 + travel_y / 3, travel_y)}};
  for (const auto& p : positions)
    for (int r = 0; r < block_size_ && p[1] + r < height_; ++r)
      std::memcpy(out.y + static_cast<ptrdiff_t>(p[1] + r) * out.stride_y + p[0],
                  &block_[static_cast<size_t>(r) * block_size_],
                  static_cast<size_t>(std::min(block_size_, width_ - p[0])));
}

std::vector<I420Buffer> RenderFrames(const SyntheticVideo& video, int first, int count) {
  std::vector<I420Buffer> frames;
  frames.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    frames.emplace_back(video.width(), video.height());
    video.Render(first + i, frames.back().view());
  }
  return frames;
}

}  // namespace tessera::codecs_testing

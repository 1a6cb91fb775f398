#pragma once
// A deterministic moving picture for encoder tests and benchmarks: a textured background
// panning slowly (global motion, detail for the encoder to spend bits on) with three
// textured blocks moving across it (local motion). It behaves like camera content for rate
// control, unlike noise (incompressible) or a still (free). Rendering is a window copy plus
// three small blits, so generating 720p costs far less than encoding it.
//
// Thread safety: Render is const; one instance may feed several threads.

#include <cstdint>
#include <vector>

#include "tessera/base/video_frame.h"

namespace tessera::codecs_testing {

class SyntheticVideo {
 public:
  SyntheticVideo(int width, int height, uint32_t seed = 1);

  // Draws picture number `index` into `out` (which must be width x height).
  void Render(int index, const I420MutableView& out) const;

  int width() const { return width_; }
  int height() const { return height_; }

 private:
  static constexpr int kPan = 256;  // background is this much larger than the picture
  int width_;
  int height_;
  int texture_width_;
  int texture_height_;
  std::vector<uint8_t> y_, u_, v_;  // background texture planes
  std::vector<uint8_t> block_;      // one textured luma block, drawn three times
  int block_size_;
};

// Renders `count` consecutive pictures once, so benchmarks measure the codec, not this.
std::vector<I420Buffer> RenderFrames(const SyntheticVideo& video, int first, int count);

}  // namespace tessera::codecs_testing

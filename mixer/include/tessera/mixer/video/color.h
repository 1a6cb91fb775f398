#pragma once
// Colours for the compositor: configured as RGB, painted as BT.601 limited-range YUV (what
// the encoders signal for the canvas).

#include <cstdint>

namespace tessera::mixer {

struct Rgb {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
  bool operator==(const Rgb&) const = default;
};

struct Yuv {
  uint8_t y = 16;
  uint8_t u = 128;
  uint8_t v = 128;
  bool operator==(const Yuv&) const = default;
};

Yuv RgbToYuv(Rgb rgb);

}  // namespace tessera::mixer

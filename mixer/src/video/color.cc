#include "tessera/mixer/video/color.h"

#include <algorithm>
#include <cmath>

namespace tessera::mixer {

Yuv RgbToYuv(Rgb c) {
  const double r = c.r, g = c.g, b = c.b;
  auto to_byte = [](double v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)); };
  return {to_byte(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
          to_byte(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255),
          to_byte(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255)};
}

}  // namespace tessera::mixer

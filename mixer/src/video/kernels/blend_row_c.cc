// Scalar reference of the overlay blend (see blend_kernels.h).
#include "tessera/mixer/video/kernels/blend_kernels.h"

namespace tessera::mixer {

void BlendRow_C(const uint8_t* color, const uint8_t* alpha, uint8_t* dst, int n) {
  for (int x = 0; x < n; ++x) {
    const uint32_t t = uint32_t{dst[x]} * (255u - alpha[x]) + uint32_t{color[x]} * alpha[x] + 128u;
    dst[x] = static_cast<uint8_t>((t + (t >> 8)) >> 8);
  }
}

}  // namespace tessera::mixer

// Scalar reference: the specification the SIMD variants are tested against.
#include <algorithm>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {

void AddSaturateS16_C(const int16_t* src, int16_t* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t sum = int32_t{dst[i]} + int32_t{src[i]};
    dst[i] = static_cast<int16_t>(std::clamp<int32_t>(sum, INT16_MIN, INT16_MAX));
  }
}

}  // namespace tessera::mixer

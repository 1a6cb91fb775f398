// Scalar reference of the plane scaling kernels: the specification the SIMD variants are
// tested against (see scale_kernels.h for the arithmetic).
#include "tessera/mixer/video/kernels/scale_kernels.h"

namespace tessera::mixer {

void VerticalFilterRow_C(const uint8_t* const* rows, const uint8_t* weights, int taps, uint8_t* inter, int width,
                         const RowPrefetch&) {
  for (int x = 0; x < width; ++x) {
    int32_t acc = 64;
    for (int k = 0; k < taps; ++k)
      acc += int32_t{weights[k]} * rows[k][x];
    inter[x] = static_cast<uint8_t>(acc >> 7);
  }
}

void PrepareHorizontal_C(const HorizontalTaps&, AlignedArray<uint8_t>& table) {
  table.Clear();
}

void HorizontalFilterRow_C(const uint8_t* inter, const HorizontalTaps& taps, const uint8_t*, uint8_t* out) {
  for (int x = 0; x < taps.out_width; ++x) {
    const int32_t* positions = taps.positions + static_cast<ptrdiff_t>(x) * taps.taps;
    const uint8_t* weights = taps.weights + static_cast<ptrdiff_t>(x) * taps.taps;
    int32_t acc = 64;
    for (int k = 0; k < taps.taps; ++k)
      acc += int32_t{weights[k]} * inter[positions[k]];
    out[x] = static_cast<uint8_t>(acc >> 7);
  }
}

}  // namespace tessera::mixer

#pragma once
// Alpha blending of pre-rendered overlays (name labels, placeholder initials) onto the
// canvas, one row at a time (style.md practices 1-2):
//
//   t      = dst[x] * (255 - alpha[x]) + color[x] * alpha[x]          (t <= 255 * 255)
//   dst[x] = (t + 128 + ((t + 128) >> 8)) >> 8                         (= round(t / 255))
//
// The _C function is the specification; every variant matches it bit for bit (tested at
// awkward widths, unaligned pointers and guard pages, under each TESSERA_CPU_MASK).
// Pure functions: any thread, no allocation.

#include <cstdint>
#include <span>

#include "tessera/base/cpu_features.h"

namespace tessera::mixer {

// Reads color, alpha and dst for exactly n bytes and writes dst for exactly n bytes.
using BlendRowFn = void (*)(const uint8_t* color, const uint8_t* alpha, uint8_t* dst, int n);

void BlendRow_C(const uint8_t* color, const uint8_t* alpha, uint8_t* dst, int n);
void BlendRow_AVX2(const uint8_t* color, const uint8_t* alpha, uint8_t* dst, int n);
void BlendRow_AVX512(const uint8_t* color, const uint8_t* alpha, uint8_t* dst, int n);

struct BlendKernels {
  const char* isa = "c";
  BlendRowFn blend_row = BlendRow_C;
};

BlendKernels SelectBlendKernels(CpuFeatures features);

struct BlendKernelVariant {
  uint32_t required_features;
  BlendKernels kernels;
};
std::span<const BlendKernelVariant> AllBlendKernelVariants();

}  // namespace tessera::mixer

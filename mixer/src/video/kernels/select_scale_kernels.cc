#include <array>

#include "tessera/mixer/video/kernels/scale_kernels.h"

namespace tessera::mixer {
namespace {

// Slowest first; SelectScaleKernels takes the last one the features allow. AVX-512 without
// VBMI (Skylake-SP, Cascade Lake) has no byte permute across a register, so it pairs the
// AVX-512 vertical pass with the AVX2 horizontal one.
constexpr std::array kVariants = {
    ScaleKernelVariant{0, ScaleKernels{"c", VerticalFilterRow_C, PrepareHorizontal_C, HorizontalFilterRow_C}},
    ScaleKernelVariant{kCpuAvx2,
                       ScaleKernels{"avx2", VerticalFilterRow_AVX2, PrepareHorizontal_AVX2, HorizontalFilterRow_AVX2}},
    ScaleKernelVariant{kCpuAvx512 | kCpuAvx2, ScaleKernels{"avx512", VerticalFilterRow_AVX512, PrepareHorizontal_AVX2,
                                                           HorizontalFilterRow_AVX2}},
    ScaleKernelVariant{kCpuAvx512Vbmi | kCpuAvx512 | kCpuAvx2,
                       ScaleKernels{"avx512vbmi", VerticalFilterRow_AVX512, PrepareHorizontal_AVX512VBMI,
                                    HorizontalFilterRow_AVX512VBMI}},
};

}  // namespace

ScaleKernels SelectScaleKernels(CpuFeatures features) {
  ScaleKernels best = kVariants[0].kernels;
  for (const auto& v : kVariants) {
    if ((features.bits() & v.required_features) == v.required_features) best = v.kernels;
  }
  return best;
}

std::span<const ScaleKernelVariant> AllScaleKernelVariants() {
  return kVariants;
}

}  // namespace tessera::mixer

#include <array>

#include "tessera/mixer/video/kernels/blend_kernels.h"

namespace tessera::mixer {
namespace {

// Slowest first; SelectBlendKernels takes the last one the features allow.
constexpr std::array kVariants = {
    BlendKernelVariant{0, BlendKernels{"c", BlendRow_C}},
    BlendKernelVariant{kCpuAvx2, BlendKernels{"avx2", BlendRow_AVX2}},
    BlendKernelVariant{kCpuAvx512 | kCpuAvx2, BlendKernels{"avx512", BlendRow_AVX512}},
};

}  // namespace

BlendKernels SelectBlendKernels(CpuFeatures features) {
  BlendKernels best = kVariants[0].kernels;
  for (const auto& v : kVariants) {
    if ((features.bits() & v.required_features) == v.required_features) best = v.kernels;
  }
  return best;
}

std::span<const BlendKernelVariant> AllBlendKernelVariants() {
  return kVariants;
}

}  // namespace tessera::mixer

#include <array>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {
namespace {

// Slowest first; SelectAudioKernels takes the last one the features allow.
constexpr std::array kVariants = {
    AudioKernelVariant{0, AudioKernels{"c", AddSaturateS16_C}},
    AudioKernelVariant{kCpuAvx2, AudioKernels{"avx2", AddSaturateS16_AVX2}},
    AudioKernelVariant{kCpuAvx512 | kCpuAvx2, AudioKernels{"avx512", AddSaturateS16_AVX512}},
};

}  // namespace

AudioKernels SelectAudioKernels(CpuFeatures features) {
  AudioKernels best = kVariants[0].kernels;
  for (const auto& v : kVariants) {
    if ((features.bits() & v.required_features) == v.required_features) best = v.kernels;
  }
  return best;
}

std::span<const AudioKernelVariant> AllAudioKernelVariants() {
  return kVariants;
}

}  // namespace tessera::mixer

#include <array>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {
namespace {

// Slowest first; SelectAudioKernels takes the last one the features allow.
constexpr std::array kVariants = {
    AudioKernelVariant{0, AudioKernels{"c", AddSaturateS16_C, SumSquaresS16_C, ScaleS16ToS32_C, AddS32_C, PeakAbsS32_C,
                                       LimitS32ToS16_C}},
    AudioKernelVariant{kCpuAvx2, AudioKernels{"avx2", AddSaturateS16_AVX2, SumSquaresS16_AVX2, ScaleS16ToS32_AVX2,
                                              AddS32_AVX2, PeakAbsS32_AVX2, LimitS32ToS16_AVX2}},
    AudioKernelVariant{kCpuAvx512 | kCpuAvx2,
                       AudioKernels{"avx512", AddSaturateS16_AVX512, SumSquaresS16_AVX512, ScaleS16ToS32_AVX512,
                                    AddS32_AVX512, PeakAbsS32_AVX512, LimitS32ToS16_AVX512}},
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

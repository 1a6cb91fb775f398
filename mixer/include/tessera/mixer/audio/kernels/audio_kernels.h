#pragma once
// Audio SIMD kernels (style.md practices 1-2). The _C function of each kernel is its
// specification; per-ISA variants must match it bit for bit, which the kernel tests check
// over awkward lengths, unaligned pointers and guard pages.
//
// Pick the kernels once, when a mixer is built: SelectAudioKernels(GetCpuFeatures()).
// Kernels are pure functions: any thread, no allocation, no state.
//
// Buffers should start on 64-byte boundaries (kAudioBufferAlignment): every kernel works on
// any alignment, but an unaligned 32- or 64-byte access splits a cache line and costs about
// twice as much (measured: AVX-512 frame-add 15 ns aligned, 32 ns at a 16-byte offset).

#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/base/cpu_features.h"

namespace tessera::mixer {

inline constexpr size_t kAudioBufferAlignment = 64;

// dst[i] = saturate_int16(dst[i] + src[i]) for i in [0, n). src and dst may not overlap
// partially (identical pointers are allowed).
using AddSaturateS16Fn = void (*)(const int16_t* src, int16_t* dst, size_t n);

void AddSaturateS16_C(const int16_t* src, int16_t* dst, size_t n);
void AddSaturateS16_AVX2(const int16_t* src, int16_t* dst, size_t n);
void AddSaturateS16_AVX512(const int16_t* src, int16_t* dst, size_t n);

struct AudioKernels {
  const char* isa = "c";  // which variant was picked: "c", "avx2", "avx512"
  AddSaturateS16Fn add_saturate_s16 = AddSaturateS16_C;
};

// The fastest variant the given features allow.
AudioKernels SelectAudioKernels(CpuFeatures features);

// Every variant compiled into this build and the features it needs (0 for C); tests and
// benchmarks iterate over these and skip what the CPU (or TESSERA_CPU_MASK) rules out.
struct AudioKernelVariant {
  uint32_t required_features;
  AudioKernels kernels;
};
std::span<const AudioKernelVariant> AllAudioKernelVariants();

}  // namespace tessera::mixer

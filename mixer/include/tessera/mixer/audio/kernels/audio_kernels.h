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
//
// The mixer's arithmetic (audio_mixer.h) in these terms: each mixed source's contribution
// is ScaleS16ToS32(samples, source gain); the total is their sum (AddS32); every output is
// LimitS32ToS16(total minus the listener's own contribution, limiter gain). Integer only,
// so total minus own removes a talker's voice exactly.

#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/base/cpu_features.h"

namespace tessera::mixer {

inline constexpr size_t kAudioBufferAlignment = 64;

// dst[i] = saturate_int16(dst[i] + src[i]) for i in [0, n). src and dst may not overlap
// partially (identical pointers are allowed).
using AddSaturateS16Fn = void (*)(const int16_t* src, int16_t* dst, size_t n);

// sum of src[i]^2 over [0, n), exact (the frame energy used for voice activity).
using SumSquaresS16Fn = uint64_t (*)(const int16_t* src, size_t n);

// A gain that moves linearly from `from` to `to` across a frame (equal: constant):
//   g[i] = from + (((to - from) * ramp[i]) >> 15)
// with ramp[i] = round(32768 * (i + 1) / n) (MakeGainRamp), so g[n - 1] == to. Both the
// product and the gains fit int32 for every gain below 2^15.
struct GainRamp {
  int32_t from = 0;
  int32_t to = 0;
  const int32_t* ramp = nullptr;  // n entries; only read when from != to
};
void MakeGainRamp(int32_t* ramp, size_t n);

// Source gains are Q12 (4096 = unity, at most 32767 = +18 dB):
//   out[i] = (src[i] * g[i] + 2048) >> 12
using ScaleS16ToS32Fn = void (*)(const int16_t* src, int32_t* out, size_t n, const GainRamp& gain);
inline constexpr int32_t kUnityGainQ12 = 4096;

// acc[i] += src[i] (the caller keeps sums within int32: 16 sources at +18 dB stay < 2^23).
using AddS32Fn = void (*)(const int32_t* src, int32_t* acc, size_t n);

// max |total[i] - minus[i]| over [0, n) (minus may be null: max |total[i]|); 0 when n == 0.
using PeakAbsS32Fn = int32_t (*)(const int32_t* total, const int32_t* minus, size_t n);

// Limiter gains are Q15 (32768 = unity). With v = total[i] - minus[i] (minus may be null):
//   out[i] = saturate_int16((int64(v) * g[i] + 16384) >> 15)
using LimitS32ToS16Fn = void (*)(const int32_t* total, const int32_t* minus, int16_t* out, size_t n,
                                 const GainRamp& gain);
inline constexpr int32_t kUnityGainQ15 = 32768;

void AddSaturateS16_C(const int16_t* src, int16_t* dst, size_t n);
void AddSaturateS16_AVX2(const int16_t* src, int16_t* dst, size_t n);
void AddSaturateS16_AVX512(const int16_t* src, int16_t* dst, size_t n);

uint64_t SumSquaresS16_C(const int16_t* src, size_t n);
uint64_t SumSquaresS16_AVX2(const int16_t* src, size_t n);
uint64_t SumSquaresS16_AVX512(const int16_t* src, size_t n);

void ScaleS16ToS32_C(const int16_t* src, int32_t* out, size_t n, const GainRamp& gain);
void ScaleS16ToS32_AVX2(const int16_t* src, int32_t* out, size_t n, const GainRamp& gain);
void ScaleS16ToS32_AVX512(const int16_t* src, int32_t* out, size_t n, const GainRamp& gain);

void AddS32_C(const int32_t* src, int32_t* acc, size_t n);
void AddS32_AVX2(const int32_t* src, int32_t* acc, size_t n);
void AddS32_AVX512(const int32_t* src, int32_t* acc, size_t n);

int32_t PeakAbsS32_C(const int32_t* total, const int32_t* minus, size_t n);
int32_t PeakAbsS32_AVX2(const int32_t* total, const int32_t* minus, size_t n);
int32_t PeakAbsS32_AVX512(const int32_t* total, const int32_t* minus, size_t n);

void LimitS32ToS16_C(const int32_t* total, const int32_t* minus, int16_t* out, size_t n, const GainRamp& gain);
void LimitS32ToS16_AVX2(const int32_t* total, const int32_t* minus, int16_t* out, size_t n, const GainRamp& gain);
void LimitS32ToS16_AVX512(const int32_t* total, const int32_t* minus, int16_t* out, size_t n, const GainRamp& gain);

struct AudioKernels {
  const char* isa = "c";  // which variant was picked: "c", "avx2", "avx512"
  AddSaturateS16Fn add_saturate_s16 = AddSaturateS16_C;
  SumSquaresS16Fn sum_squares_s16 = SumSquaresS16_C;
  ScaleS16ToS32Fn scale_s16_to_s32 = ScaleS16ToS32_C;
  AddS32Fn add_s32 = AddS32_C;
  PeakAbsS32Fn peak_abs_s32 = PeakAbsS32_C;
  LimitS32ToS16Fn limit_s32_to_s16 = LimitS32ToS16_C;
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

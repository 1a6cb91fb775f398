// AVX2 mixing kernels (specification in audio_kernels.h and mix_kernels_c.cc). Eight or
// sixteen samples per iteration; the last n % 8 (or % 16) go through the C reference.
// Compiled with TESSERA_FLAGS_AVX2 only; reached only when the CPU has AVX2.
#include <immintrin.h>

#include <algorithm>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {
namespace {

inline __m256i Load(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

// g[i..i+7] of a ramp (or the constant gain).
inline __m256i Gains(const GainRamp& g, size_t i) {
  if (g.from == g.to) return _mm256_set1_epi32(g.from);
  const __m256i step = _mm256_srai_epi32(_mm256_mullo_epi32(_mm256_set1_epi32(g.to - g.from), Load(g.ramp + i)), 15);
  return _mm256_add_epi32(_mm256_set1_epi32(g.from), step);
}

GainRamp Tail(const GainRamp& g, size_t i) {
  return {g.from, g.to, g.ramp != nullptr ? g.ramp + i : nullptr};
}

}  // namespace

// vpmaddwd squares and adds sample pairs; a pair sum can reach 2^31, so it is taken as
// unsigned 32-bit and its halves accumulate in 64-bit lanes.
uint64_t SumSquaresS16_AVX2(const int16_t* src, size_t n) {
  const __m256i low32 = _mm256_set1_epi64x(0xffffffff);
  __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i s = Load(src + i);
    const __m256i sq = _mm256_madd_epi16(s, s);
    acc0 = _mm256_add_epi64(acc0, _mm256_and_si256(sq, low32));
    acc1 = _mm256_add_epi64(acc1, _mm256_srli_epi64(sq, 32));
  }
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), _mm256_add_epi64(acc0, acc1));
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + SumSquaresS16_C(src + i, n - i);
}

void ScaleS16ToS32_AVX2(const int16_t* src, int32_t* out, size_t n, const GainRamp& gain) {
  const __m256i round = _mm256_set1_epi32(2048);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i s = _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
    const __m256i v = _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(s, Gains(gain, i)), round), 12);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), v);
  }
  if (i < n) ScaleS16ToS32_C(src + i, out + i, n - i, Tail(gain, i));
}

void AddS32_AVX2(const int32_t* src, int32_t* acc, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + i), _mm256_add_epi32(Load(acc + i), Load(src + i)));
  }
  if (i < n) AddS32_C(src + i, acc + i, n - i);
}

int32_t PeakAbsS32_AVX2(const int32_t* total, const int32_t* minus, size_t n) {
  __m256i peak = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i v = Load(total + i);
    if (minus != nullptr) v = _mm256_sub_epi32(v, Load(minus + i));
    peak = _mm256_max_epu32(peak, _mm256_abs_epi32(v));  // |INT32_MIN| as unsigned, like std::abs in range
  }
  alignas(32) int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), peak);
  int32_t best = PeakAbsS32_C(total + i, minus != nullptr ? minus + i : nullptr, n - i);
  for (int32_t l : lanes)
    best = std::max(best, l);
  return best;
}

// (v * g + 2^14) >> 15 in 64 bits with vpmuldq on even and odd lanes. Only the low 32 bits of
// the shifted product are kept, which a logical shift gets right (the result fits int32 for
// any int32 v and g <= 2^15); vpackssdw then saturates to int16 as the reference clamps.
void LimitS32ToS16_AVX2(const int32_t* total, const int32_t* minus, int16_t* out, size_t n, const GainRamp& gain) {
  const __m256i round = _mm256_set1_epi64x(16384);
  auto limit8 = [&](size_t i) {
    __m256i v = Load(total + i);
    if (minus != nullptr) v = _mm256_sub_epi32(v, Load(minus + i));
    const __m256i g = Gains(gain, i);
    const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(v, g), round), 15);
    const __m256i odd = _mm256_srli_epi64(
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(v, 32), _mm256_srli_epi64(g, 32)), round), 15);
    return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  };
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i packed = _mm256_packs_epi32(limit8(i), limit8(i + 8));  // per lane: 4 of a, 4 of b
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_permute4x64_epi64(packed, 0xD8));
  }
  if (i < n) LimitS32ToS16_C(total + i, minus != nullptr ? minus + i : nullptr, out + i, n - i, Tail(gain, i));
}

}  // namespace tessera::mixer

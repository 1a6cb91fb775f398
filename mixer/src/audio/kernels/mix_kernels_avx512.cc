// AVX-512 mixing kernels (specification in audio_kernels.h and mix_kernels_c.cc). Sixteen
// or thirty-two samples per iteration with masked tails, which read and write nothing past
// n (safe on a guard page). Compiled with TESSERA_FLAGS_AVX512 only.
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 flags the deliberately undefined vector inside _mm512_undefined_epi32(), which
// unmasked AVX-512 intrinsics (and the _mm512_reduce_* helpers) pass as their merge
// source: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include <algorithm>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {
namespace {

inline __mmask16 First16(size_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << n) - 1);
}
inline __mmask32 First32(size_t n) {
  return n >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((uint64_t{1} << n) - 1);
}

// g[i..i+15] of a ramp (or the constant gain); masked lanes read nothing.
inline __m512i Gains(const GainRamp& g, size_t i, __mmask16 m) {
  if (g.from == g.to) return _mm512_set1_epi32(g.from);
  const __m512i r = _mm512_maskz_loadu_epi32(m, g.ramp + i);
  return _mm512_add_epi32(_mm512_set1_epi32(g.from),
                          _mm512_srai_epi32(_mm512_mullo_epi32(_mm512_set1_epi32(g.to - g.from), r), 15));
}

}  // namespace

uint64_t SumSquaresS16_AVX512(const int16_t* src, size_t n) {
  const __m512i low32 = _mm512_set1_epi64(0xffffffff);
  __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
  for (size_t i = 0; i < n; i += 32) {
    const __m512i s = _mm512_maskz_loadu_epi16(First32(n - i), src + i);
    const __m512i sq = _mm512_madd_epi16(s, s);  // pair sums up to 2^31: unsigned 32-bit
    acc0 = _mm512_add_epi64(acc0, _mm512_and_si512(sq, low32));
    acc1 = _mm512_add_epi64(acc1, _mm512_srli_epi64(sq, 32));
  }
  return static_cast<uint64_t>(_mm512_reduce_add_epi64(_mm512_add_epi64(acc0, acc1)));
}

void ScaleS16ToS32_AVX512(const int16_t* src, int32_t* out, size_t n, const GainRamp& gain) {
  const __m512i round = _mm512_set1_epi32(2048);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = First16(n - i);
    const __m512i s = _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m, src + i));
    const __m512i v = _mm512_srai_epi32(_mm512_add_epi32(_mm512_mullo_epi32(s, Gains(gain, i, m)), round), 12);
    _mm512_mask_storeu_epi32(out + i, m, v);
  }
}

void AddS32_AVX512(const int32_t* src, int32_t* acc, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = First16(n - i);
    _mm512_mask_storeu_epi32(
        acc + i, m, _mm512_add_epi32(_mm512_maskz_loadu_epi32(m, acc + i), _mm512_maskz_loadu_epi32(m, src + i)));
  }
}

int32_t PeakAbsS32_AVX512(const int32_t* total, const int32_t* minus, size_t n) {
  __m512i peak = _mm512_setzero_si512();
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = First16(n - i);
    __m512i v = _mm512_maskz_loadu_epi32(m, total + i);
    if (minus != nullptr) v = _mm512_sub_epi32(v, _mm512_maskz_loadu_epi32(m, minus + i));
    peak = _mm512_max_epu32(peak, _mm512_abs_epi32(v));
  }
  return static_cast<int32_t>(_mm512_reduce_max_epu32(peak));
}

// As the AVX2 variant: vpmuldq on even and odd lanes, 64-bit round and shift, and the
// saturating vpmovsdw narrows to int16 exactly as the reference clamps.
void LimitS32ToS16_AVX512(const int32_t* total, const int32_t* minus, int16_t* out, size_t n, const GainRamp& gain) {
  const __m512i round = _mm512_set1_epi64(16384);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = First16(n - i);
    __m512i v = _mm512_maskz_loadu_epi32(m, total + i);
    if (minus != nullptr) v = _mm512_sub_epi32(v, _mm512_maskz_loadu_epi32(m, minus + i));
    const __m512i g = Gains(gain, i, m);
    const __m512i even = _mm512_srai_epi64(_mm512_add_epi64(_mm512_mul_epi32(v, g), round), 15);
    const __m512i odd = _mm512_srai_epi64(
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(v, 32), _mm512_srli_epi64(g, 32)), round), 15);
    const __m512i r = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
    _mm256_mask_storeu_epi16(out + i, m, _mm512_cvtsepi32_epi16(r));
  }
}

}  // namespace tessera::mixer

// AVX-512BW overlay blend: 32 pixels per iteration in unsigned 16-bit lanes, masked tail
// (nothing read or written past n). Compiled with TESSERA_FLAGS_AVX512 only.
#if defined(__GNUC__) && !defined(__clang__)
// See scale_rows_avx512.cc: GCC 12 false positive on _mm512_undefined_epi32().
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "tessera/mixer/video/kernels/blend_kernels.h"

namespace tessera::mixer {
namespace {

inline __m256i Blend32(__m256i color, __m256i alpha, __m256i dst) {
  const __m512i k255 = _mm512_set1_epi16(255);
  const __m512i c = _mm512_cvtepu8_epi16(color);
  const __m512i a = _mm512_cvtepu8_epi16(alpha);
  const __m512i d = _mm512_cvtepu8_epi16(dst);
  __m512i t = _mm512_add_epi16(_mm512_mullo_epi16(d, _mm512_sub_epi16(k255, a)), _mm512_mullo_epi16(c, a));
  t = _mm512_add_epi16(t, _mm512_set1_epi16(128));
  t = _mm512_srli_epi16(_mm512_add_epi16(t, _mm512_srli_epi16(t, 8)), 8);
  return _mm512_cvtepi16_epi8(t);
}

}  // namespace

void BlendRow_AVX512(const uint8_t* color, const uint8_t* alpha, uint8_t* dst, int n) {
  int x = 0;
  for (; x + 32 <= n; x += 32) {
    const __m256i out = Blend32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(color + x)),
                                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(alpha + x)),
                                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + x)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + x), out);
  }
  if (x < n) {
    const __mmask32 m = static_cast<__mmask32>((uint64_t{1} << (n - x)) - 1);
    const __m256i out = Blend32(_mm256_maskz_loadu_epi8(m, color + x), _mm256_maskz_loadu_epi8(m, alpha + x),
                                _mm256_maskz_loadu_epi8(m, dst + x));
    _mm256_mask_storeu_epi8(dst + x, m, out);
  }
}

}  // namespace tessera::mixer

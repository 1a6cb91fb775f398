// AVX2 overlay blend: 16 pixels per iteration in unsigned 16-bit lanes (every intermediate
// fits: t + 128 + (t + 128 >> 8) <= 65407). Compiled with TESSERA_FLAGS_AVX2 only.
#include <immintrin.h>

#include "tessera/mixer/video/kernels/blend_kernels.h"

namespace tessera::mixer {

void BlendRow_AVX2(const uint8_t* color, const uint8_t* alpha, uint8_t* dst, int n) {
  const __m256i k255 = _mm256_set1_epi16(255);
  const __m256i k128 = _mm256_set1_epi16(128);
  int x = 0;
  for (; x + 16 <= n; x += 16) {
    const __m256i c = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(color + x)));
    const __m256i a = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(alpha + x)));
    const __m256i d = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + x)));
    __m256i t = _mm256_add_epi16(_mm256_mullo_epi16(d, _mm256_sub_epi16(k255, a)), _mm256_mullo_epi16(c, a));
    t = _mm256_add_epi16(t, k128);
    t = _mm256_srli_epi16(_mm256_add_epi16(t, _mm256_srli_epi16(t, 8)), 8);
    const __m256i packed = _mm256_packus_epi16(t, t);  // per lane: 8 results twice
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + x),
                     _mm256_castsi256_si128(_mm256_permute4x64_epi64(packed, 0x08)));
  }
  if (x < n) BlendRow_C(color + x, alpha + x, dst + x, n - x);
}

}  // namespace tessera::mixer

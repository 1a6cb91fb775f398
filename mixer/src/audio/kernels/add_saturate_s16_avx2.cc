// AVX2 variant: 32 samples per iteration in two YMM registers, scalar tail.
// Compiled with TESSERA_FLAGS_AVX2 only; reached only when the CPU has AVX2.
#include <immintrin.h>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {

void AddSaturateS16_AVX2(const int16_t* src, int16_t* dst, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i s0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    const __m256i s1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 16));
    const __m256i d0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i));
    const __m256i d1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i + 16));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_adds_epi16(d0, s0));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 16), _mm256_adds_epi16(d1, s1));
  }
  if (i + 16 <= n) {
    const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_adds_epi16(d, s));
    i += 16;
  }
  if (i + 8 <= n) {
    const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_adds_epi16(d, s));
    i += 8;
  }
  if (i < n) AddSaturateS16_C(src + i, dst + i, n - i);
}

}  // namespace tessera::mixer

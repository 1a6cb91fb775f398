// AVX-512BW variant. A masked head brings dst to a 64-byte boundary (an unaligned 64-byte
// access always splits a cache line and costs about twice as much), then 128 samples per
// iteration, then a masked tail. Masked loads and stores never touch memory outside
// [0, n), so the kernel is safe on a guard page.
// Compiled with TESSERA_FLAGS_AVX512 only; reached only when the CPU has AVX-512BW.
#include <immintrin.h>

#include <cstdint>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {
namespace {

inline __mmask32 FirstN(size_t n) {
  return n >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((uint32_t{1} << n) - 1);
}

inline void AddMasked(const int16_t* src, int16_t* dst, __mmask32 mask) {
  const __m512i s = _mm512_maskz_loadu_epi16(mask, src);
  const __m512i d = _mm512_maskz_loadu_epi16(mask, dst);
  _mm512_mask_storeu_epi16(dst, mask, _mm512_adds_epi16(d, s));
}

}  // namespace

void AddSaturateS16_AVX512(const int16_t* src, int16_t* dst, size_t n) {
  size_t i = 0;
  const uintptr_t misalign = reinterpret_cast<uintptr_t>(dst) & 63;
  if (misalign != 0 && (misalign & 1) == 0) {
    const size_t head = std::min<size_t>((64 - misalign) / 2, n);
    AddMasked(src, dst, FirstN(head));
    i = head;
  }
  for (; i + 128 <= n; i += 128) {
    const __m512i s0 = _mm512_loadu_si512(src + i);
    const __m512i s1 = _mm512_loadu_si512(src + i + 32);
    const __m512i s2 = _mm512_loadu_si512(src + i + 64);
    const __m512i s3 = _mm512_loadu_si512(src + i + 96);
    const __m512i d0 = _mm512_loadu_si512(dst + i);
    const __m512i d1 = _mm512_loadu_si512(dst + i + 32);
    const __m512i d2 = _mm512_loadu_si512(dst + i + 64);
    const __m512i d3 = _mm512_loadu_si512(dst + i + 96);
    _mm512_storeu_si512(dst + i, _mm512_adds_epi16(d0, s0));
    _mm512_storeu_si512(dst + i + 32, _mm512_adds_epi16(d1, s1));
    _mm512_storeu_si512(dst + i + 64, _mm512_adds_epi16(d2, s2));
    _mm512_storeu_si512(dst + i + 96, _mm512_adds_epi16(d3, s3));
  }
  for (; i < n; i += 32)
    AddMasked(src + i, dst + i, FirstN(n - i));
}

}  // namespace tessera::mixer

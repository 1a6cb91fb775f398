// AVX-512BW vertical scaling pass (arithmetic in scale_kernels.h).
// Compiled with TESSERA_FLAGS_AVX512 only; reached only when the CPU has AVX-512 F/BW/VL/DQ.
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 flags the deliberately undefined vector inside _mm512_undefined_epi32(), which
// unmasked AVX-512 intrinsics pass as their merge source: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstring>

#include "tessera/mixer/video/kernels/scale_kernels.h"

namespace tessera::mixer {
namespace {

inline __m512i BroadcastWeightPair(const uint8_t* weights) {
  uint16_t pair;
  std::memcpy(&pair, weights, sizeof pair);  // (w[k], w[k + 1]) as the byte pair maddubs wants
  return _mm512_set1_epi16(static_cast<int16_t>(pair));
}

// One 64-pixel column block; rows are loaded through `load` (plain or masked). kTaps > 0
// unrolls a filter of that many taps; 0 loops over `taps`. Per pair of rows: two loads, two
// unpacks, two vpmaddubsw, two adds; the accumulators start at the rounding term.
template <int kTaps, typename Load>
inline __m512i FilterBlock(const uint8_t* const* rows, const uint8_t* weights, int taps, int x, Load load) {
  __m512i lo = _mm512_set1_epi16(64);
  __m512i hi = lo;
  const int n = kTaps > 0 ? kTaps : taps;
#pragma GCC unroll 4
  for (int k = 0; k < n; k += 2) {
    const __m512i w = BroadcastWeightPair(weights + k);
    const __m512i a = load(rows[k] + x);
    const __m512i b = load(rows[k + 1] + x);
    lo = _mm512_add_epi16(lo, _mm512_maddubs_epi16(_mm512_unpacklo_epi8(a, b), w));
    hi = _mm512_add_epi16(hi, _mm512_maddubs_epi16(_mm512_unpackhi_epi8(a, b), w));
  }
  // unpacklo/hi split each 128-bit lane into its low and high 8 pixels; packing the two
  // back lane by lane restores natural order (the values already fit a byte).
  return _mm512_packus_epi16(_mm512_srli_epi16(lo, 7), _mm512_srli_epi16(hi, 7));
}

template <int kTaps>
void FilterRow(const uint8_t* const* rows, const uint8_t* weights, int taps, uint8_t* inter, int width,
               const RowPrefetch& prefetch) {
  int x = 0;
  for (; x + 64 <= width; x += 64) {
    for (int r = 0; r < prefetch.rows; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(prefetch.first + r * prefetch.stride + x), _MM_HINT_T1);
    }
    const __m512i out =
        FilterBlock<kTaps>(rows, weights, taps, x, [](const uint8_t* p) { return _mm512_loadu_si512(p); });
    _mm512_storeu_si512(inter + x, out);
  }
  if (x < width) {
    // Masked loads read nothing past `width`, so a row may end on a guard page.
    const __mmask64 mask = (__mmask64{1} << (width - x)) - 1;
    const __m512i out = FilterBlock<kTaps>(rows, weights, taps, x,
                                           [mask](const uint8_t* p) { return _mm512_maskz_loadu_epi8(mask, p); });
    _mm512_mask_storeu_epi8(inter + x, mask, out);
  }
}

}  // namespace

// 64 pixels per iteration; the common tap counts are unrolled.
void VerticalFilterRow_AVX512(const uint8_t* const* rows, const uint8_t* weights, int taps, uint8_t* inter, int width,
                              const RowPrefetch& prefetch) {
  switch (taps) {
    case 2:
      return FilterRow<2>(rows, weights, taps, inter, width, prefetch);
    case 4:
      return FilterRow<4>(rows, weights, taps, inter, width, prefetch);
    case 6:
      return FilterRow<6>(rows, weights, taps, inter, width, prefetch);
    default:
      return FilterRow<0>(rows, weights, taps, inter, width, prefetch);
  }
}

}  // namespace tessera::mixer

// AVX-512 VBMI horizontal scaling pass (arithmetic in scale_kernels.h, table layout in
// horizontal_tables.h). Compiled with TESSERA_FLAGS_AVX512VBMI only; reached only when the
// CPU has AVX-512 VBMI.
#if defined(__GNUC__) && !defined(__clang__)
// See scale_rows_avx512.cc: GCC 12 false positive on _mm512_undefined_epi32().
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>

#include "tessera/mixer/video/kernels/scale_kernels.h"
#include "video/kernels/horizontal_tables.h"

namespace tessera::mixer {
namespace {

// One block of up to 32 outputs as 32 16-bit values in [0, 255]. Two loads make a 128-byte
// window of the intermediate row; per tap pair, one vpermt2b gathers both taps of every
// output as a byte pair and one vpmaddubsw weights them. kPairs > 0 unrolls that many.
template <int kPairs>
inline __m512i FilterBlock(const uint8_t* inter, const uint8_t* entry, int pairs) {
  const int32_t base = *reinterpret_cast<const int32_t*>(entry);
  const __m512i window_lo = _mm512_loadu_si512(inter + base);
  const __m512i window_hi = _mm512_loadu_si512(inter + base + 64);
  __m512i acc = _mm512_set1_epi16(64);  // the rounding term
  const uint8_t* pair = entry + 64;
  const int n = kPairs > 0 ? kPairs : pairs;
#pragma GCC unroll 4
  for (int p = 0; p < n; ++p, pair += 128) {
    const __m512i gathered = _mm512_permutex2var_epi8(window_lo, _mm512_load_si512(pair), window_hi);
    acc = _mm512_add_epi16(acc, _mm512_maddubs_epi16(gathered, _mm512_load_si512(pair + 64)));
  }
  return _mm512_srli_epi16(acc, 7);
}

template <int kPairs>
void FilterRow(const uint8_t* inter, const horizontal_tables::TableHeader& header, const uint8_t* entry, int out_width,
               uint8_t* out) {
  int x0 = 0;
  int b = 0;
  if (header.block_outputs == 32) {
    // Two full blocks at a time: one vpackuswb + one vpermq per 64 outputs instead of two
    // vpmovwb (each two shuffle uops).
    const __m512i order = _mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7);
    for (; b + 1 < header.blocks && x0 + 64 <= out_width; b += 2, x0 += 64) {
      const __m512i first = FilterBlock<kPairs>(inter, entry, header.pairs);
      const __m512i second = FilterBlock<kPairs>(inter, entry + header.block_stride, header.pairs);
      entry += 2 * header.block_stride;
      _mm512_storeu_si512(out + x0, _mm512_permutexvar_epi64(order, _mm512_packus_epi16(first, second)));
    }
  }
  for (; b < header.blocks; ++b, x0 += header.block_outputs, entry += header.block_stride) {
    const __m256i bytes = _mm512_cvtepi16_epi8(FilterBlock<kPairs>(inter, entry, header.pairs));
    const int n = std::min(header.block_outputs, out_width - x0);
    _mm256_mask_storeu_epi8(out + x0, static_cast<__mmask32>((uint64_t{1} << n) - 1), bytes);
  }
}

}  // namespace

void HorizontalFilterRow_AVX512VBMI(const uint8_t* inter, const HorizontalTaps& taps, const uint8_t* table,
                                    uint8_t* out) {
  // A copy, so the compiler need not reload it after every store through `out`.
  const horizontal_tables::TableHeader header = *reinterpret_cast<const horizontal_tables::TableHeader*>(table);
  if (header.mode != horizontal_tables::kSimd) {
    HorizontalFilterRow_C(inter, taps, table, out);
    return;
  }
  const uint8_t* entry = table + sizeof(horizontal_tables::TableHeader);
  switch (header.pairs) {
    case 1:
      return FilterRow<1>(inter, header, entry, taps.out_width, out);
    case 2:
      return FilterRow<2>(inter, header, entry, taps.out_width, out);
    case 3:
      return FilterRow<3>(inter, header, entry, taps.out_width, out);
    default:
      return FilterRow<0>(inter, header, entry, taps.out_width, out);
  }
}

}  // namespace tessera::mixer

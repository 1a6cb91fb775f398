// AVX2 scaling passes (arithmetic in scale_kernels.h, table layout in horizontal_tables.h).
// Compiled with TESSERA_FLAGS_AVX2 only; reached only when the CPU has AVX2.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "tessera/mixer/video/kernels/scale_kernels.h"
#include "video/kernels/horizontal_tables.h"

namespace tessera::mixer {
namespace {

inline __m256i BroadcastWeightPair(const uint8_t* weights) {
  uint16_t pair;
  std::memcpy(&pair, weights, sizeof pair);
  return _mm256_set1_epi16(static_cast<int16_t>(pair));
}

}  // namespace

// 32 pixels per iteration, as the AVX-512 variant: byte-interleave two rows, one vpmaddubsw
// per 16 pixels, round, and pack lane by lane (which undoes the unpack order). The last
// width % 32 pixels go through the C reference, which reads exactly `width` bytes.
void VerticalFilterRow_AVX2(const uint8_t* const* rows, const uint8_t* weights, int taps, uint8_t* inter, int width,
                            const RowPrefetch& prefetch) {
  const __m256i round = _mm256_set1_epi16(64);  // accumulators start from the rounding term
  int x = 0;
  for (; x + 32 <= width; x += 32) {
    if ((x & 63) == 0) {
      for (int r = 0; r < prefetch.rows; ++r) {
        _mm_prefetch(reinterpret_cast<const char*>(prefetch.first + r * prefetch.stride + x), _MM_HINT_T1);
      }
    }
    __m256i lo = round;
    __m256i hi = round;
    for (int k = 0; k < taps; k += 2) {
      const __m256i w = BroadcastWeightPair(weights + k);
      const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[k] + x));
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[k + 1] + x));
      lo = _mm256_add_epi16(lo, _mm256_maddubs_epi16(_mm256_unpacklo_epi8(a, b), w));
      hi = _mm256_add_epi16(hi, _mm256_maddubs_epi16(_mm256_unpackhi_epi8(a, b), w));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(inter + x),
                        _mm256_packus_epi16(_mm256_srli_epi16(lo, 7), _mm256_srli_epi16(hi, 7)));
  }
  if (x < width) {
    const uint8_t* tail_rows[kMaxFilterTaps];
    for (int k = 0; k < taps; ++k)
      tail_rows[k] = rows[k] + x;
    VerticalFilterRow_C(tail_rows, weights, taps, inter + x, width - x, RowPrefetch{});
  }
}

// Per block of two lanes of up to 8 outputs: each lane loads its own 16-byte window, and
// per tap pair one vpshufb gathers both taps of every output as a byte pair, one vpmaddubsw
// weights them. Then round, shift, pack, and bring the lanes' outputs together.
void HorizontalFilterRow_AVX2(const uint8_t* inter, const HorizontalTaps& taps, const uint8_t* table, uint8_t* out) {
  // A copy, so the compiler need not reload it after every store through `out`.
  const horizontal_tables::TableHeader header = *reinterpret_cast<const horizontal_tables::TableHeader*>(table);
  if (header.mode != horizontal_tables::kSimd) {
    HorizontalFilterRow_C(inter, taps, table, out);
    return;
  }
  const int lane_outputs = header.block_outputs / 2;
  const __m256i acc_start = _mm256_set1_epi16(64);  // the rounding term
  const __m256i gather_dwords = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  const uint8_t* entry = table + sizeof(horizontal_tables::TableHeader);
  for (int b = 0; b < header.blocks; ++b, entry += header.block_stride) {
    const int32_t* base = reinterpret_cast<const int32_t*>(entry);
    const __m256i window = _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(inter + base[0]))),
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(inter + base[1])), 1);
    __m256i acc = acc_start;
    const uint8_t* pair = entry + 32;
    for (int p = 0; p < header.pairs; ++p, pair += 64) {
      const __m256i shuffle = _mm256_load_si256(reinterpret_cast<const __m256i*>(pair));
      const __m256i weight = _mm256_load_si256(reinterpret_cast<const __m256i*>(pair + 32));
      acc = _mm256_add_epi16(acc, _mm256_maddubs_epi16(_mm256_shuffle_epi8(window, shuffle), weight));
    }
    acc = _mm256_srli_epi16(acc, 7);
    // Lane L's outputs are now bytes 0..lane_outputs-1 of lane L (and again at 8..15).
    const __m256i packed = _mm256_packus_epi16(acc, acc);
    const int x0 = b * header.block_outputs;
    const int n = std::min(header.block_outputs, taps.out_width - x0);
    if (lane_outputs == 8) {
      const __m128i bytes = _mm256_castsi256_si128(_mm256_permute4x64_epi64(packed, 0x08));
      if (n == 16) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x0), bytes);
      } else {
        alignas(16) uint8_t tmp[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(tmp), bytes);
        std::memcpy(out + x0, tmp, static_cast<size_t>(n));
      }
    } else if (lane_outputs == 4) {
      const __m128i bytes = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(packed, gather_dwords));
      if (n == 8) {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out + x0), bytes);
      } else {
        alignas(16) uint8_t tmp[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(tmp), bytes);
        std::memcpy(out + x0, tmp, static_cast<size_t>(n));
      }
    } else {
      alignas(32) uint8_t tmp[32];
      _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), packed);
      const int first = std::min(n, lane_outputs);
      std::memcpy(out + x0, tmp, static_cast<size_t>(first));
      if (n > first) std::memcpy(out + x0 + first, tmp + 16, static_cast<size_t>(n - first));
    }
  }
}

}  // namespace tessera::mixer

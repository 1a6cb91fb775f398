#pragma once
// Separable 8-bit plane scaling kernels (style.md practices 1-3). A plane is scaled one
// output row at a time in two passes:
//
//   1. vertical:   the source rows under one output row are weighted into one row of
//                  8-bit "intermediate" samples at source width (contiguous and
//                  streaming: this pass reads every source byte and is memory bound);
//   2. horizontal: each output pixel is a weighted sum of a few intermediate samples at
//                  arbitrary positions (the intermediate row sits in L1; this pass is a
//                  byte gather plus multiply-add, compute bound).
//
// Doing the vertical pass first means the gather-heavy horizontal pass runs on output rows
// only (348 of them for a 720p source in a 3x3 tile) rather than on every source row. Both
// passes use vpmaddubsw with pixels as its unsigned operand and weights as its signed one:
// weights summing to 128 (7 fractional bits) keep every pair sum inside int16 with no bias
// or widening step, which is what makes the vertical pass cheap enough to hide under the
// memory traffic. (One 7-bit weight is off by at most 1/256; the result by under a level.)
//
// The _C functions are the specification: every ISA variant returns the same bytes, which
// the kernel tests check over awkward widths, unaligned pointers and guard pages. The
// arithmetic is integer only, so "the same" means bit for bit.
//
// Pick the kernels once (SelectScaleKernels(GetCpuFeatures())); they are pure functions:
// any thread, no allocation, no state. PrepareHorizontal allocates and runs when a filter
// is built (control path), never per frame.

#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/base/cpu_features.h"
#include "tessera/mixer/aligned_array.h"

namespace tessera::mixer {

// Weights of either pass are in [0, 127] and sum to exactly this per output sample.
inline constexpr int kWeightSum = 128;
inline constexpr int kMaxWeight = 127;
// The most taps a filter may have in either pass (including the repeated taps that carry
// weights over 255, and the zero-weight taps that pad a filter to an even count).
inline constexpr int kMaxFilterTaps = 64;
// A variant may read this many intermediate samples past the last position a filter names,
// so the intermediate row must be that much longer (it is scratch, never a frame).
inline constexpr int kIntermediateReadPad = 128;

// ---- Vertical pass -------------------------------------------------------------------
//
//   inter[x] = (sum_{k < taps} weights[k] * rows[k][x] + 64) >> 7            (in [0, 255])
//
// `taps` is even and >= 2; weights are in [0, 127] and sum to kWeightSum (a weight of 128
// is split over a repeated row: 64 + 64; an odd filter is padded with a repeated row of
// weight 0). Each row is read for exactly `width` bytes; exactly `width` samples are written.
//
// `prefetch` names source rows a later call will read (those of a few output rows ahead);
// a variant prefetches them into L2 a cache line per column block as it goes, so the next
// rows stream in from memory while this one is computed, without bursts of prefetches that
// would stall on the fill buffers. A hint only: it never changes the result.
struct RowPrefetch {
  const uint8_t* first = nullptr;  // first row to prefetch (column 0 of this call)
  ptrdiff_t stride = 0;            // bytes between rows
  int rows = 0;                    // how many consecutive rows
};
using VerticalFilterRowFn = void (*)(const uint8_t* const* rows, const uint8_t* weights, int taps, uint8_t* inter,
                                     int width, const RowPrefetch& prefetch);

// ---- Horizontal pass -----------------------------------------------------------------
//
// Every output pixel has the same even number of taps at arbitrary intermediate positions:
//
//   out[x] = (sum_{k < taps} weights[x * taps + k] * inter[positions[x * taps + k]] + 64) >> 7
//
// with weights in [0, 127] summing to kWeightSum per output (repeat a position to carry a
// weight of 128). This neutral description is what the C reference runs on; a SIMD variant
// runs on its own gather table, built from it once by the variant's PrepareHorizontal.
struct HorizontalTaps {
  int out_width = 0;
  int taps = 0;
  const int32_t* positions = nullptr;  // out_width * taps, each >= 0
  const uint8_t* weights = nullptr;    // out_width * taps
};
// Builds `table` (the variant's private layout) for `taps`; may grow `table`.
using PrepareHorizontalFn = void (*)(const HorizontalTaps& taps, AlignedArray<uint8_t>& table);
// Writes exactly taps.out_width bytes. Reads inter up to the largest position plus
// kIntermediateReadPad - 1.
using HorizontalFilterRowFn = void (*)(const uint8_t* inter, const HorizontalTaps& taps, const uint8_t* table,
                                       uint8_t* out);

void VerticalFilterRow_C(const uint8_t* const* rows, const uint8_t* weights, int taps, uint8_t* inter, int width,
                         const RowPrefetch& prefetch);
void VerticalFilterRow_AVX2(const uint8_t* const* rows, const uint8_t* weights, int taps, uint8_t* inter, int width,
                            const RowPrefetch& prefetch);
void VerticalFilterRow_AVX512(const uint8_t* const* rows, const uint8_t* weights, int taps, uint8_t* inter, int width,
                              const RowPrefetch& prefetch);

void PrepareHorizontal_C(const HorizontalTaps& taps, AlignedArray<uint8_t>& table);
void HorizontalFilterRow_C(const uint8_t* inter, const HorizontalTaps& taps, const uint8_t* table, uint8_t* out);
// AVX2: per 128-bit lane, up to 8 outputs gathered with vpshufb from a 16-byte window.
void PrepareHorizontal_AVX2(const HorizontalTaps& taps, AlignedArray<uint8_t>& table);
void HorizontalFilterRow_AVX2(const uint8_t* inter, const HorizontalTaps& taps, const uint8_t* table, uint8_t* out);
// AVX-512 VBMI: up to 32 outputs gathered with vpermt2b from a 128-byte window.
void PrepareHorizontal_AVX512VBMI(const HorizontalTaps& taps, AlignedArray<uint8_t>& table);
void HorizontalFilterRow_AVX512VBMI(const uint8_t* inter, const HorizontalTaps& taps, const uint8_t* table,
                                    uint8_t* out);

struct ScaleKernels {
  const char* isa = "c";
  VerticalFilterRowFn vertical = VerticalFilterRow_C;
  PrepareHorizontalFn prepare_horizontal = PrepareHorizontal_C;
  HorizontalFilterRowFn horizontal = HorizontalFilterRow_C;
};

// The fastest variant the given features allow.
ScaleKernels SelectScaleKernels(CpuFeatures features);

struct ScaleKernelVariant {
  uint32_t required_features;
  ScaleKernels kernels;
};
// Every variant compiled in, slowest first; tests and benchmarks skip what the CPU lacks.
std::span<const ScaleKernelVariant> AllScaleKernelVariants();

}  // namespace tessera::mixer

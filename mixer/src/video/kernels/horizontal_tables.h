#pragma once
// Gather-table layouts of the horizontal scaling pass, one per SIMD variant. The tables are
// built once per filter (plain C++, no ISA flags: building needs no SIMD) by the variant's
// PrepareHorizontal and read by its kernel; nothing else depends on them.
//
// Every table starts with a TableHeader. kScalar means the filter does not fit the variant's
// gather window (a tile far smaller than its source); the kernel then runs the C reference.

#include <cstdint>

namespace tessera::mixer::horizontal_tables {

enum Mode : int32_t { kSimd = 0, kScalar = 1 };

struct alignas(64) TableHeader {
  int32_t mode = kScalar;
  int32_t block_outputs = 0;  // outputs per block
  int32_t blocks = 0;
  int32_t pairs = 0;         // tap pairs per output
  int32_t block_stride = 0;  // bytes from one block to the next
};

// AVX-512 VBMI: a block of up to 32 outputs reads the 128 samples from inter + base.
//   block:  int32 base, padded to 64 bytes;
//           then per tap pair: uint8 index[64] (for output i: bytes 2i and 2i + 1 are the
//           positions of its two taps minus base), uint8 weight[64] (same order).
inline constexpr int kVbmiWindow = 128;
inline constexpr int kVbmiMaxBlock = 32;

// AVX2: a block is two 128-bit lanes of up to 8 outputs each; lane L reads the 16 samples
// from inter + base[L].
//   block:  int32 base[2], padded to 32 bytes;
//           then per tap pair: uint8 shuffle[32] (lane L, output j: bytes 16L + 2j and
//           16L + 2j + 1 are the tap positions minus base[L]; unused bytes 0x80, which
//           vpshufb turns into 0), uint8 weight[32] (same order, unused 0).
inline constexpr int kAvx2Window = 16;
inline constexpr int kAvx2MaxLaneOutputs = 8;

}  // namespace tessera::mixer::horizontal_tables

// Builds the per-variant gather tables described in horizontal_tables.h.
#include "video/kernels/horizontal_tables.h"

#include <algorithm>
#include <cstring>

#include "tessera/mixer/video/kernels/scale_kernels.h"

namespace tessera::mixer {
namespace {

using horizontal_tables::TableHeader;

// Smallest and largest tap position of outputs [begin, end).
void PositionRange(const HorizontalTaps& taps, int begin, int end, int32_t& lo, int32_t& hi) {
  lo = INT32_MAX;
  hi = INT32_MIN;
  for (int x = begin; x < end; ++x) {
    for (int k = 0; k < taps.taps; ++k) {
      const int32_t p = taps.positions[static_cast<ptrdiff_t>(x) * taps.taps + k];
      lo = std::min(lo, p);
      hi = std::max(hi, p);
    }
  }
}

// True when every group of `group` consecutive outputs has its taps inside one window.
bool GroupsFit(const HorizontalTaps& taps, int group, int window) {
  for (int x = 0; x < taps.out_width; x += group) {
    int32_t lo, hi;
    PositionRange(taps, x, std::min(x + group, taps.out_width), lo, hi);
    if (hi - lo >= window) return false;
  }
  return true;
}

TableHeader& StartTable(AlignedArray<uint8_t>& table, size_t bytes) {
  table.Clear();
  table.Resize(bytes);  // zero-filled
  return *new (table.data()) TableHeader();
}

}  // namespace

void PrepareHorizontal_AVX512VBMI(const HorizontalTaps& taps, AlignedArray<uint8_t>& table) {
  using namespace horizontal_tables;
  int block = kVbmiMaxBlock;
  while (block > 1 && !GroupsFit(taps, block, kVbmiWindow))
    block /= 2;
  if (!GroupsFit(taps, block, kVbmiWindow) || taps.out_width == 0) {
    StartTable(table, sizeof(TableHeader));
    return;
  }
  const int pairs = taps.taps / 2;
  const int blocks = (taps.out_width + block - 1) / block;
  const int stride = 64 + pairs * 128;
  TableHeader& h = StartTable(table, sizeof(TableHeader) + static_cast<size_t>(blocks) * stride);
  h.mode = kSimd;
  h.block_outputs = block;
  h.blocks = blocks;
  h.pairs = pairs;
  h.block_stride = stride;
  for (int b = 0; b < blocks; ++b) {
    uint8_t* entry = table.data() + sizeof(TableHeader) + static_cast<size_t>(b) * stride;
    const int begin = b * block;
    const int end = std::min(begin + block, taps.out_width);
    int32_t base, hi;
    PositionRange(taps, begin, end, base, hi);
    std::memcpy(entry, &base, sizeof base);
    for (int p = 0; p < pairs; ++p) {
      uint8_t* index = entry + 64 + p * 128;
      uint8_t* weight = index + 64;
      for (int x = begin; x < end; ++x) {
        const ptrdiff_t tap = static_cast<ptrdiff_t>(x) * taps.taps + 2 * p;
        const int i = x - begin;
        index[2 * i] = static_cast<uint8_t>(taps.positions[tap] - base);
        index[2 * i + 1] = static_cast<uint8_t>(taps.positions[tap + 1] - base);
        weight[2 * i] = taps.weights[tap];
        weight[2 * i + 1] = taps.weights[tap + 1];
      }
    }
  }
}

void PrepareHorizontal_AVX2(const HorizontalTaps& taps, AlignedArray<uint8_t>& table) {
  using namespace horizontal_tables;
  int lane = kAvx2MaxLaneOutputs;
  while (lane > 1 && !GroupsFit(taps, lane, kAvx2Window))
    lane /= 2;
  if (!GroupsFit(taps, lane, kAvx2Window) || taps.out_width == 0) {
    StartTable(table, sizeof(TableHeader));
    return;
  }
  const int pairs = taps.taps / 2;
  const int block = 2 * lane;
  const int blocks = (taps.out_width + block - 1) / block;
  const int stride = 32 + pairs * 64;
  TableHeader& h = StartTable(table, sizeof(TableHeader) + static_cast<size_t>(blocks) * stride);
  h.mode = kSimd;
  h.block_outputs = block;
  h.blocks = blocks;
  h.pairs = pairs;
  h.block_stride = stride;
  for (int b = 0; b < blocks; ++b) {
    uint8_t* entry = table.data() + sizeof(TableHeader) + static_cast<size_t>(b) * stride;
    for (int p = 0; p < pairs; ++p)
      std::memset(entry + 32 + p * 64, 0x80, 32);  // shuffle: zero
    for (int l = 0; l < 2; ++l) {
      const int begin = b * block + l * lane;
      const int end = std::min(begin + lane, taps.out_width);
      int32_t base = 0, hi = 0;
      if (begin < end) PositionRange(taps, begin, end, base, hi);
      std::memcpy(entry + 4 * l, &base, sizeof base);
      for (int p = 0; p < pairs; ++p) {
        uint8_t* shuffle = entry + 32 + p * 64;
        uint8_t* weight = shuffle + 32;
        for (int x = begin; x < end; ++x) {
          const ptrdiff_t tap = static_cast<ptrdiff_t>(x) * taps.taps + 2 * p;
          const int j = 16 * l + 2 * (x - begin);
          shuffle[j] = static_cast<uint8_t>(taps.positions[tap] - base);
          shuffle[j + 1] = static_cast<uint8_t>(taps.positions[tap + 1] - base);
          weight[j] = taps.weights[tap];
          weight[j + 1] = taps.weights[tap + 1];
        }
      }
    }
  }
}

}  // namespace tessera::mixer

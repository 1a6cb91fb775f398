// Scalar references of the mixing kernels: the specification the SIMD variants are tested
// against (see audio_kernels.h).
#include <algorithm>
#include <cstdlib>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {
namespace {

inline int32_t GainAt(const GainRamp& g, size_t i) {
  return g.from == g.to ? g.from : g.from + (((g.to - g.from) * g.ramp[i]) >> 15);
}

}  // namespace

void MakeGainRamp(int32_t* ramp, size_t n) {
  for (size_t i = 0; i < n; ++i)
    ramp[i] = static_cast<int32_t>((32768 * (i + 1) + n / 2) / n);
}

uint64_t SumSquaresS16_C(const int16_t* src, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += static_cast<uint64_t>(int32_t{src[i]} * int32_t{src[i]});
  return sum;
}

void ScaleS16ToS32_C(const int16_t* src, int32_t* out, size_t n, const GainRamp& gain) {
  for (size_t i = 0; i < n; ++i)
    out[i] = (int32_t{src[i]} * GainAt(gain, i) + 2048) >> 12;
}

void AddS32_C(const int32_t* src, int32_t* acc, size_t n) {
  for (size_t i = 0; i < n; ++i)
    acc[i] += src[i];
}

int32_t PeakAbsS32_C(const int32_t* total, const int32_t* minus, size_t n) {
  int32_t peak = 0;
  for (size_t i = 0; i < n; ++i)
    peak = std::max(peak, std::abs(total[i] - (minus != nullptr ? minus[i] : 0)));
  return peak;
}

void LimitS32ToS16_C(const int32_t* total, const int32_t* minus, int16_t* out, size_t n, const GainRamp& gain) {
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = total[i] - (minus != nullptr ? minus[i] : 0);
    const int64_t scaled = (v * GainAt(gain, i) + 16384) >> 15;
    out[i] = static_cast<int16_t>(std::clamp<int64_t>(scaled, INT16_MIN, INT16_MAX));
  }
}

}  // namespace tessera::mixer

#include "audio/limiter.h"

#include <algorithm>

namespace tessera::mixer::audio_internal {
namespace {

// The largest Q15 gain that keeps `peak` within `threshold`.
int32_t AllowedGain(int32_t peak, int32_t threshold) {
  if (peak <= threshold) return kUnityGainQ15;
  return static_cast<int32_t>((int64_t{threshold} * kUnityGainQ15) / peak);
}

}  // namespace

bool Limiter::Process(const AudioKernels& kernels, const int32_t* total, const int32_t* minus, int16_t* out, size_t n,
                      const LimiterParams& params) {
  const int32_t needed = AllowedGain(kernels.peak_abs_s32(total, minus, n), params.threshold);
  if (needed < gain_ && n > kLimiterAttackSamples) {
    // Attack: ramp to `needed` over the first millisecond, from a start the first
    // millisecond's own peak allows, then hold.
    const size_t head = kLimiterAttackSamples;
    const int32_t start = std::min(gain_, AllowedGain(kernels.peak_abs_s32(total, minus, head), params.threshold));
    kernels.limit_s32_to_s16(total, minus, out, head, {start, needed, params.attack_ramp});
    kernels.limit_s32_to_s16(total + head, minus != nullptr ? minus + head : nullptr, out + head, n - head,
                             {needed, needed, nullptr});
    gain_ = needed;
    return true;
  }
  if (needed < gain_) {  // a frame shorter than the attack: no room to ramp
    gain_ = needed;
    kernels.limit_s32_to_s16(total, minus, out, n, {gain_, gain_, nullptr});
    return true;
  }
  // Release (or hold): part of the way back towards what this frame allows, never above it;
  // the last 0.2% (0.02 dB, inaudible) is closed at once rather than approached forever.
  constexpr int32_t kSnapQ15 = 64;
  const int32_t target = gain_ + static_cast<int32_t>((int64_t{needed - gain_} * params.release_q15) >> 15);
  const int32_t next = std::min(needed, std::max(gain_, needed - target < kSnapQ15 ? needed : target));
  kernels.limit_s32_to_s16(total, minus, out, n, {gain_, next, params.frame_ramp});
  const bool limited = gain_ < kUnityGainQ15 || next < kUnityGainQ15;
  gain_ = next;
  return limited;
}

}  // namespace tessera::mixer::audio_internal

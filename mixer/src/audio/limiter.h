#pragma once
// Limiter: one output's gain so that it never exceeds the threshold — never a hard clip —
// and changes smoothly. No look-ahead (it would add a frame of latency), so:
//
//   - attack: when this frame needs less gain, the gain moves to it within the first
//     millisecond (48 samples), starting no higher than those first samples allow, and
//     holds it for the rest of the frame: every sample stays within the threshold;
//   - release: when less limiting is needed, the gain recovers towards it with the release
//     time constant, ramped across the frame (never above what the frame allows);
//   - unity when nothing needs limiting: the output is then the input, bit for bit.
//
// Gains are Q15 (32768 = unity); the output kernel is LimitS32ToS16.
//
// Thread safety: part of AudioMixer's state; the conference strand only.

#include <cstddef>
#include <cstdint>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer::audio_internal {

inline constexpr size_t kLimiterAttackSamples = 48;

struct LimiterParams {
  int32_t threshold = 29204;             // -1 dBFS
  int32_t release_q15 = 32768;           // share of the distance to the target recovered per frame
  const int32_t* frame_ramp = nullptr;   // MakeGainRamp over the frame
  const int32_t* attack_ramp = nullptr;  // MakeGainRamp over kLimiterAttackSamples
};

class Limiter {
 public:
  // Writes `total - minus` (minus may be null) limited to `out`. Returns true when the gain
  // was below unity anywhere in the frame.
  bool Process(const AudioKernels& kernels, const int32_t* total, const int32_t* minus, int16_t* out, size_t n,
               const LimiterParams& params);

  int32_t gain_q15() const { return gain_; }
  void set_gain_q15(int32_t gain) { gain_ = gain; }

 private:
  int32_t gain_ = kUnityGainQ15;
};

}  // namespace tessera::mixer::audio_internal

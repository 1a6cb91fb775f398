#include "video/quantizer_rate_control.h"

#include <algorithm>
#include <cmath>

namespace tessera::codecs {

QuantizerRateControl::QuantizerRateControl(int bitrate_bps, int fps, int buffer_ms, int pixels)
    : bitrate_bps_(bitrate_bps), fps_(fps), buffer_ms_(buffer_ms) {
  // Starting guesses for camera-like content (refined from the first picture on): about
  // one bit per pixel for an intra picture at q 8, a fifth of that for an inter picture.
  complexity_[1] = 8.0 * pixels;
  complexity_[0] = 1.6 * pixels;
}

void QuantizerRateControl::SetBitrate(int bitrate_bps) {
  bitrate_bps_ = bitrate_bps;
  // A smaller bucket: what was banked at the old rate must not blow the new one.
  fullness_ = std::clamp(fullness_, -0.5 * buffer_bits(), buffer_bits());
}

int QuantizerRateControl::Next(bool intra) const {
  const double target = target_bits_per_frame();
  double budget;
  if (intra) {
    // An intra picture may take a large share of the bucket, as a VBV would allow.
    budget = std::clamp(0.5 * buffer_bits() - std::max(0.0, fullness_), target, 8.0 * target);
  } else {
    budget = target * std::clamp(1.0 - fullness_ / buffer_bits(), 0.25, 2.0);
  }
  int q = static_cast<int>(std::lround(complexity_[intra ? 1 : 0] / budget));
  if (!intra && last_inter_q_ > 0) q = std::clamp(q, last_inter_q_ - 3, last_inter_q_ + 5);  // no pumping
  return std::clamp(q, kMinQuantizer, kMaxQuantizer);
}

void QuantizerRateControl::Update(bool intra, int quantizer, size_t bytes) {
  const double bits = static_cast<double>(bytes) * 8.0;
  double& c = complexity_[intra ? 1 : 0];
  c = 0.6 * c + 0.4 * std::max(bits, 64.0) * quantizer;
  fullness_ = std::max(fullness_ + bits - target_bits_per_frame(), -0.5 * buffer_bits());
  if (!intra) last_inter_q_ = quantizer;
}

}  // namespace tessera::codecs

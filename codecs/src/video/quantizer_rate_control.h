#pragma once
// Frame-level rate control by quantiser, for encoders that take a fixed quantiser per
// picture (FFmpeg's H.263/H.263+/H.261). FFmpeg's own rate control for these encoders
// fixes the target when the encoder opens, so a bitrate change (TMMBR, H.245 flow control)
// would need a new encoder and an intra picture; driving the quantiser from here changes
// the rate on the next picture with no keyframe.
//
// Model: bits(picture) ~ complexity / q, with complexity tracked per picture type (intra,
// inter) from what the encoder actually produced. A leaky bucket of rate_buffer_ms holds
// the difference between produced and budgeted bits; each picture's budget shrinks as the
// bucket fills, so the long-run average converges on the target.
//
// Thread safety: owned by one encoder, used on its thread.

#include <cstddef>

namespace tessera::codecs {

class QuantizerRateControl {
 public:
  static constexpr int kMinQuantizer = 2;
  static constexpr int kMaxQuantizer = 31;

  QuantizerRateControl(int bitrate_bps, int fps, int buffer_ms, int pixels);

  void SetBitrate(int bitrate_bps);
  // Quantiser for the next picture.
  int Next(bool intra) const;
  // What the encoder produced for that picture.
  void Update(bool intra, int quantizer, size_t bytes);

  double fullness_bits() const { return fullness_; }

 private:
  double target_bits_per_frame() const { return static_cast<double>(bitrate_bps_) / fps_; }
  double buffer_bits() const { return static_cast<double>(bitrate_bps_) * buffer_ms_ / 1000.0; }

  int bitrate_bps_;
  int fps_;
  int buffer_ms_;
  double complexity_[2];  // [inter, intra]: bits x quantiser
  double fullness_ = 0;   // bits produced beyond the budget so far (bounded below)
  int last_inter_q_ = 0;
};

}  // namespace tessera::codecs

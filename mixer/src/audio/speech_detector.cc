#include "audio/speech_detector.h"

#include <algorithm>
#include <cmath>

namespace tessera::mixer::audio_internal {

double SpeechDetector::noise_floor_dbov() const {
  double floor = block_mins_[0];
  for (double m : block_mins_)
    floor = std::min(floor, m);
  return block_ms_ > 0 ? std::min(floor, block_min_) : floor;
}

bool SpeechDetector::Update(uint64_t sum_squares, int n, Hint hint, const Params& params) {
  // Mean square relative to a full-scale square wave (0 dBov), floored at digital silence.
  const double mean_square = n > 0 ? static_cast<double>(sum_squares) / n : 0;
  level_ = mean_square > 0 ? std::max(kSilenceDbov, 10 * std::log10(mean_square / (32768.0 * 32768.0))) : kSilenceDbov;

  const bool speech = hint == Hint::kSpeech ||
                      (hint == Hint::kNone &&
                       level_ > std::max(noise_floor_dbov() + params.speech_over_noise_db, params.min_speech_dbov));
  // Minimum statistics: the quietest frame of each half second, over the last four.
  block_min_ = block_ms_ == 0 ? level_ : std::min(block_min_, level_);
  block_ms_ += params.frame_ms;
  if (block_ms_ >= kBlockMs) {
    block_mins_[next_block_] = block_min_;
    next_block_ = (next_block_ + 1) % kBlocks;
    block_ms_ = 0;
  }
  return speech;
}

}  // namespace tessera::mixer::audio_internal

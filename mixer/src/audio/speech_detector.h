#pragma once
// SpeechDetector: one source's voice activity from its frame energy. The level of each
// frame (dBov) is compared with an adaptive noise floor — the quietest level over the last
// two seconds, by minimum statistics — so a fan or a busy room is not taken for speech,
// while the pauses between syllables keep speech from being taken for noise. A verdict
// from the sender or decoder (RFC 6464, Opus VAD) overrides the energy test.
//
// Thread safety: part of AudioMixer's state; the conference strand only.

#include <cstdint>

namespace tessera::mixer::audio_internal {

class SpeechDetector {
 public:
  struct Params {
    double speech_over_noise_db = 12;
    double min_speech_dbov = -50;
    int frame_ms = 20;
  };
  enum class Hint : uint8_t { kNone, kSpeech, kNoSpeech };

  // One frame: its sum of squared samples over n samples. Returns whether it is speech.
  bool Update(uint64_t sum_squares, int n, Hint hint, const Params& params);

  double level_dbov() const { return level_; }
  double noise_floor_dbov() const;

  static constexpr double kSilenceDbov = -96;  // the level of digital silence

 private:
  static constexpr int kBlocks = 4;     // minimum-statistics window: 4 blocks...
  static constexpr int kBlockMs = 500;  // ...of half a second
  static constexpr double kInitialFloor = -70;
  double level_ = kSilenceDbov;
  double block_min_ = 0;  // minimum of the block being filled
  int block_ms_ = 0;
  int next_block_ = 0;
  double block_mins_[kBlocks] = {kInitialFloor, kInitialFloor, kInitialFloor, kInitialFloor};
};

}  // namespace tessera::mixer::audio_internal

#include "audio/active_speaker.h"

#include <algorithm>

namespace tessera::mixer::audio_internal {

bool ActiveSpeakerTracker::Update(int loudest, int frame_ms, int takeover_ms) {
  if (loudest < 0 || loudest == holder_) {
    challenger_ms_ = std::max(0, challenger_ms_ - frame_ms);
    return false;
  }
  if (loudest != challenger_) {
    // A new challenger starts from zero: two sources taking turns at being loudest cannot
    // add up to a takeover between them.
    challenger_ = loudest;
    challenger_ms_ = 0;
  }
  challenger_ms_ += frame_ms;
  if (challenger_ms_ < takeover_ms) return false;
  holder_ = challenger_;
  challenger_ = -1;
  challenger_ms_ = 0;
  return true;
}

bool ActiveSpeakerTracker::Forget(int index) {
  if (challenger_ == index) {
    challenger_ = -1;
    challenger_ms_ = 0;
  }
  if (holder_ != index) return false;
  holder_ = -1;
  return true;
}

}  // namespace tessera::mixer::audio_internal

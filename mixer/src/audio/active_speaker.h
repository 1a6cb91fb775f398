#pragma once
// The video floor: who is shown as the active speaker. Slower than the audio selection on
// purpose — switching the big tile on every interjection is distracting — so a source must
// be the loudest speaking source for `takeover_ms` (accumulated, leaking away while it is
// not) before it takes the floor, and the floor stays with the last speaker through
// silence. A 100 ms burst never takes it.
//
// Thread safety: part of AudioMixer's state; the conference strand only.

namespace tessera::mixer::audio_internal {

class ActiveSpeakerTracker {
 public:
  // `loudest` is the index of the loudest source speaking this frame, or -1. Returns true
  // when the floor changed hands.
  bool Update(int loudest, int frame_ms, int takeover_ms);
  // The source `index` is gone: it can neither hold nor challenge for the floor. Returns
  // true when it held it.
  bool Forget(int index);

  int holder() const { return holder_; }

 private:
  int holder_ = -1;
  int challenger_ = -1;
  int challenger_ms_ = 0;
};

}  // namespace tessera::mixer::audio_internal

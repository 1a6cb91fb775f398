#pragma once
// PromptPlayer: what a participant waiting in a room's lobby hears instead of the mix. The
// prompts are tone patterns synthesised here (no audio files to ship or load), distinct by
// ear and by frequency so that tests can tell them apart:
//
//   kEnterPin  two rising beeps (600 Hz, 900 Hz; 150 ms each), then 2.5 s of silence; repeats
//   kWrongPin  three falling beeps (700, 500, 350 Hz), then back to kEnterPin
//   kGoodbye   one 400 Hz tone of 600 ms, then silence (the call ends after it)
//
// Thread safety: owned by the room's audio strand; no allocation.

#include <array>
#include <cstdint>
#include <span>

#include "tessera/mcu/control.h"

namespace tessera::mcu::conference {

class PromptPlayer {
 public:
  static constexpr int kFrameSamples = 960;  // 20 ms at 48 kHz

  // Starts `prompt` from its beginning (a prompt asked for again restarts).
  void Play(Prompt prompt);
  Prompt playing() const { return prompt_; }
  // The next 20 ms of the current prompt at 48 kHz mono.
  std::span<const int16_t> Next();

 private:
  Prompt prompt_ = Prompt::kNone;
  int64_t position_ = 0;  // samples into the prompt
  double phase_ = 0;
  std::array<int16_t, kFrameSamples> frame_{};
};

}  // namespace tessera::mcu::conference

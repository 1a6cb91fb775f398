#pragma once
// A synthetic participant for the demo room: a moving test pattern in its own colour and a
// tone of its own frequency that "talks" in bursts, so a new user sees tiles move, hears
// voices and watches the active speaker change before wiring any endpoint.
//
// Frames and audio are generated into caller-owned buffers (no allocation per frame) and
// depend only on (seed, time), so tests can check them exactly.
//
// Thread safety: one owner (the room's strand); the object is not shared.

#include <cstdint>
#include <span>
#include <string>

#include "tessera/base/video_frame.h"

namespace tessera::mcu::demo {

struct SyntheticParticipantSpec {
  std::string name;  // shown on its tile
  int index = 0;     // 0, 1, 2 ...: picks colour, tone and talk schedule
};

class SyntheticParticipant {
 public:
  explicit SyntheticParticipant(SyntheticParticipantSpec spec);

  const std::string& name() const { return spec_.name; }
  // The participant's colour (Y, U, V) and tone frequency in Hz.
  uint8_t y() const { return y_; }
  uint8_t u() const { return u_; }
  uint8_t v() const { return v_; }
  double tone_hz() const { return tone_hz_; }

  // Draws the picture at `time_ms` into `frame` (any size; even sizes are typical): the
  // participant's colour with a moving bar and a bouncing square in contrasting luma.
  void DrawFrame(int64_t time_ms, I420MutableView frame) const;

  // Writes 48 kHz mono samples starting at sample index `first_sample`: the tone while the
  // participant talks, silence otherwise. Talk bursts of 2-5 s alternate between
  // participants so the active speaker changes.
  void FillAudio(int64_t first_sample, std::span<int16_t> out) const;
  // Whether the participant talks at `time_ms` (the schedule FillAudio follows).
  bool TalkingAt(int64_t time_ms) const;

  static constexpr int kSampleRate = 48000;

 private:
  SyntheticParticipantSpec spec_;
  uint8_t y_, u_, v_;
  double tone_hz_;
};

}  // namespace tessera::mcu::demo

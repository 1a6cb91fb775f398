#pragma once
// Which sources are mixed this tick (the talkers), with hysteresis. A pure function over
// per-source state, so it can be tested tick by tick:
//
//   - While at most K sources could be heard (present and not muted), all of them are
//     mixed: a small call needs no selection, and nothing is cut.
//   - Beyond K: a talker keeps its slot through the pauses of speech and gives it up after
//     `hangover_ms` of silence. A speaking source takes a free slot once it has spoken for
//     `enter_ms`; it takes a slot from a talker only with `takeover_ms` of recent speech and
//     `takeover_margin_ms` more than that talker. So a cough, a door or a 100 ms burst may
//     be heard while a slot is free but never displaces anyone.
//
// "Recent speech" (activity_ms) is leaky: +frame per speech frame, -frame/2 per other frame,
// capped at two seconds, so it follows who has been talking rather than who spoke once.
//
// Thread safety: pure; AudioMixer calls it on the conference strand.

#include <cstdint>
#include <span>
#include <vector>

namespace tessera::mixer::audio_internal {

struct SelectionParams {
  int max_talkers = 4;
  int enter_ms = 40;
  int takeover_ms = 400;
  int takeover_margin_ms = 200;
  int hangover_ms = 800;
};

struct SelectionState {
  bool eligible = false;    // present and not muted
  bool speaking = false;    // this frame is speech
  int activity_ms = 0;      // recent speech (see above)
  int silent_ms = 0;        // since the last speech frame
  double level_dbov = -96;  // breaks ties between equally active sources
  bool talker = false;      // in: mixed last tick; out: mixed this tick
};

inline constexpr int kMaxActivityMs = 2000;

// Updates activity_ms and silent_ms from `speaking` for one frame of `frame_ms`.
void UpdateActivity(SelectionState& s, int frame_ms);

// Updates every `talker` flag. `scratch` is reused between ticks (reserve it once).
void SelectTalkers(std::span<SelectionState> sources, const SelectionParams& params, std::vector<uint32_t>& scratch);

}  // namespace tessera::mixer::audio_internal

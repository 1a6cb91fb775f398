#include "audio/talker_selection.h"

#include <algorithm>

namespace tessera::mixer::audio_internal {

void UpdateActivity(SelectionState& s, int frame_ms) {
  if (s.speaking) {
    s.activity_ms = std::min(kMaxActivityMs, s.activity_ms + frame_ms);
    s.silent_ms = 0;
  } else {
    s.activity_ms = std::max(0, s.activity_ms - frame_ms / 2);
    s.silent_ms = std::min(1 << 30, s.silent_ms + frame_ms);
  }
}

void SelectTalkers(std::span<SelectionState> sources, const SelectionParams& params, std::vector<uint32_t>& scratch) {
  const int k = params.max_talkers;
  int eligible = 0;
  for (const SelectionState& s : sources)
    eligible += s.eligible;
  if (eligible <= k) {
    for (SelectionState& s : sources)
      s.talker = s.eligible;
    return;
  }
  // Talkers who left, were muted or have been silent long enough give up their slots.
  int talkers = 0;
  for (SelectionState& s : sources) {
    if (s.talker && (!s.eligible || s.silent_ms >= params.hangover_ms)) s.talker = false;
    talkers += s.talker;
  }
  // Candidates: speaking now, with enough recent speech; the most active first.
  scratch.clear();
  for (uint32_t i = 0; i < sources.size(); ++i) {
    const SelectionState& s = sources[i];
    if (s.eligible && !s.talker && s.speaking && s.activity_ms >= params.enter_ms) scratch.push_back(i);
  }
  auto more_active = [&](uint32_t a, uint32_t b) {
    const SelectionState& x = sources[a];
    const SelectionState& y = sources[b];
    return x.activity_ms != y.activity_ms ? x.activity_ms > y.activity_ms : x.level_dbov > y.level_dbov;
  };
  std::sort(scratch.begin(), scratch.end(), more_active);
  size_t next = 0;
  for (; next < scratch.size() && talkers < k; ++next, ++talkers)
    sources[scratch[next]].talker = true;
  // Full: each remaining candidate may take the slot of the least active talker.
  for (; next < scratch.size(); ++next) {
    SelectionState& candidate = sources[scratch[next]];
    if (candidate.activity_ms < params.takeover_ms) break;  // sorted: nobody after qualifies
    SelectionState* weakest = nullptr;
    for (SelectionState& s : sources) {
      if (s.talker && (weakest == nullptr || more_active(static_cast<uint32_t>(weakest - sources.data()),
                                                         static_cast<uint32_t>(&s - sources.data())))) {
        weakest = &s;
      }
    }
    if (weakest == nullptr || candidate.activity_ms < weakest->activity_ms + params.takeover_margin_ms) break;
    weakest->talker = false;
    candidate.talker = true;
  }
}

}  // namespace tessera::mixer::audio_internal

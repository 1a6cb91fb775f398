// AudioMixer: the steps of audio_mixer.h, in order, per tick. The parts live beside it:
// speech_detector (voice activity), talker_selection (who is mixed), limiter (each
// output), active_speaker (the video floor); the arithmetic is in the audio kernels.
#include "tessera/mixer/audio/audio_mixer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "audio/active_speaker.h"
#include "audio/limiter.h"
#include "audio/speech_detector.h"
#include "audio/talker_selection.h"
#include "tessera/mixer/aligned_array.h"

namespace tessera::mixer {

using audio_internal::ActiveSpeakerTracker;
using audio_internal::Limiter;
using audio_internal::LimiterParams;
using audio_internal::SelectionParams;
using audio_internal::SelectionState;
using audio_internal::SpeechDetector;

namespace {

// The level that decides who is loudest follows a voice up within 40 ms and down over
// 200 ms, so a quiet moment does not hand the floor over but a new voice is measured fast.
constexpr double kLevelAttackMs = 40;
constexpr double kLevelReleaseMs = 200;

struct Slot {
  bool used = false;
  uint32_t generation = 0;
  AudioSourceId id = kNoAudioSource;
  int32_t gain_q12 = kUnityGainQ12;  // as set
  int32_t applied_q12 = 0;           // as applied at the end of the last tick
  bool muted = false;
  bool heard_before = false;  // has delivered audio in an earlier tick
  SpeechDetector detector;
  double speech_level = SpeechDetector::kSilenceDbov;
  Limiter limiter;  // for its own output while a talker
  // This tick.
  const int16_t* samples = nullptr;
  SpeechDetector::Hint hint = SpeechDetector::Hint::kNone;
};

}  // namespace

struct AudioMixer::Impl {
  AudioMixerConfig config;
  size_t n = 0;
  int frame_ms = 20;
  SpeechDetector::Params speech;
  SelectionParams selection;
  LimiterParams limiter;
  AlignedArray<int32_t> frame_ramp, attack_ramp;

  std::vector<Slot> slots;
  std::vector<SelectionState> states;  // parallel to slots
  std::vector<uint32_t> free_slots;
  std::unordered_map<AudioSourceId, uint32_t> by_id;
  int sources = 0;

  // Per-tick buffers, sized once for K talkers plus K ramping out.
  std::vector<uint32_t> contributors;
  std::vector<GainRamp> contributor_gains;
  AlignedArray<int32_t> contributions;  // contributors x n
  AlignedArray<int32_t> total;
  AlignedArray<int16_t> listener_out;
  AlignedArray<int16_t> talker_out;  // contributors x n
  std::vector<TalkerOutput> talkers;
  std::vector<AudioSourceId> speaking;  // reserved for max_sources: never grows in Mix
  std::vector<uint32_t> scratch;
  std::vector<bool> was_talker;
  Limiter listener_limiter;
  ActiveSpeakerTracker floor;
  bool floor_lost = false;  // the floor holder was removed since the last tick

  MixResult result;
  AudioMixerStats stats;

  Slot* Find(AudioSourceHandle h) {
    if (h.index >= slots.size() || !slots[h.index].used || slots[h.index].generation != h.generation) return nullptr;
    return &slots[h.index];
  }
  void Measure(std::span<const AudioInput> inputs);
  void Select();
  void Sum();
  void Outputs();
  void Floor();
};

AudioMixer::AudioMixer(const AudioMixerConfig& config) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.config = config;
  m.config.frame_samples = config.frame_samples == 480 ? 480 : 960;
  m.config.max_talkers = std::clamp(config.max_talkers, 1, 16);
  m.config.max_sources = std::clamp(config.max_sources, 1, 1 << 20);
  m.n = static_cast<size_t>(m.config.frame_samples);
  m.frame_ms = m.config.frame_samples * 1000 / kAudioSampleRate;
  m.speech = {config.speech_over_noise_db, config.min_speech_dbov, m.frame_ms};
  m.selection = {m.config.max_talkers, config.enter_ms, config.takeover_ms, config.takeover_margin_ms,
                 config.hangover_ms};
  m.frame_ramp.Resize(m.n);
  MakeGainRamp(m.frame_ramp.data(), m.n);
  m.attack_ramp.Resize(audio_internal::kLimiterAttackSamples);
  MakeGainRamp(m.attack_ramp.data(), audio_internal::kLimiterAttackSamples);
  m.limiter.threshold = static_cast<int32_t>(std::lround(32767 * std::pow(10.0, config.limiter_threshold_dbfs / 20)));
  m.limiter.threshold = std::clamp(m.limiter.threshold, 1, 32767);
  const double per_frame = 1 - std::exp(-static_cast<double>(m.frame_ms) / std::max(1, config.limiter_release_ms));
  m.limiter.release_q15 = static_cast<int32_t>(std::lround(per_frame * kUnityGainQ15));
  m.limiter.frame_ramp = m.frame_ramp.data();
  m.limiter.attack_ramp = m.attack_ramp.data();

  const size_t max_contributors = 2 * static_cast<size_t>(m.config.max_talkers);
  m.contributors.reserve(max_contributors);
  m.contributor_gains.reserve(max_contributors);
  m.contributions.Resize(max_contributors * m.n);
  m.total.Resize(m.n);
  m.listener_out.Resize(m.n);
  m.talker_out.Resize(max_contributors * m.n);
  m.talkers.reserve(max_contributors);
  m.slots.reserve(static_cast<size_t>(m.config.max_sources));
  m.states.reserve(static_cast<size_t>(m.config.max_sources));
  m.was_talker.reserve(static_cast<size_t>(m.config.max_sources));
  m.scratch.reserve(static_cast<size_t>(m.config.max_sources));
  m.speaking.reserve(static_cast<size_t>(m.config.max_sources));
  m.by_id.reserve(static_cast<size_t>(std::min(m.config.max_sources, 1 << 16)));
  m.result.listeners = {m.listener_out.data(), m.n};
}

AudioMixer::~AudioMixer() = default;

AudioSourceHandle AudioMixer::AddSource(AudioSourceId id) {
  Impl& m = *impl_;
  if (id == kNoAudioSource || m.by_id.count(id) != 0 || m.sources >= m.config.max_sources) return {};
  uint32_t index;
  if (!m.free_slots.empty()) {
    index = m.free_slots.back();
    m.free_slots.pop_back();
  } else {
    index = static_cast<uint32_t>(m.slots.size());
    m.slots.emplace_back();
    m.states.emplace_back();
    m.was_talker.push_back(false);
  }
  Slot& s = m.slots[index];
  const uint32_t generation = s.generation + 1;
  s = Slot{};
  s.used = true;
  s.generation = generation;
  s.id = id;
  m.states[index] = SelectionState{};
  m.was_talker[index] = false;
  m.by_id.emplace(id, index);
  ++m.sources;
  return {index, generation};
}

bool AudioMixer::RemoveSource(AudioSourceHandle h) {
  Impl& m = *impl_;
  Slot* s = m.Find(h);
  if (s == nullptr) return false;
  m.by_id.erase(s->id);
  s->used = false;
  m.states[h.index] = SelectionState{};
  m.was_talker[h.index] = false;
  m.free_slots.push_back(h.index);
  m.floor_lost |= m.floor.Forget(static_cast<int>(h.index));  // reported with the next tick
  --m.sources;
  return true;
}

bool AudioMixer::SetGain(AudioSourceHandle h, double gain) {
  Slot* s = impl_->Find(h);
  if (s == nullptr || !(gain >= 0)) return false;
  s->gain_q12 = static_cast<int32_t>(std::lround(std::min(gain, 32767.0 / kUnityGainQ12) * kUnityGainQ12));
  return true;
}

bool AudioMixer::SetMuted(AudioSourceHandle h, bool muted) {
  Slot* s = impl_->Find(h);
  if (s == nullptr) return false;
  s->muted = muted;
  return true;
}

// 1. Every source's energy and voice activity; a source without a frame is silent.
void AudioMixer::Impl::Measure(std::span<const AudioInput> inputs) {
  for (Slot& s : slots) {
    s.samples = nullptr;
    s.hint = SpeechDetector::Hint::kNone;
  }
  for (const AudioInput& in : inputs) {
    Slot* s = Find(in.source);
    if (s == nullptr) {
      ++stats.dropped_unknown_source;
      continue;
    }
    if (in.samples.size() != n) {
      if (!in.samples.empty()) ++stats.dropped_wrong_length;
      continue;
    }
    if (s->samples != nullptr) {
      ++stats.dropped_duplicate;
      continue;
    }
    s->samples = in.samples.data();
    s->hint = in.voice == AudioInput::Voice::kSpeech     ? SpeechDetector::Hint::kSpeech
              : in.voice == AudioInput::Voice::kNoSpeech ? SpeechDetector::Hint::kNoSpeech
                                                         : SpeechDetector::Hint::kNone;
  }
  const double attack = std::min(1.0, frame_ms / kLevelAttackMs);
  const double release = std::min(1.0, frame_ms / kLevelReleaseMs);
  for (size_t i = 0; i < slots.size(); ++i) {
    Slot& s = slots[i];
    SelectionState& st = states[i];
    if (!s.used) continue;
    const uint64_t energy = s.samples != nullptr ? config.kernels.sum_squares_s16(s.samples, n) : 0;
    st.speaking = s.detector.Update(energy, static_cast<int>(n), s.hint, speech);
    st.level_dbov = s.detector.level_dbov();
    st.eligible = !s.muted;
    audio_internal::UpdateActivity(st, frame_ms);
    if (st.speaking) {
      s.speech_level += (st.level_dbov - s.speech_level) * (st.level_dbov > s.speech_level ? attack : release);
    }
  }
}

// 2 and 3. Who is mixed, and every contributor's gain ramp for this frame.
void AudioMixer::Impl::Select() {
  for (size_t i = 0; i < slots.size(); ++i)
    was_talker[i] = states[i].talker;
  audio_internal::SelectTalkers(states, selection, scratch);
  contributors.clear();
  contributor_gains.clear();
  for (uint32_t i = 0; i < slots.size(); ++i) {
    Slot& s = slots[i];
    if (!s.used) continue;
    const bool talker = states[i].talker;
    if (!talker && !was_talker[i]) continue;
    GainRamp gain{s.applied_q12, talker ? s.gain_q12 : 0, frame_ramp.data()};
    if (talker && !was_talker[i]) {
      ++stats.talker_changes;
      // Entering mid-stream ramps in; a stream that starts here starts at full gain (there
      // is nothing earlier to cut in on), so a lone source passes through untouched.
      gain.from = s.heard_before ? 0 : gain.to;
    }
    s.applied_q12 = gain.to;
    if (gain.from == 0 && gain.to == 0) continue;
    contributors.push_back(i);
    contributor_gains.push_back(gain);
  }
  for (Slot& s : slots)
    s.heard_before |= s.used && s.samples != nullptr;
}

// 4. Each contribution once, and their sum.
void AudioMixer::Impl::Sum() {
  for (size_t c = 0; c < contributors.size(); ++c) {
    int32_t* out = contributions.data() + c * n;
    const Slot& s = slots[contributors[c]];
    if (s.samples != nullptr) {
      config.kernels.scale_s16_to_s32(s.samples, out, n, contributor_gains[c]);
      ++stats.frames_mixed;
    } else {
      std::memset(out, 0, n * sizeof(int32_t));
    }
    if (c == 0) {
      std::memcpy(total.data(), out, n * sizeof(int32_t));
    } else {
      config.kernels.add_s32(out, total.data(), n);
    }
  }
}

// 5 and 6. The listeners' output and each talker's, each through its limiter.
void AudioMixer::Impl::Outputs() {
  talkers.clear();
  result.listeners_silent = contributors.empty();
  if (contributors.empty()) {
    std::memset(listener_out.data(), 0, n * sizeof(int16_t));
    result.talkers = {};
    return;
  }
  const Slot& first = slots[contributors[0]];
  const GainRamp& first_gain = contributor_gains[0];
  if (contributors.size() == 1 && first.samples != nullptr && first_gain.from == kUnityGainQ12 &&
      first_gain.to == kUnityGainQ12 && listener_limiter.gain_q15() == kUnityGainQ15) {
    // One source at unity: it cannot exceed int16, so it passes through untouched.
    std::memcpy(listener_out.data(), first.samples, n * sizeof(int16_t));
  } else if (listener_limiter.Process(config.kernels, total.data(), nullptr, listener_out.data(), n, limiter)) {
    ++stats.limiter_engaged_frames;
  }
  for (size_t c = 0; c < contributors.size(); ++c) {
    Slot& s = slots[contributors[c]];
    int16_t* out = talker_out.data() + c * n;
    if (contributors.size() == 1) {
      std::memset(out, 0, n * sizeof(int16_t));  // alone in the mix: hears nobody
    } else {
      if (!was_talker[contributors[c]]) s.limiter.set_gain_q15(listener_limiter.gain_q15());  // continuity
      if (s.limiter.Process(config.kernels, total.data(), contributions.data() + c * n, out, n, limiter)) {
        ++stats.limiter_engaged_frames;
      }
    }
    talkers.push_back({s.id, {out, n}});
  }
  result.talkers = talkers;
}

// 7. The video floor, and who is talking.
void AudioMixer::Impl::Floor() {
  speaking.clear();
  for (size_t i = 0; i < slots.size(); ++i) {
    const SelectionState& st = states[i];
    if (slots[i].used && st.eligible && st.activity_ms >= selection.enter_ms && st.silent_ms < selection.hangover_ms)
      speaking.push_back(slots[i].id);
  }
  result.speaking = speaking;
  int loudest = -1;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].used && states[i].speaking && states[i].eligible &&
        (loudest < 0 || slots[i].speech_level > slots[static_cast<size_t>(loudest)].speech_level)) {
      loudest = static_cast<int>(i);
    }
  }
  if (floor.Update(loudest, frame_ms, config.floor_takeover_ms)) result.active_speaker_changed = true;
  result.active_speaker = floor.holder() >= 0 ? slots[static_cast<size_t>(floor.holder())].id : kNoAudioSource;
}

const MixResult& AudioMixer::Mix(std::span<const AudioInput> inputs) {
  Impl& m = *impl_;
  ++m.stats.ticks;
  m.result.active_speaker_changed = m.floor_lost;
  m.floor_lost = false;
  m.Measure(inputs);
  m.Select();
  m.Sum();
  m.Outputs();
  m.Floor();
  return m.result;
}

const AudioMixerConfig& AudioMixer::config() const {
  return impl_->config;
}

const AudioMixerStats& AudioMixer::stats() const {
  return impl_->stats;
}

int AudioMixer::source_count() const {
  return impl_->sources;
}

}  // namespace tessera::mixer

#pragma once
// AudioMixer: one conference's sound, per tick of 10 or 20 ms at 48 kHz mono (style.md
// practice 5, after WebRTC's modules/audio_mixer), in small named steps:
//
//   1. measure    every source's frame energy (SIMD) and voice activity (speech_detector.h);
//   2. select     at most K talkers (default 4): while at most K sources can be heard, all
//                 are mixed; beyond that a source takes a free slot after a short run of
//                 speech and a taken slot only after sustained speech, and a talker keeps
//                 its slot through the pauses of speech (talker_selection.h): a cough, a
//                 door or a 100 ms burst never displaces anyone;
//   3. ramp       the gain of every source that enters or leaves the mix, is muted or has
//                 its gain changed, over one frame (no clicks);
//   4. sum once   total = sum of the talkers' contributions (SIMD, int32);
//   5. outputs    listeners share ONE output (limited total); each talker gets total minus
//                 its own contribution (exact: integer arithmetic), so nobody hears
//                 themselves; a source leaving the mix counts as a talker for its last,
//                 ramped-out frame;
//   6. limit      each output through its own limiter (limiter.h): smooth gain, never a
//                 hard clip, and unity when nothing needs limiting;
//   7. floor      the active speaker for the video layout, with its own, slower hysteresis
//                 (active_speaker.h): a burst does not take the floor.
// Fast paths: nobody to mix (silence, flagged so encoders can send DTX), and one source at
// unity gain (its samples pass through untouched).
//
// Allocation: AddSource may allocate (control path); Mix never does.
//
// Thread safety: owned by the conference strand. Every method is called from it; Mix is
// called once per audio tick (the engine's absolute-deadline clock), and the control
// methods between ticks (the strand serialises them). No locks, no callbacks: events come
// back in the MixResult.

#include <cstdint>
#include <memory>
#include <span>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace tessera::mixer {

inline constexpr int kAudioSampleRate = 48000;

struct AudioMixerConfig {
  int frame_samples = 960;  // 480 (10 ms) or 960 (20 ms) of 48 kHz mono
  int max_talkers = 4;      // K, 1 to 16
  int max_sources = 4096;   // handles AddSource can give out

  // Voice activity (per source): a frame is speech when its level is this far above the
  // source's noise floor and above the absolute minimum.
  double speech_over_noise_db = 12;
  double min_speech_dbov = -50;

  // Selection, while more than K sources could be heard (milliseconds of speech or silence).
  int enter_ms = 40;             // speech needed to take a free slot
  int takeover_ms = 400;         // speech needed to take a slot from a talker...
  int takeover_margin_ms = 200;  // ...who has that much less recent speech
  int hangover_ms = 800;         // a talker silent this long gives up its slot

  // Active speaker: the loudest speaking source must stay the loudest this long to take
  // the floor; the floor stays with the last speaker through silence.
  int floor_takeover_ms = 800;

  // Limiter: outputs are kept within this level; gain recovers with this time constant.
  double limiter_threshold_dbfs = -1;
  int limiter_release_ms = 150;

  AudioKernels kernels = SelectAudioKernels(GetCpuFeatures());
};

using AudioSourceId = uint32_t;
inline constexpr AudioSourceId kNoAudioSource = 0xffffffffu;

// A source's place in the mixer, returned by AddSource. A handle whose source was removed
// (or that never was one) is refused by every method and ignored by Mix.
struct AudioSourceHandle {
  uint32_t index = 0xffffffffu;
  uint32_t generation = 0;
  bool operator==(const AudioSourceHandle&) const = default;
};

// One source's audio for this tick.
struct AudioInput {
  AudioSourceHandle source;
  // frame_samples samples; empty: the source sent nothing this tick (silence). A frame of
  // the wrong length is dropped and counted.
  std::span<const int16_t> samples;
  // Optional voice activity from the sender or the decoder (RFC 6464 V flag, Opus VAD):
  // when set, it overrides the energy detector's verdict for this frame.
  enum class Voice : uint8_t { kUnknown, kSpeech, kNoSpeech } voice = Voice::kUnknown;
};

struct TalkerOutput {
  AudioSourceId source = kNoAudioSource;
  std::span<const int16_t> samples;  // the mix without this source
};

struct MixResult {
  // What every source not in `talkers` hears (and broadcast and recording).
  std::span<const int16_t> listeners;
  bool listeners_silent = true;  // nothing was mixed: all zeros
  // One per source mixed this tick (including one ramping out). While at most K sources
  // could be heard, every one is mixed, silent or not: being mixed is not talking.
  std::span<const TalkerOutput> talkers;
  // The sources talking (for "talking" indicators and events): not muted, with enter_ms of
  // recent speech and at most hangover_ms since their last speech frame, so a pause
  // between words does not end it and a click does not start it. In slot order.
  std::span<const AudioSourceId> speaking;
  // The video floor: the current active speaker, and whether it changed this tick.
  AudioSourceId active_speaker = kNoAudioSource;
  bool active_speaker_changed = false;
};

struct AudioMixerStats {
  uint64_t ticks = 0;
  uint64_t frames_mixed = 0;            // contributions summed
  uint64_t dropped_wrong_length = 0;    // inputs whose frame had the wrong size
  uint64_t dropped_unknown_source = 0;  // inputs with a stale or foreign handle
  uint64_t dropped_duplicate = 0;       // a second frame for a source in one tick
  uint64_t talker_changes = 0;          // sources entering the mix
  uint64_t limiter_engaged_frames = 0;  // output frames the limiter reduced
};

class AudioMixer {
 public:
  explicit AudioMixer(const AudioMixerConfig& config = {});
  ~AudioMixer();
  AudioMixer(const AudioMixer&) = delete;
  AudioMixer& operator=(const AudioMixer&) = delete;

  // Control path. AddSource returns an invalid handle (index 0xffffffff) when `id` is
  // already present or max_sources are in use.
  AudioSourceHandle AddSource(AudioSourceId id);
  bool RemoveSource(AudioSourceHandle source);
  // Linear gain, 0 to 7.99 (+18 dB); applied with a ramp over the next frame.
  bool SetGain(AudioSourceHandle source, double gain);
  // A muted source ramps out of the mix and is never selected until unmuted.
  bool SetMuted(AudioSourceHandle source, bool muted);

  // One tick. Buffers in the result stay valid until the next call.
  const MixResult& Mix(std::span<const AudioInput> inputs);

  const AudioMixerConfig& config() const;
  const AudioMixerStats& stats() const;
  int source_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::mixer

// AudioMixer behaviour, end to end on generated signals: silence in gives silence out, one
// source passes through unchanged, a talker never hears itself, twenty full-scale sources
// never clip, a burst takes neither the mix nor the floor, gains ramp, and the mix path
// neither allocates nor depends on the kernel variant.
#include "tessera/mixer/audio/audio_mixer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include "../allocation_counter.h"
#include "audio_signals.h"

namespace tessera::mixer {
namespace {

using testing_audio::RoomNoise;
using testing_audio::Talk;
using testing_audio::Tone;
using testing_audio::ToneLevel;

// A conference: sources with a signal each (or silence), ticked frame by frame.
class Conference {
 public:
  explicit Conference(AudioMixerConfig config = {}) : mixer_(config), n_(static_cast<size_t>(config.frame_samples)) {}

  AudioSourceHandle Add(AudioSourceId id) {
    const AudioSourceHandle h = mixer_.AddSource(id);
    ids_[id] = h;
    return h;
  }
  // Next frame for each source in `frames` (others send nothing).
  const MixResult& Tick(const std::map<AudioSourceId, std::vector<int16_t>>& frames) {
    last_frames_ = frames;
    inputs_.clear();
    for (const auto& [id, samples] : last_frames_)
      inputs_.push_back({ids_.at(id), samples});
    return mixer_.Mix(inputs_);
  }
  std::set<AudioSourceId> Talkers(const MixResult& r) const {
    std::set<AudioSourceId> out;
    for (const auto& t : r.talkers)
      out.insert(t.source);
    return out;
  }
  const std::vector<int16_t>& Sent(AudioSourceId id) const { return last_frames_.at(id); }
  AudioMixer& mixer() { return mixer_; }
  AudioSourceHandle handle(AudioSourceId id) const { return ids_.at(id); }
  size_t n() const { return n_; }

 private:
  AudioMixer mixer_;
  size_t n_;
  std::map<AudioSourceId, AudioSourceHandle> ids_;
  std::map<AudioSourceId, std::vector<int16_t>> last_frames_;
  std::vector<AudioInput> inputs_;
};

std::span<const int16_t> OutputOf(const MixResult& r, AudioSourceId id) {
  for (const auto& t : r.talkers)
    if (t.source == id) return t.samples;
  return r.listeners;
}

bool AllZero(std::span<const int16_t> s) {
  return std::all_of(s.begin(), s.end(), [](int16_t v) { return v == 0; });
}

TEST(AudioMixer, SilenceInGivesSilenceOut) {
  for (int sources : {0, 1, 3, 9}) {
    Conference c;
    std::map<AudioSourceId, std::vector<int16_t>> frames;
    for (int i = 0; i < sources; ++i) {
      c.Add(static_cast<AudioSourceId>(i));
      frames[static_cast<AudioSourceId>(i)] = std::vector<int16_t>(c.n(), 0);
    }
    for (int tick = 0; tick < 50; ++tick) {
      const MixResult& r = c.Tick(frames);
      ASSERT_TRUE(AllZero(r.listeners)) << sources << " sources, tick " << tick;
      for (const auto& t : r.talkers)
        ASSERT_TRUE(AllZero(t.samples));
      if (sources > 4) {
        EXPECT_TRUE(r.listeners_silent);  // nobody speaks: nobody is mixed
        EXPECT_TRUE(r.talkers.empty());
      }
    }
  }
}

TEST(AudioMixer, OneSourcePassesThroughUnchanged) {
  for (int frame_samples : {480, 960}) {
    AudioMixerConfig config;
    config.frame_samples = frame_samples;
    Conference c(config);
    c.Add(7);
    Talk talk(180, 32000, 1);  // loud, peaks near full scale
    for (int tick = 0; tick < 100; ++tick) {
      const MixResult& r = c.Tick({{7, talk.Next(c.n())}});
      ASSERT_FALSE(r.listeners_silent);
      ASSERT_TRUE(std::equal(r.listeners.begin(), r.listeners.end(), c.Sent(7).begin())) << "tick " << tick;
      ASSERT_EQ(r.talkers.size(), 1u);
      EXPECT_TRUE(AllZero(r.talkers[0].samples));  // alone: hears nobody
    }
  }
}

TEST(AudioMixer, ATalkerNeverHearsItself) {
  Conference c;
  const double hz[3] = {450, 1000, 2500};  // whole cycles per frame: no leakage between bins
  std::vector<Tone> tones = {Tone(hz[0], 8000), Tone(hz[1], 8000), Tone(hz[2], 8000)};
  for (AudioSourceId id = 0; id < 3; ++id)
    c.Add(id);
  for (int tick = 0; tick < 20; ++tick) {
    const MixResult& r = c.Tick({{0, tones[0].Next(c.n())}, {1, tones[1].Next(c.n())}, {2, tones[2].Next(c.n())}});
    ASSERT_EQ(r.talkers.size(), 3u);
    for (AudioSourceId id = 0; id < 3; ++id) {
      const auto out = OutputOf(r, id);
      // Exactly the other two, sample for sample (no limiting needed at this level).
      for (size_t i = 0; i < c.n(); ++i) {
        int expected = 0;
        for (AudioSourceId other = 0; other < 3; ++other)
          if (other != id) expected += c.Sent(other)[i];
        ASSERT_EQ(out[i], expected) << "source " << id << " sample " << i;
      }
      EXPECT_LT(ToneLevel(out.data(), c.n(), hz[id]), 1e-3);
      EXPECT_GT(ToneLevel(out.data(), c.n(), hz[(id + 1) % 3]), 0.2);
    }
    // Listeners (nobody else here) hear all three.
    for (double f : hz)
      EXPECT_GT(ToneLevel(r.listeners.data(), c.n(), f), 0.2);
  }
}

TEST(AudioMixer, TwentyFullScaleSourcesNeverClip) {
  for (int k : {4, 16}) {
    for (int frame_samples : {480, 960}) {
      SCOPED_TRACE("K=" + std::to_string(k) + " frame " + std::to_string(frame_samples));
      AudioMixerConfig config;
      config.max_talkers = k;
      config.frame_samples = frame_samples;
      Conference c(config);
      std::vector<Tone> tones;
      for (AudioSourceId id = 0; id < 20; ++id) {
        c.Add(id);
        tones.emplace_back(300, 32767);  // all in phase: the worst case
      }
      const int16_t threshold = 29204;  // -1 dBFS
      for (int tick = 0; tick < 100; ++tick) {
        std::map<AudioSourceId, std::vector<int16_t>> frames;
        for (AudioSourceId id = 0; id < 20; ++id)
          frames[id] = tones[id].Next(c.n());
        const MixResult& r = c.Tick(frames);
        std::vector<std::span<const int16_t>> outputs = {r.listeners};
        for (const auto& t : r.talkers)
          outputs.push_back(t.samples);
        for (const auto& out : outputs) {
          for (int16_t v : out)
            ASSERT_LE(std::abs(int{v}), threshold + 1) << "tick " << tick;
        }
        if (tick > 5) {
          // Limited, not muted, and not clipped flat: still a clean sine near the threshold.
          const double peak = *std::max_element(r.listeners.begin(), r.listeners.end());
          EXPECT_GT(peak, 0.9 * threshold);
          EXPECT_GT(ToneLevel(r.listeners.data(), c.n(), 300) * 32768, 0.85 * threshold);
        }
      }
      EXPECT_GT(c.mixer().stats().limiter_engaged_frames, 0u);
    }
  }
}

// Four people talk; a fifth makes a 100 ms burst louder than all of them.
TEST(AudioMixer, AHundredMillisecondBurstTakesNeitherTheMixNorTheFloor) {
  Conference c;
  std::vector<Talk> talks;
  for (AudioSourceId id = 0; id < 4; ++id) {
    c.Add(id);
    talks.emplace_back(150 + 40 * id, id == 2 ? 12000 : 6000, id);  // 2 is the loudest
  }
  c.Add(4);
  c.Add(5);  // silent listener
  RoomNoise room(30, 9);
  RoomNoise burst(20000, 10);
  AudioSourceId floor_before = kNoAudioSource;
  std::set<AudioSourceId> talkers_before;
  for (int tick = 0; tick < 250; ++tick) {  // 5 s
    std::map<AudioSourceId, std::vector<int16_t>> frames;
    for (AudioSourceId id = 0; id < 4; ++id)
      frames[id] = talks[id].Next(c.n());
    const bool bursting = tick >= 150 && tick < 155;  // 100 ms at 20 ms frames
    frames[4] = bursting ? burst.Next(c.n()) : room.Next(c.n());
    frames[5] = room.Next(c.n());
    const MixResult& r = c.Tick(frames);
    if (tick == 149) {
      floor_before = r.active_speaker;
      talkers_before = c.Talkers(r);
      EXPECT_EQ(floor_before, 2u);
      EXPECT_EQ(talkers_before, (std::set<AudioSourceId>{0, 1, 2, 3}));
    }
    if (tick >= 150) {
      ASSERT_EQ(c.Talkers(r), talkers_before) << "tick " << tick;
      ASSERT_EQ(r.active_speaker, floor_before) << "tick " << tick;
      ASSERT_FALSE(r.active_speaker_changed);
    }
  }
}

TEST(AudioMixer, InASmallRoomEveryoneIsMixedButOnlyTalkersAreSpeaking) {
  Conference c;
  c.Add(1);  // talks for 2 s, then stops
  c.Add(2);  // never sends
  c.Add(3);  // sends room noise
  Talk talk(200, 8000, 1);
  RoomNoise room(30, 3);
  auto speaking = [](const MixResult& r) { return std::set<AudioSourceId>(r.speaking.begin(), r.speaking.end()); };
  int first_speaking_tick = -1;
  int last_speaking_tick = -1;
  for (int tick = 0; tick < 200; ++tick) {  // 4 s
    std::map<AudioSourceId, std::vector<int16_t>> frames;
    frames[1] = tick < 100 ? talk.Next(c.n()) : std::vector<int16_t>(c.n(), 0);
    frames[3] = room.Next(c.n());
    const MixResult& r = c.Tick(frames);
    // Three sources, up to four talkers: all are mixed whatever they send.
    ASSERT_EQ(c.Talkers(r), (std::set<AudioSourceId>{1, 2, 3})) << "tick " << tick;
    const std::set<AudioSourceId> now = speaking(r);
    ASSERT_FALSE(now.contains(2)) << "the source that sends nothing talks, tick " << tick;
    ASSERT_FALSE(now.contains(3)) << "room noise talks, tick " << tick;
    if (now.contains(1)) {
      if (first_speaking_tick < 0) first_speaking_tick = tick;
      last_speaking_tick = tick;
    }
  }
  // Speech is seen within a few frames, held through the syllables, and let go after the
  // hangover (800 ms = 40 frames) once it stops at tick 100.
  EXPECT_GE(first_speaking_tick, 1);
  EXPECT_LE(first_speaking_tick, 10);
  EXPECT_GE(last_speaking_tick, 100);
  EXPECT_LE(last_speaking_tick, 100 + 45);
}

TEST(AudioMixer, SustainedSpeechTakesAFreedSlotAndThenTheFloor) {
  Conference c;
  std::vector<Talk> talks;
  for (AudioSourceId id = 0; id < 5; ++id) {
    c.Add(id);
    talks.emplace_back(150 + 30 * id, id == 4 ? 16000 : 5000, id);
  }
  RoomNoise room(30, 3);
  int entered_at = -1, floor_at = -1;
  for (int tick = 0; tick < 300; ++tick) {
    std::map<AudioSourceId, std::vector<int16_t>> frames;
    // 0-3 talk for 2 s; then 3 stops and 4 (the loudest) starts.
    for (AudioSourceId id = 0; id < 4; ++id)
      frames[id] = (id == 3 && tick >= 100) ? room.Next(c.n()) : talks[id].Next(c.n());
    frames[4] = tick >= 100 ? talks[4].Next(c.n()) : room.Next(c.n());
    const MixResult& r = c.Tick(frames);
    const auto talkers = c.Talkers(r);
    if (tick < 100) {
      ASSERT_EQ(talkers.count(4), 0u) << tick;
      continue;
    }
    if (entered_at < 0 && talkers.count(4)) entered_at = tick;
    if (floor_at < 0 && r.active_speaker == 4) {
      floor_at = tick;
      EXPECT_TRUE(r.active_speaker_changed);
    }
  }
  // Source 3's slot frees after the 800 ms hangover; 4 is speaking by then and takes it.
  ASSERT_GE(entered_at, 0);
  EXPECT_GE(entered_at, 100 + 800 / 20 - 1);
  EXPECT_LE(entered_at, 100 + 800 / 20 + 2);
  // The floor follows 4 after about 800 ms of being the loudest.
  ASSERT_GE(floor_at, 0);
  EXPECT_GE(floor_at, 100 + 800 / 20 - 1);
  EXPECT_LE(floor_at, 100 + 800 / 20 + 5);
}

TEST(AudioMixer, SustainedSpeechTakesOverFromATalkerWhoBarelySpeaks) {
  Conference c;
  std::vector<Talk> talks;
  for (AudioSourceId id = 0; id < 5; ++id) {
    c.Add(id);
    talks.emplace_back(150 + 30 * id, 6000, id);
  }
  RoomNoise room(30, 4);
  bool stole = false;
  for (int tick = 0; tick < 200; ++tick) {
    std::map<AudioSourceId, std::vector<int16_t>> frames;
    for (AudioSourceId id = 0; id < 3; ++id)
      frames[id] = talks[id].Next(c.n());
    // 3 says a word every 600 ms (within the hangover, so it keeps its slot by silence alone).
    frames[3] = (tick % 30 < 3) ? talks[3].Next(c.n()) : room.Next(c.n());
    frames[4] = tick >= 60 ? talks[4].Next(c.n()) : room.Next(c.n());
    const auto talkers = c.Talkers(c.Tick(frames));
    if (tick == 59) {
      ASSERT_EQ(talkers, (std::set<AudioSourceId>{0, 1, 2, 3}));
    }
    if (!stole && talkers.count(4)) {
      stole = true;
      EXPECT_GE(tick, 60 + 400 / 20 - 1);  // after takeover_ms of sustained speech
      continue;                            // 3 has this frame to ramp out
    }
    if (stole) {
      EXPECT_EQ(talkers, (std::set<AudioSourceId>{0, 1, 2, 4}));  // the least active talker lost its slot
      break;
    }
  }
  EXPECT_TRUE(stole);
}

TEST(AudioMixer, GainsRampWhenASourceEntersAndLeaves) {
  Conference c;
  for (AudioSourceId id = 0; id < 5; ++id)
    c.Add(id);
  Tone tone(500, 10000);
  RoomNoise quiet(20, 5);
  std::vector<Talk> talks = {Talk(200, 6000, 1), Talk(230, 6000, 2), Talk(260, 6000, 3)};
  // Three talk all along; 4 is silent; source 3 joins the talking at tick 50 with a steady
  // tone and stops at tick 100.
  int entered = -1, left = -1;
  for (int tick = 0; tick < 200; ++tick) {
    std::map<AudioSourceId, std::vector<int16_t>> frames;
    for (AudioSourceId id = 0; id < 3; ++id)
      frames[id] = talks[id].Next(c.n());
    frames[3] = (tick >= 50 && tick < 100) ? tone.Next(c.n()) : quiet.Next(c.n());
    frames[4] = quiet.Next(c.n());
    const MixResult& r = c.Tick(frames);
    const bool in = c.Talkers(r).count(3) > 0;
    // Source 4 is a listener: what it hears of the tone is source 3's contribution.
    const auto heard = OutputOf(r, 4);
    if (in && entered < 0 && tick >= 50) {
      entered = tick;
      // Ramp in across the frame: the tone's share grows from nothing to full.
      const double head = testing_audio::Rms(heard.data(), c.n() / 8);
      const double tail = testing_audio::Rms(heard.data() + c.n() * 7 / 8, c.n() / 8);
      EXPECT_LT(ToneLevel(heard.data(), c.n() / 4, 500), ToneLevel(heard.data() + c.n() * 3 / 4, c.n() / 4, 500));
      (void)head;
      (void)tail;
    }
    if (!in && entered >= 0 && left < 0 && tick > entered) left = tick;
  }
  EXPECT_GE(entered, 50);
  EXPECT_LE(entered, 53);  // a free slot: about 40 ms of speech
  EXPECT_GT(left, 100);    // kept through the 800 ms hangover...
  EXPECT_LE(left, 100 + 800 / 20 + 2);
}

TEST(AudioMixer, PerSourceGainAndMuteApplyWithARamp) {
  Conference c;
  c.Add(1);
  c.Add(2);
  Tone a(450, 8000), b(1000, 8000);
  for (int tick = 0; tick < 5; ++tick)
    c.Tick({{1, a.Next(c.n())}, {2, b.Next(c.n())}});
  ASSERT_TRUE(c.mixer().SetGain(c.handle(1), 0.5));
  const MixResult& ramp = c.Tick({{1, a.Next(c.n())}, {2, b.Next(c.n())}});
  const double mid = ToneLevel(ramp.listeners.data(), c.n(), 450);
  EXPECT_GT(mid, 0.5 * 8000 / 32768);  // ramping between 1 and 0.5
  EXPECT_LT(mid, 1.0 * 8000 / 32768);
  const MixResult& half = c.Tick({{1, a.Next(c.n())}, {2, b.Next(c.n())}});
  EXPECT_NEAR(ToneLevel(half.listeners.data(), c.n(), 450), 0.5 * 8000 / 32768, 0.01);
  EXPECT_NEAR(ToneLevel(OutputOf(half, 2).data(), c.n(), 450), 0.5 * 8000 / 32768, 0.01);

  ASSERT_TRUE(c.mixer().SetMuted(c.handle(1), true));
  const MixResult& fading = c.Tick({{1, a.Next(c.n())}, {2, b.Next(c.n())}});
  EXPECT_EQ(c.Talkers(fading).count(1), 1u);  // its last, ramped-out frame
  EXPECT_GT(ToneLevel(fading.listeners.data(), c.n() / 4, 450),
            ToneLevel(fading.listeners.data() + c.n() * 3 / 4, c.n() / 4, 450));
  const MixResult& muted = c.Tick({{1, a.Next(c.n())}, {2, b.Next(c.n())}});
  EXPECT_EQ(c.Talkers(muted).count(1), 0u);
  EXPECT_LT(ToneLevel(muted.listeners.data(), c.n(), 450), 1e-4);
  EXPECT_TRUE(std::equal(muted.listeners.begin(), muted.listeners.end(), c.Sent(2).begin()));  // 2 alone again

  ASSERT_TRUE(c.mixer().SetMuted(c.handle(1), false));
  c.Tick({{1, a.Next(c.n())}, {2, b.Next(c.n())}});
  const MixResult& back = c.Tick({{1, a.Next(c.n())}, {2, b.Next(c.n())}});
  EXPECT_NEAR(ToneLevel(back.listeners.data(), c.n(), 450), 0.5 * 8000 / 32768, 0.01);
}

TEST(AudioMixer, BadInputsAreCountedAndDroppedAndTheRestIsMixed) {
  AudioMixer mixer;
  const AudioSourceHandle a = mixer.AddSource(1);
  const AudioSourceHandle b = mixer.AddSource(2);
  EXPECT_EQ(mixer.AddSource(1).index, 0xffffffffu);  // duplicate id
  ASSERT_TRUE(mixer.RemoveSource(b));
  EXPECT_FALSE(mixer.RemoveSource(b));
  const AudioSourceHandle c = mixer.AddSource(3);
  EXPECT_EQ(c.index, b.index);            // the slot is reused...
  EXPECT_NE(c.generation, b.generation);  // ...and the old handle is stale
  EXPECT_FALSE(mixer.SetGain(b, 2));
  std::vector<int16_t> frame(960, 1000), short_frame(100, 1000);
  const AudioInput inputs[] = {{a, frame}, {b, frame}, {c, short_frame}, {a, frame}, {{12345, 1}, frame}};
  const MixResult& r = mixer.Mix(inputs);
  EXPECT_EQ(mixer.stats().dropped_unknown_source, 2u);
  EXPECT_EQ(mixer.stats().dropped_wrong_length, 1u);
  EXPECT_EQ(mixer.stats().dropped_duplicate, 1u);
  EXPECT_EQ(r.listeners[0], 1000);  // a alone (c sent nothing usable)
  EXPECT_EQ(mixer.source_count(), 2);
}

TEST(AudioMixer, TheFloorIsReleasedWhenItsHolderLeaves) {
  Conference c;
  c.Add(1);
  c.Add(2);
  Talk talk(200, 8000, 1);
  RoomNoise room(20, 2);
  for (int tick = 0; tick < 60; ++tick)
    c.Tick({{1, talk.Next(c.n())}, {2, room.Next(c.n())}});
  ASSERT_EQ(c.Tick({{1, talk.Next(c.n())}, {2, room.Next(c.n())}}).active_speaker, 1u);
  ASSERT_TRUE(c.mixer().RemoveSource(c.handle(1)));
  const MixResult& r = c.Tick({{2, room.Next(c.n())}});
  EXPECT_EQ(r.active_speaker, kNoAudioSource);
  EXPECT_TRUE(r.active_speaker_changed);
}

TEST(AudioMixer, EveryKernelVariantMixesTheSame) {
  std::vector<std::vector<int16_t>> reference;
  for (const auto& variant : AllAudioKernelVariants()) {
    if ((GetCpuFeatures().bits() & variant.required_features) != variant.required_features) continue;
    AudioMixerConfig config;
    config.kernels = variant.kernels;
    Conference c(config);
    std::vector<Talk> talks;
    for (AudioSourceId id = 0; id < 8; ++id) {
      c.Add(id);
      talks.emplace_back(120 + 37 * id, 4000 + 3000 * id, id);
    }
    std::vector<std::vector<int16_t>> outputs;
    for (int tick = 0; tick < 80; ++tick) {
      std::map<AudioSourceId, std::vector<int16_t>> frames;
      for (AudioSourceId id = 0; id < 8; ++id)
        frames[id] = talks[id].Next(c.n());
      const MixResult& r = c.Tick(frames);
      outputs.emplace_back(r.listeners.begin(), r.listeners.end());
      for (const auto& t : r.talkers)
        outputs.emplace_back(t.samples.begin(), t.samples.end());
    }
    if (reference.empty()) {
      reference = outputs;
    } else {
      EXPECT_EQ(outputs, reference) << variant.kernels.isa;
    }
  }
}

TEST(AudioMixer, MixingAllocatesNothing) {
  Conference c;
  std::vector<Talk> talks;
  for (AudioSourceId id = 0; id < 50; ++id) {
    c.Add(id);
    talks.emplace_back(100 + 10 * id, id < 6 ? 8000 : 200, id);
  }
  // Every frame of every tick made up front, so only Mix runs while counting.
  constexpr int kTicks = 100;
  std::vector<std::vector<int16_t>> frames;
  std::vector<std::vector<AudioInput>> inputs(kTicks);
  frames.reserve(kTicks * 50);
  for (int tick = 0; tick < kTicks; ++tick) {
    for (AudioSourceId id = 0; id < 50; ++id) {
      frames.push_back(talks[id].Next(c.n()));
      inputs[static_cast<size_t>(tick)].push_back({c.handle(id), frames.back()});
    }
  }
  for (int tick = 0; tick < kTicks; ++tick) {
    if (tick == 50) tessera::testing::StartCountingAllocations();
    c.mixer().Mix(inputs[static_cast<size_t>(tick)]);
  }
  EXPECT_EQ(tessera::testing::StopCountingAllocations(), 0);
}

}  // namespace
}  // namespace tessera::mixer

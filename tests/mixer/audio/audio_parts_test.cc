// The audio mixer's parts on their own: voice activity, talker selection, the video floor
// and the limiter (private headers in mixer/src/audio/).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "audio/active_speaker.h"
#include "audio/limiter.h"
#include "audio/speech_detector.h"
#include "audio/talker_selection.h"
#include "audio_signals.h"

namespace tessera::mixer::audio_internal {
namespace {

using testing_audio::RoomNoise;
using testing_audio::Talk;

uint64_t Energy(const std::vector<int16_t>& f) {
  return SumSquaresS16_C(f.data(), f.size());
}

TEST(SpeechDetector, DigitalSilenceIsNotSpeechAndSpeechIs) {
  SpeechDetector d;
  const SpeechDetector::Params p;
  const std::vector<int16_t> silence(960, 0);
  for (int i = 0; i < 10; ++i)
    EXPECT_FALSE(d.Update(Energy(silence), 960, SpeechDetector::Hint::kNone, p));
  EXPECT_EQ(d.level_dbov(), SpeechDetector::kSilenceDbov);
  Talk talk(200, 8000, 1);
  EXPECT_TRUE(d.Update(Energy(talk.Next(960)), 960, SpeechDetector::Hint::kNone, p));
}

TEST(SpeechDetector, SteadyRoomNoiseStopsCountingAsSpeechWithinThreeSeconds) {
  SpeechDetector d;
  const SpeechDetector::Params p;
  RoomNoise fan(1500, 2);  // about -27 dBov: well above the absolute minimum
  int last_speech = -1;
  for (int i = 0; i < 250; ++i) {
    if (d.Update(Energy(fan.Next(960)), 960, SpeechDetector::Hint::kNone, p)) last_speech = i;
  }
  EXPECT_LT(last_speech, 150);  // 3 s
  EXPECT_NEAR(d.noise_floor_dbov(), d.level_dbov(), 3);
  // A talker over that noise is still heard.
  Talk talk(200, 12000, 3);
  std::vector<int16_t> mixed = talk.Next(960);
  const auto noise = fan.Next(960);
  for (size_t i = 0; i < mixed.size(); ++i)
    mixed[i] = static_cast<int16_t>(mixed[i] + noise[i]);
  EXPECT_TRUE(d.Update(Energy(mixed), 960, SpeechDetector::Hint::kNone, p));
}

TEST(SpeechDetector, AHintOverridesTheEnergyTest) {
  SpeechDetector d;
  const SpeechDetector::Params p;
  Talk talk(200, 8000, 1);
  EXPECT_FALSE(d.Update(Energy(talk.Next(960)), 960, SpeechDetector::Hint::kNoSpeech, p));
  EXPECT_TRUE(d.Update(0, 960, SpeechDetector::Hint::kSpeech, p));
}

// A tick of selection over `states`, with every source's activity updated first.
void Tick(std::vector<SelectionState>& states, const SelectionParams& params, int frame_ms = 20) {
  static std::vector<uint32_t> scratch;
  for (auto& s : states)
    UpdateActivity(s, frame_ms);
  SelectTalkers(states, params, scratch);
}

std::vector<int> Talkers(const std::vector<SelectionState>& states) {
  std::vector<int> out;
  for (size_t i = 0; i < states.size(); ++i)
    if (states[i].talker) out.push_back(static_cast<int>(i));
  return out;
}

TEST(TalkerSelection, UpToKSourcesAreAllMixedWhetherSpeakingOrNot) {
  std::vector<SelectionState> states(4);
  for (auto& s : states)
    s.eligible = true;
  states[2].eligible = false;  // muted
  Tick(states, {});
  EXPECT_EQ(Talkers(states), (std::vector<int>{0, 1, 3}));
}

TEST(TalkerSelection, BeyondKAFreeSlotNeedsAShortRunOfSpeech) {
  std::vector<SelectionState> states(6);
  for (auto& s : states)
    s.eligible = true;
  Tick(states, {});
  EXPECT_TRUE(Talkers(states).empty());
  states[5].speaking = true;
  Tick(states, {});  // 20 ms
  EXPECT_TRUE(Talkers(states).empty());
  Tick(states, {});  // 40 ms
  EXPECT_EQ(Talkers(states), (std::vector<int>{5}));
}

TEST(TalkerSelection, ATalkerKeepsItsSlotThroughPausesAndLeavesAfterTheHangover) {
  std::vector<SelectionState> states(6);
  for (auto& s : states)
    s.eligible = true;
  for (int i = 0; i < 4; ++i)
    states[static_cast<size_t>(i)].speaking = true;
  for (int t = 0; t < 50; ++t)
    Tick(states, {});
  ASSERT_EQ(Talkers(states), (std::vector<int>{0, 1, 2, 3}));
  states[1].speaking = false;
  for (int t = 0; t < 39; ++t)
    Tick(states, {});  // 780 ms of silence
  EXPECT_EQ(Talkers(states), (std::vector<int>{0, 1, 2, 3}));
  Tick(states, {});  // 800 ms
  EXPECT_EQ(Talkers(states), (std::vector<int>{0, 2, 3}));
}

TEST(TalkerSelection, ABurstNeverDisplacesATalkerButSustainedSpeechDoes) {
  std::vector<SelectionState> states(5);
  for (auto& s : states)
    s.eligible = true;
  for (int i = 0; i < 4; ++i)
    states[static_cast<size_t>(i)].speaking = true;
  for (int t = 0; t < 100; ++t)
    Tick(states, {});  // all four at full activity
  // 3 now speaks one frame in ten: its activity decays to a low level.
  for (int t = 0; t < 300; ++t) {
    states[3].speaking = t % 10 == 0;
    states[4].speaking = t >= 200 && t < 205;  // a 100 ms burst at 4 s
    Tick(states, {});
    ASSERT_EQ(Talkers(states), (std::vector<int>{0, 1, 2, 3})) << t;
  }
  // Sustained speech from 4: 400 ms and 200 ms more than 3's activity take 3's slot.
  int took = -1;
  for (int t = 0; t < 100 && took < 0; ++t) {
    states[3].speaking = t % 10 == 0;
    states[4].speaking = true;
    Tick(states, {});
    if (states[4].talker) took = t;
  }
  EXPECT_EQ(Talkers(states), (std::vector<int>{0, 1, 2, 4}));
  EXPECT_GE(took, 400 / 20 - 1);
  EXPECT_LE(took, 400 / 20 + 2);
}

TEST(TalkerSelection, NoneOfFourFullTalkersCanBeDisplaced) {
  std::vector<SelectionState> states(8);
  for (auto& s : states) {
    s.eligible = true;
    s.speaking = true;
  }
  for (int t = 0; t < 500; ++t)
    Tick(states, {});
  EXPECT_EQ(Talkers(states).size(), 4u);
  const auto first = Talkers(states);
  for (int t = 0; t < 500; ++t)
    Tick(states, {});
  EXPECT_EQ(Talkers(states), first);
}

TEST(ActiveSpeaker, TakesTheFloorAfterSustainedLoudestSpeechOnly) {
  ActiveSpeakerTracker f;
  for (int t = 0; t < 5; ++t)
    EXPECT_FALSE(f.Update(3, 20, 800));  // a 100 ms burst
  for (int t = 0; t < 50; ++t)
    f.Update(-1, 20, 800);
  EXPECT_EQ(f.holder(), -1);
  int changed_at = -1;
  for (int t = 0; t < 60 && changed_at < 0; ++t)
    if (f.Update(3, 20, 800)) changed_at = t;
  EXPECT_EQ(changed_at, 39);  // 800 ms
  EXPECT_EQ(f.holder(), 3);
  // Silence keeps the floor with the last speaker.
  for (int t = 0; t < 500; ++t)
    EXPECT_FALSE(f.Update(-1, 20, 800));
  EXPECT_EQ(f.holder(), 3);
}

TEST(ActiveSpeaker, TwoChallengersTakingTurnsDoNotAddUp) {
  ActiveSpeakerTracker f;
  for (int t = 0; t < 40; ++t)
    f.Update(1, 20, 800);
  ASSERT_EQ(f.holder(), 1);
  for (int t = 0; t < 400; ++t)
    EXPECT_FALSE(f.Update(t % 20 < 10 ? 2 : 3, 20, 800));
  EXPECT_EQ(f.holder(), 1);
  EXPECT_TRUE(f.Forget(1));
  EXPECT_EQ(f.holder(), -1);
}

class LimiterTest : public ::testing::Test {
 protected:
  LimiterTest() : frame_ramp_(960), attack_ramp_(kLimiterAttackSamples) {
    MakeGainRamp(frame_ramp_.data(), frame_ramp_.size());
    MakeGainRamp(attack_ramp_.data(), attack_ramp_.size());
    params_.frame_ramp = frame_ramp_.data();
    params_.attack_ramp = attack_ramp_.data();
    params_.release_q15 = 4000;
  }
  std::vector<int16_t> Run(Limiter& l, const std::vector<int32_t>& in) {
    std::vector<int16_t> out(in.size());
    l.Process(kernels_, in.data(), nullptr, out.data(), in.size(), params_);
    return out;
  }
  AudioKernels kernels_ = SelectAudioKernels(GetCpuFeatures());
  std::vector<int32_t> frame_ramp_, attack_ramp_;
  LimiterParams params_;
};

TEST_F(LimiterTest, BelowTheThresholdTheOutputIsTheInput) {
  Limiter l;
  std::vector<int32_t> in(960);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = static_cast<int32_t>(20000 * std::sin(i * 0.05));
  const auto out = Run(l, in);
  for (size_t i = 0; i < in.size(); ++i)
    ASSERT_EQ(out[i], in[i]);
  EXPECT_EQ(l.gain_q15(), kUnityGainQ15);
}

TEST_F(LimiterTest, NoSampleEverExceedsTheThresholdWhereverThePeakFalls) {
  for (size_t peak_at : {size_t{0}, size_t{10}, size_t{47}, size_t{48}, size_t{500}, size_t{959}}) {
    Limiter l;
    std::vector<int32_t> quiet(960, 1000);
    Run(l, quiet);
    std::vector<int32_t> in(960, 5000);
    in[peak_at] = 200000;  // a spike seven times full scale
    const auto out = Run(l, in);
    for (size_t i = 0; i < out.size(); ++i)
      ASSERT_LE(std::abs(int{out[i]}), params_.threshold) << peak_at << " " << i;
    EXPECT_GT(std::abs(int{out[peak_at]}), params_.threshold * 0.98);
  }
}

TEST_F(LimiterTest, GainRecoversSmoothlyAfterALoudPassage) {
  Limiter l;
  std::vector<int32_t> loud(960, 60000), soft(960, 10000);
  Run(l, loud);
  const int32_t low = l.gain_q15();
  EXPECT_NEAR(low, params_.threshold * 32768.0 / 60000, 2);
  int32_t previous = low;
  for (int t = 0; t < 60; ++t) {
    const auto out = Run(l, soft);
    EXPECT_GE(l.gain_q15(), previous);  // only up
    for (size_t i = 1; i < out.size(); ++i)
      ASSERT_GE(out[i], out[i - 1]);  // a ramp, no step
    previous = l.gain_q15();
  }
  EXPECT_EQ(l.gain_q15(), kUnityGainQ15);
}

}  // namespace
}  // namespace tessera::mixer::audio_internal

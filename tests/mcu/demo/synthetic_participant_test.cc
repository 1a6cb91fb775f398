#include "tessera/mcu/demo/synthetic_participant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>
#include <tuple>
#include <vector>

namespace tessera::mcu::demo {
namespace {

// Counts sign changes: a clean tone of f Hz over N samples at 48 kHz has about 2*f*N/48000.
double EstimateFrequency(const std::vector<int16_t>& s) {
  int crossings = 0;
  for (size_t i = 1; i < s.size(); ++i)
    crossings += (s[i - 1] < 0) != (s[i] < 0);
  return crossings * 48000.0 / (2.0 * static_cast<double>(s.size()));
}

TEST(SyntheticParticipant, EachParticipantHasItsOwnColourAndTone) {
  std::set<std::tuple<int, int, int>> colours;
  std::set<double> tones;
  for (int i = 0; i < 8; ++i) {
    SyntheticParticipant p({"P" + std::to_string(i), i});
    colours.insert({p.y(), p.u(), p.v()});
    tones.insert(p.tone_hz());
  }
  EXPECT_EQ(colours.size(), 8u);
  EXPECT_EQ(tones.size(), 8u);
}

TEST(SyntheticParticipant, PictureShowsItsColourAndMoves) {
  SyntheticParticipant p({"Alice", 2});
  I420Buffer a(320, 180), b(320, 180);
  p.DrawFrame(0, a.view());
  p.DrawFrame(500, b.view());
  // Chroma is the participant's colour everywhere (the pattern only changes luma).
  EXPECT_EQ(a.view().u[10 * a.view().stride_u + 10], p.u());
  EXPECT_EQ(a.view().v[50 * a.view().stride_v + 100], p.v());
  int differing = 0;
  for (int r = 0; r < 180; ++r) {
    for (int c = 0; c < 320; ++c)
      differing += a.view().y[r * a.view().stride_y + c] != b.view().y[r * b.view().stride_y + c];
  }
  EXPECT_GT(differing, 320 * 180 / 50) << "the pattern should move between 0 and 500 ms";
}

TEST(SyntheticParticipant, DrawingIsDeterministicAndStaysInsideOddSizes) {
  SyntheticParticipant p({"Bob", 1});
  I420Buffer a(33, 17), b(33, 17);
  for (int64_t t : {0, 1234, 99999}) {
    p.DrawFrame(t, a.view());
    p.DrawFrame(t, b.view());
    for (int r = 0; r < 17; ++r) {
      ASSERT_EQ(0, std::memcmp(a.view().y + r * a.view().stride_y, b.view().y + r * b.view().stride_y, 33));
    }
  }
}

TEST(SyntheticParticipant, TalksInBurstsWithItsToneAndIsSilentOtherwise) {
  SyntheticParticipant p({"Carol", 1});
  // Participant 1 talks from 3.0 s for 2.0-3.0 s of each 12 s cycle.
  ASSERT_TRUE(p.TalkingAt(3100));
  ASSERT_FALSE(p.TalkingAt(100));
  std::vector<int16_t> talking(48000 / 2), silent(960);
  p.FillAudio(int64_t{48000} * 31 / 10, talking);
  p.FillAudio(0, silent);
  EXPECT_NEAR(EstimateFrequency(talking), p.tone_hz(), p.tone_hz() * 0.02);
  for (int16_t s : silent)
    ASSERT_EQ(s, 0);
}

TEST(SyntheticParticipant, SpeakersTakeTurns) {
  std::vector<SyntheticParticipant> people;
  for (int i = 0; i < 4; ++i)
    people.emplace_back(SyntheticParticipantSpec{"P", i});
  std::set<int> speakers;
  for (int64_t t = 0; t < 12000; t += 250) {
    int talking = 0;
    for (int i = 0; i < 4; ++i) {
      if (people[i].TalkingAt(t)) {
        ++talking;
        speakers.insert(i);
      }
    }
    EXPECT_LE(talking, 1) << "at " << t << " ms";
  }
  EXPECT_EQ(speakers.size(), 4u);
}

TEST(SyntheticParticipant, ToneIsContinuousAcrossCalls) {
  SyntheticParticipant p({"Dan", 0});
  std::vector<int16_t> whole(1920), first(960), second(960);
  p.FillAudio(0, whole);
  p.FillAudio(0, first);
  p.FillAudio(960, second);
  for (int i = 0; i < 960; ++i) {
    ASSERT_EQ(whole[i], first[i]);
    ASSERT_EQ(whole[960 + i], second[i]);
  }
}

}  // namespace
}  // namespace tessera::mcu::demo

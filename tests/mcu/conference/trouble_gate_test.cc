// TroubleGate: a growing error counter becomes one event, then stays quiet for a while.
#include "tessera/mcu/conference/trouble_gate.h"

#include <gtest/gtest.h>

namespace tessera::mcu::conference {
namespace {

using namespace std::chrono_literals;
using Clock = TroubleGate::Clock;

TEST(TroubleGate, ACounterThatGrowsByTheThresholdIsReportedOnceThenQuiet) {
  TroubleGate gate(30s);
  const Clock::time_point t0{};
  EXPECT_EQ(gate.Look(7, Trouble::kVideoDecode, 0, 5, t0), 0u);
  EXPECT_EQ(gate.Look(7, Trouble::kVideoDecode, 12, 5, t0 + 1s), 12u);
  // Still failing, but reported a second ago: quiet.
  EXPECT_EQ(gate.Look(7, Trouble::kVideoDecode, 40, 5, t0 + 2s), 0u);
  EXPECT_EQ(gate.Look(7, Trouble::kVideoDecode, 90, 5, t0 + 30s), 0u);
  // The quiet period is over and it still grows: reported again, with the last second's growth.
  EXPECT_EQ(gate.Look(7, Trouble::kVideoDecode, 99, 5, t0 + 32s), 9u);
}

TEST(TroubleGate, GrowthBelowTheThresholdIsNotTrouble) {
  TroubleGate gate(30s);
  const Clock::time_point t0{};
  uint64_t total = 0;
  for (int second = 1; second <= 10; ++second) {
    total += 4;  // a lossy link's occasional error, every second
    EXPECT_EQ(gate.Look(1, Trouble::kSrtpAudio, total, 5, t0 + std::chrono::seconds(second)), 0u) << second;
  }
}

TEST(TroubleGate, SubjectsAndKindsAreSeparateAndForgottenSubjectsStartOver) {
  TroubleGate gate(30s);
  const Clock::time_point t0{};
  EXPECT_EQ(gate.Look(1, Trouble::kSrtpAudio, 20, 10, t0), 20u);
  EXPECT_EQ(gate.Look(1, Trouble::kSrtpVideo, 20, 10, t0), 20u);  // another kind
  EXPECT_EQ(gate.Look(2, Trouble::kSrtpAudio, 20, 10, t0), 20u);  // another subject
  gate.Forget(1);
  // A new participant with the number of one that left is not held quiet by it.
  EXPECT_EQ(gate.Look(1, Trouble::kSrtpAudio, 15, 10, t0 + 1s), 15u);
  EXPECT_EQ(gate.Look(2, Trouble::kSrtpAudio, 40, 10, t0 + 1s), 0u);
}

TEST(TroubleGate, ABlipOfOneLookIsQuietWhenTwoInARowAreAsked) {
  TroubleGate gate(30s);
  const Clock::time_point t0{};
  // One bad second (a video joined between keyframes), then clean.
  EXPECT_EQ(gate.Look(4, Trouble::kVideoDecode, 22, 5, t0 + 1s, 2), 0u);
  EXPECT_EQ(gate.Look(4, Trouble::kVideoDecode, 22, 5, t0 + 2s, 2), 0u);
  // Bad, clean, bad: never two in a row.
  EXPECT_EQ(gate.Look(4, Trouble::kVideoDecode, 40, 5, t0 + 3s, 2), 0u);
  EXPECT_EQ(gate.Look(4, Trouble::kVideoDecode, 41, 5, t0 + 4s, 2), 0u);
  EXPECT_EQ(gate.Look(4, Trouble::kVideoDecode, 60, 5, t0 + 5s, 2), 0u);
  // Two in a row: reported, with the last second's growth.
  EXPECT_EQ(gate.Look(4, Trouble::kVideoDecode, 80, 5, t0 + 6s, 2), 20u);
}

TEST(TroubleGate, CodesAreStable) {
  EXPECT_STREQ(TroubleCode(Trouble::kVideoDecode), "video_decode_errors");
  EXPECT_STREQ(TroubleCode(Trouble::kSrtpAudio), "srtp_auth_failures");
  EXPECT_STREQ(TroubleCode(Trouble::kSrtpVideo), "srtp_auth_failures");
  EXPECT_STREQ(TroubleCode(Trouble::kVideoEncode), "video_encode_errors");
  EXPECT_STREQ(TroubleCode(Trouble::kAudioDecode), "audio_decode_errors");
}

}  // namespace
}  // namespace tessera::mcu::conference

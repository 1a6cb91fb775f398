#include "tessera/mcu/conference/dtmf_receiver.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace tessera::mcu::conference {
namespace {

constexpr int kFrame = 960;

// `frames` 20 ms frames at 48 kHz of the sum of the given tones (amplitude each).
std::vector<int16_t> Tones(std::vector<double> hz, int frames, double amplitude = 6000, int64_t start = 0) {
  std::vector<int16_t> out(static_cast<size_t>(frames * kFrame));
  for (size_t i = 0; i < out.size(); ++i) {
    double v = 0;
    for (double f : hz)
      v += amplitude * std::sin(2 * M_PI * f * static_cast<double>(start + static_cast<int64_t>(i)) / 48000);
    out[i] = static_cast<int16_t>(v);
  }
  return out;
}

std::string Detect(InbandDtmfDetector& d, const std::vector<int16_t>& samples) {
  std::string digits;
  for (size_t at = 0; at + kFrame <= samples.size(); at += kFrame)
    if (auto digit = d.OnFrame(std::span<const int16_t>(samples.data() + at, kFrame))) digits.push_back(*digit);
  return digits;
}

TEST(InbandDtmfDetector, EveryKeyOfTheKeypadIsRecognisedOncePerPress) {
  const double rows[] = {697, 770, 852, 941};
  const double columns[] = {1209, 1336, 1477, 1633};
  const char* keypad[] = {"123A", "456B", "789C", "*0#D"};
  InbandDtmfDetector d;
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      // 100 ms of the pair (five frames), then 60 ms of silence.
      EXPECT_EQ(Detect(d, Tones({rows[r], columns[c]}, 5)), std::string(1, keypad[r][c]));
      EXPECT_EQ(Detect(d, Tones({}, 3)), "");
    }
  }
}

TEST(InbandDtmfDetector, TheSameKeyTwiceNeedsASilenceBetween) {
  InbandDtmfDetector d;
  EXPECT_EQ(Detect(d, Tones({770, 1336}, 10)), "5");  // one long press
  EXPECT_EQ(Detect(d, Tones({}, 1)), "");
  EXPECT_EQ(Detect(d, Tones({770, 1336}, 3)), "5");
}

TEST(InbandDtmfDetector, SingleTonesChordsSilenceAndShortBlipsAreNotDigits) {
  InbandDtmfDetector d;
  EXPECT_EQ(Detect(d, Tones({697}, 5)), "");             // one tone only
  EXPECT_EQ(Detect(d, Tones({440, 880}, 5)), "");        // a chord outside the grid
  EXPECT_EQ(Detect(d, Tones({697, 770, 1209}, 5)), "");  // two rows at once
  EXPECT_EQ(Detect(d, Tones({697, 1209}, 5, 2)), "");    // below the level floor
  EXPECT_EQ(Detect(d, Tones({697, 1209}, 1)), "");       // 20 ms: too short
  EXPECT_EQ(Detect(d, Tones({}, 2)), "");
  // The prompts' own beeps (600, 900, 700, 500, 350, 400 Hz) are not digits either.
  EXPECT_EQ(Detect(d, Tones({600}, 5)) + Detect(d, Tones({900}, 5)) + Detect(d, Tones({700}, 5)), "");
}

TEST(TelephoneEventReceiver, OneDigitPerEventWhateverItsRepeatedPackets) {
  TelephoneEventReceiver r;
  auto packet = [&](uint32_t ts, uint8_t event, bool end) {
    const uint8_t payload[4] = {event, static_cast<uint8_t>(end ? 0x8a : 0x0a), 0x01, 0x40};
    return r.OnPacket(ts, payload);
  };
  EXPECT_EQ(packet(1000, 1, false), '1');
  EXPECT_EQ(packet(1000, 1, false), std::nullopt);
  EXPECT_EQ(packet(1000, 1, true), std::nullopt);
  EXPECT_EQ(packet(1000, 1, true), std::nullopt);  // the end is sent three times
  EXPECT_EQ(packet(2000, 11, false), '#');
  EXPECT_EQ(packet(2000, 11, true), std::nullopt);
  // A canned capture replayed twice: the same timestamp, a new press after the end.
  EXPECT_EQ(packet(2000, 11, false), '#');
  EXPECT_EQ(packet(2000, 10, false), '*');           // another event code with the same timestamp
  EXPECT_EQ(packet(3000, 16, false), std::nullopt);  // flash, not a digit
  const uint8_t short_payload[2] = {1, 0};
  EXPECT_EQ(r.OnPacket(4000, short_payload), std::nullopt);
}

}  // namespace
}  // namespace tessera::mcu::conference

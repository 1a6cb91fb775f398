// DtmfSender: what a participant's audio carries, tick by tick, for the digits the control
// plane queued — checked against the engine's own receivers (TelephoneEventReceiver for RFC
// 4733 packets, InbandDtmfDetector for tones), which independent endpoints' digits pass too.
#include "tessera/mcu/conference/dtmf_sender.h"

#include <gtest/gtest.h>

#include <string>

#include "tessera/mcu/conference/dtmf_receiver.h"

namespace tessera::mcu::conference {
namespace {

constexpr uint32_t kIncrement = 160;  // 20 ms at 8 kHz (G.711)

// Queues every key of `keys`; false if the outbox refused one.
bool Queue(DtmfSender& sender, const std::string& keys, DtmfMethod method) {
  for (char k : keys)
    if (!sender.outbox()->Push({k, method, 101})) return false;
  return true;
}

TEST(DtmfSender, Rfc4733EventsCarryEachKeyOnceWithTheRfcPacketSequence) {
  DtmfSender sender;
  const std::string keys = "0123456789*#ABCD";
  ASSERT_TRUE(Queue(sender, keys, DtmfMethod::kRfc4733));
  TelephoneEventReceiver receiver;
  std::string received;
  uint32_t timestamp = 1000;
  int events = 0, audio = 0, markers = 0, ends = 0;
  for (int tick = 0; tick < static_cast<int>(keys.size()) * 13 + 5; ++tick, timestamp += kIncrement) {
    const DtmfSender::Step step = sender.Next(timestamp, kIncrement);
    if (step.kind == DtmfSender::Step::Kind::kAudio) {
      ++audio;
      continue;
    }
    ASSERT_EQ(step.kind, DtmfSender::Step::Kind::kEvent);
    ++events;
    EXPECT_EQ(step.payload_type, 101);
    markers += step.marker;
    const bool end = step.event[1] & 0x80;
    ends += end;
    const uint32_t duration = uint32_t{step.event[2]} << 8 | step.event[3];
    EXPECT_LE(duration, 5 * kIncrement);
    EXPECT_EQ(step.event[1] & 0x3f, 10) << "volume";
    if (end) {
      EXPECT_EQ(duration, 5 * kIncrement) << "the end packets carry the full duration";
    }
    if (auto digit = receiver.OnPacket(step.timestamp, step.event)) received.push_back(*digit);
  }
  EXPECT_EQ(received, keys);
  EXPECT_EQ(events, 16 * 8) << "5 key-down packets and 3 end packets per key";
  EXPECT_EQ(markers, 16);
  EXPECT_EQ(ends, 16 * 3);
  EXPECT_GE(audio, 16 * 5) << "the mix goes on between keys";
}

TEST(DtmfSender, InbandTonesAreHeardByTheDetectorOncePerKey) {
  DtmfSender sender;
  const std::string keys = "2468#1357*";
  ASSERT_TRUE(Queue(sender, keys, DtmfMethod::kInband));
  InbandDtmfDetector detector;
  std::string heard;
  int tone_ticks = 0;
  for (int tick = 0; tick < static_cast<int>(keys.size()) * 10 + 5; ++tick) {
    const DtmfSender::Step step = sender.Next(0, kIncrement);
    if (step.kind == DtmfSender::Step::Kind::kAudio) continue;
    ASSERT_EQ(step.kind, DtmfSender::Step::Kind::kSamples);
    ASSERT_EQ(step.samples.size(), static_cast<size_t>(DtmfSender::kFrameSamples));
    tone_ticks += step.samples[100] != 0 || step.samples[200] != 0;
    if (auto digit = detector.OnFrame(step.samples)) heard.push_back(*digit);
  }
  EXPECT_EQ(heard, keys);
  EXPECT_EQ(tone_ticks, static_cast<int>(keys.size()) * DtmfSender::kKeyTicks);
}

TEST(DtmfSender, NothingQueuedLeavesTheAudioAlone) {
  DtmfSender sender;
  for (int tick = 0; tick < 10; ++tick)
    EXPECT_EQ(sender.Next(0, kIncrement).kind, DtmfSender::Step::Kind::kAudio);
}

TEST(DtmfEvents, EventsAndDigitsMapBothWaysAndOtherCharactersHaveNone) {
  for (int event = 0; event < 16; ++event)
    EXPECT_EQ(DtmfEventOfDigit(DtmfDigitOfEvent(event)), event);
  EXPECT_EQ(DtmfEventOfDigit('x'), -1);
  EXPECT_EQ(DtmfEventOfDigit('\0'), -1);
  ASSERT_TRUE(DtmfTonesOfDigit('5'));
  EXPECT_EQ(DtmfTonesOfDigit('5')->low, 770);
  EXPECT_EQ(DtmfTonesOfDigit('5')->high, 1336);
  EXPECT_FALSE(DtmfTonesOfDigit('e'));
}

}  // namespace
}  // namespace tessera::mcu::conference

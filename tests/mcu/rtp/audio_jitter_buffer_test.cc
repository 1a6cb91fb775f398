#include "tessera/mcu/rtp/audio_jitter_buffer.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

AudioJitterBufferConfig Pcmu() {
  AudioJitterBufferConfig c;
  c.clock_rate = 8000;
  c.frame_samples = 160;
  return c;
}

// One packet per 20 ms: payload byte = sequence number (low 8 bits).
struct Sender {
  uint16_t seq = 1000;
  uint32_t ts = 50000;
  void Send(AudioJitterBuffer& jb, TimePoint at, uint32_t samples = 160) {
    const uint8_t payload[1] = {static_cast<uint8_t>(seq)};
    jb.Insert(seq, ts, payload, at);
    ++seq;
    ts += samples;
  }
};

TEST(AudioJitterBuffer, PlaysSilenceUntilTheInitialDelayThenEveryPacketInOrder) {
  AudioJitterBuffer jb(Pcmu());
  Sender s;
  std::vector<int> played;
  for (int tick = 0; tick < 100; ++tick) {
    const TimePoint now = kT0 + milliseconds(20 * tick);
    s.Send(jb, now);
    const AudioPop p = jb.Pop(now);
    if (tick < 3) {
      EXPECT_EQ(p.kind, AudioPopKind::kNotStarted) << tick;
    }
    if (p.kind == AudioPopKind::kFrame) played.push_back(p.payload[0]);
  }
  // In order; a frame is skipped only when the buffer shrinks its delay on purpose.
  ASSERT_GT(played.size(), 90u);
  int skipped = 0;
  for (size_t i = 1; i < played.size(); ++i) {
    const int step = (played[i] - played[i - 1]) & 0xFF;
    EXPECT_TRUE(step == 1 || step == 2) << i;
    skipped += step - 1;
  }
  EXPECT_EQ(static_cast<uint64_t>(skipped), jb.stats().frames_accelerated);
  EXPECT_LE(jb.stats().frames_accelerated, 3u);
  EXPECT_EQ(jb.stats().frames_lost, 0u);
  EXPECT_EQ(jb.frame_samples(), 160u);
}

TEST(AudioJitterBuffer, ReportsAMissingPacketAsLostAndOffersTheNextForFec) {
  AudioJitterBufferConfig c = Pcmu();
  c.initial_delay = milliseconds(40);
  AudioJitterBuffer jb(c);
  Sender s;
  for (int i = 0; i < 4; ++i)
    s.Send(jb, kT0);
  ++s.seq;  // packet 1004 is lost
  s.ts += 160;
  for (int i = 0; i < 4; ++i)
    s.Send(jb, kT0);
  std::vector<AudioPop> pops;
  for (int i = 0; i < 8; ++i)
    pops.push_back(jb.Pop(kT0 + milliseconds(40 + 20 * i)));
  int lost_index = -1;
  for (int i = 0; i < 8; ++i) {
    if (pops[i].kind == AudioPopKind::kConceal && pops[i].lost) lost_index = i;
  }
  ASSERT_GE(lost_index, 0);
  ASSERT_EQ(pops[lost_index].next_payload.size(), 1u);
  EXPECT_EQ(pops[lost_index].next_payload[0], static_cast<uint8_t>(1005));
  EXPECT_EQ(jb.stats().frames_lost, 1u);
}

TEST(AudioJitterBuffer, DropsDuplicatesAndPacketsThatComeTooLate) {
  AudioJitterBuffer jb(Pcmu());
  const uint8_t p[1] = {0};
  jb.Insert(10, 1600, p, kT0);
  EXPECT_EQ(jb.Insert(10, 1600, p, kT0), JitterInsertResult::kDuplicate);
  jb.Insert(11, 1760, p, kT0);
  jb.Pop(kT0 + milliseconds(100));  // starts, plays 10
  EXPECT_EQ(jb.Insert(10, 1600, p, kT0 + milliseconds(100)), JitterInsertResult::kTooLate);
  EXPECT_EQ(jb.stats().drops[DropReason::kDuplicate], 1u);
  EXPECT_EQ(jb.stats().drops[DropReason::kTooLate], 1u);
}

TEST(AudioJitterBuffer, LearnsAPacketTimeThatDiffersFromTheConfiguredOne) {
  AudioJitterBuffer jb(Pcmu());
  Sender s;
  for (int i = 0; i < 5; ++i)
    s.Send(jb, kT0 + milliseconds(40 * i), 320);  // 40 ms packets
  EXPECT_EQ(jb.frame_samples(), 320u);
}

// Packets sent every 20 ms arrive with a uniformly random delay in [0, jitter(i)] for
// packet i; the mixer pops every 20 ms. Returns the buffer after `seconds` of that.
template <typename JitterOf>
AudioJitterBuffer RunWithJitter(JitterOf jitter_of, int seconds, uint32_t seed) {
  AudioJitterBuffer jb(Pcmu());
  std::mt19937 rng(seed);
  struct Arrival {
    TimePoint at;
    uint16_t seq;
    uint32_t ts;
  };
  std::vector<Arrival> arrivals;
  const int packets = seconds * 50;
  for (int i = 0; i < packets; ++i) {
    std::uniform_int_distribution<int> delay(0, static_cast<int>(jitter_of(i).count()));
    arrivals.push_back({kT0 + milliseconds(20 * i + delay(rng)), static_cast<uint16_t>(i), 160u * i});
  }
  std::sort(arrivals.begin(), arrivals.end(), [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
  size_t next = 0;
  const uint8_t p[1] = {0};
  for (TimePoint now = kT0; now < kT0 + std::chrono::seconds(seconds); now += microseconds(1000)) {
    while (next < arrivals.size() && arrivals[next].at <= now) {
      jb.Insert(arrivals[next].seq, arrivals[next].ts, p, arrivals[next].at);
      ++next;
    }
    if ((now - kT0) % milliseconds(20) == microseconds(0)) jb.Pop(now);
  }
  return jb;
}

AudioJitterBuffer RunWithJitter(milliseconds jitter, int seconds, uint32_t seed) {
  return RunWithJitter([jitter](int) { return jitter; }, seconds, seed);
}

TEST(AudioJitterBuffer, KeepsASmallDelayOnACleanNetwork) {
  AudioJitterBuffer jb = RunWithJitter(milliseconds(0), 10, 1);
  EXPECT_LE(jb.target_delay(), milliseconds(30));
  EXPECT_EQ(jb.stats().frames_lost, 0u);
  EXPECT_LE(jb.stats().underruns, 2u);
}

TEST(AudioJitterBuffer, GrowsTheDelayToCoverFiftyMillisecondsOfJitter) {
  AudioJitterBuffer jb = RunWithJitter(milliseconds(50), 20, 2);
  EXPECT_GE(jb.target_delay(), milliseconds(60));
  EXPECT_LE(jb.target_delay(), milliseconds(100));
  // After adapting, nearly every frame is played rather than concealed.
  const auto& s = jb.stats();
  EXPECT_GT(s.frames_played, 950u);
  EXPECT_LT(s.frames_lost + s.underruns, 30u) << "lost " << s.frames_lost << " underruns " << s.underruns;
}

TEST(AudioJitterBuffer, ShrinksTheDelayAgainWhenTheJitterGoesAway) {
  // 10 s with 80 ms of jitter, then 10 s of a clean network.
  AudioJitterBuffer jb = RunWithJitter([](int i) { return i < 500 ? milliseconds(80) : milliseconds(0); }, 20, 3);
  EXPECT_LE(jb.target_delay(), milliseconds(30));
  EXPECT_LE(jb.buffered(), milliseconds(80));
  EXPECT_GT(jb.stats().frames_accelerated, 3u);
}

TEST(AudioJitterBuffer, ASequenceJumpRestartsPlayout) {
  AudioJitterBuffer jb(Pcmu());
  const uint8_t p[1] = {0};
  jb.Insert(100, 0, p, kT0);
  EXPECT_EQ(jb.Insert(30000, 999999, p, kT0), JitterInsertResult::kReset);
  EXPECT_EQ(jb.stats().resets, 1u);
  EXPECT_FALSE(jb.playing());
}

}  // namespace
}  // namespace tessera::mcu::rtp

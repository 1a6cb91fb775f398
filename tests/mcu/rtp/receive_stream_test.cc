#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/mcu/rtp/audio_receive_stream.h"
#include "tessera/mcu/rtp/video_receive_stream.h"

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

// Single-NAL H.264 packets: an IDR slice or a non-IDR slice, each a whole picture.
std::vector<uint8_t> Packet(uint16_t seq, uint32_t ts, bool key, uint32_t ssrc = 0xABC) {
  std::vector<uint8_t> p(12 + 3);
  WriteRtpHeader(RtpHeader{.payload_type = 96, .marker = true, .sequence_number = seq, .timestamp = ts, .ssrc = ssrc},
                 p);
  p[12] = key ? 0x65 : 0x41;
  p[13] = 0x88;  // first_mb_in_slice = 0
  p[14] = static_cast<uint8_t>(seq);
  return p;
}

struct Feedback : RtcpVisitor {
  std::vector<uint16_t> nacked;
  int plis = 0;
  std::vector<FirEntry> firs;
  void OnNack(const FeedbackView&, const NackView& n) override {
    n.ForEachLost([&](uint16_t s) { nacked.push_back(s); });
  }
  void OnPli(const FeedbackView&) override { ++plis; }
  void OnFir(const FeedbackView&, const FirView& f) override {
    for (size_t i = 0; i < f.size(); ++i)
      firs.push_back(f[i]);
  }
};

Feedback Collect(VideoReceiveStream& s, TimePoint now) {
  std::array<uint8_t, 1500> buf{};
  RtcpBuilder b(buf);
  Feedback f;
  if (s.AppendFeedback(now, b)) {
    EXPECT_TRUE(ParseRtcpCompound(b.data(), f).ok());
  }
  return f;
}

class VideoReceiveStreamTest : public ::testing::Test {
 protected:
  void Receive(uint16_t seq, bool key, TimePoint at = kT0) {
    const auto p = Packet(seq, 3000u * seq, key);
    stream_.OnRtpPacket(*ParseRtp(p), at);
  }
  int PopAll(TimePoint now) {
    int n = 0;
    while (stream_.PopFrame(now))
      ++n;
    return n;
  }
  VideoReceiveStream stream_{VideoReceiveStreamConfig{.local_ssrc = 0x10}};
};

TEST_F(VideoReceiveStreamTest, NacksAGapAndDeliversOnceItIsRepaired) {
  Receive(100, true);
  EXPECT_EQ(PopAll(kT0), 1);
  Receive(102, false);
  EXPECT_EQ(PopAll(kT0), 0);
  const auto f = Collect(stream_, kT0 + milliseconds(10));
  EXPECT_THAT(f.nacked, ElementsAre(101));
  EXPECT_EQ(f.plis, 0);
  Receive(101, false, kT0 + milliseconds(40));
  EXPECT_EQ(PopAll(kT0 + milliseconds(40)), 2);
  EXPECT_EQ(stream_.state(), DecodeState::kDecodable);
  EXPECT_EQ(stream_.stats().nack_packets_sent, 1u);
}

TEST_F(VideoReceiveStreamTest, AsksForAKeyframeWhenNackGivesUp) {
  VideoReceiveStreamConfig c{.local_ssrc = 0x10};
  c.nack_config.max_retries = 2;
  VideoReceiveStream s(c);
  auto receive = [&](uint16_t seq, bool key, TimePoint at) {
    s.OnRtpPacket(*ParseRtp(Packet(seq, 3000u * seq, key)), at);
  };
  receive(1, true, kT0);
  while (s.PopFrame(kT0)) {
  }
  receive(3, false, kT0);
  std::vector<std::string> events;
  for (int i = 1; i <= 10; ++i) {
    const TimePoint now = kT0 + milliseconds(150 * i);
    const auto f = Collect(s, now);
    if (!f.nacked.empty()) events.push_back("nack");
    if (f.plis) events.push_back("pli");
    while (s.PopFrame(now)) {
    }
  }
  // Two NACKs, then (NACK gave up, frame 3 is undecodable) a PLI, repeated until answered.
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[0], "nack");
  EXPECT_EQ(events[1], "nack");
  EXPECT_EQ(events[2], "pli");
  EXPECT_EQ(s.state(), DecodeState::kNeedsKeyframe);
  receive(4, true, kT0 + milliseconds(1600));
  EXPECT_TRUE(s.PopFrame(kT0 + milliseconds(1600)));
  EXPECT_EQ(s.state(), DecodeState::kDecodable);
  EXPECT_FALSE(s.keyframes().pending());
}

TEST_F(VideoReceiveStreamTest, UsesFirWhenOnlyCcmFirWasNegotiated) {
  VideoReceiveStreamConfig c{.local_ssrc = 0x10, .nack = false, .keyframe_method = KeyframeRequestMethod::kFir};
  VideoReceiveStream s(c);
  s.OnRtpPacket(*ParseRtp(Packet(7, 100, false)), kT0);  // starts without a keyframe
  while (s.PopFrame(kT0)) {
  }
  const auto f = Collect(s, kT0);
  ASSERT_EQ(f.firs.size(), 1u);
  EXPECT_EQ(f.firs[0].ssrc, 0xABCu);
  EXPECT_EQ(f.plis, 0);
  EXPECT_EQ(s.stats().fir_sent, 1u);
}

TEST_F(VideoReceiveStreamTest, ReportsLossAndRestartsOnANewSsrc) {
  Receive(10, true);
  Receive(12, false);
  EXPECT_EQ(stream_.MakeReportBlock(kT0).cumulative_lost, 1);
  stream_.OnSsrcChanged();
  stream_.OnRtpPacket(*ParseRtp(Packet(500, 9000, true, 0xDEF)), kT0);
  EXPECT_EQ(stream_.remote_ssrc(), 0xDEFu);
  EXPECT_EQ(stream_.MakeReportBlock(kT0).cumulative_lost, 0);
  EXPECT_EQ(PopAll(kT0), 1);
}

TEST(AudioReceiveStream, PlaysPacketsAndReportsTheirStatistics) {
  AudioJitterBufferConfig c;
  c.clock_rate = 8000;
  c.frame_samples = 160;
  AudioReceiveStream s(c);
  int frames = 0, lost = 0;
  for (uint16_t i = 0; i < 40; ++i) {
    const TimePoint now = kT0 + milliseconds(20 * i);
    if (i < 20 && i != 5) {  // packet 5 is lost
      std::vector<uint8_t> p(12 + 160);
      WriteRtpHeader(RtpHeader{.payload_type = 0, .sequence_number = i, .timestamp = 160u * i, .ssrc = 9}, p);
      s.OnRtpPacket(*ParseRtp(p), now);
    }
    const auto pop = s.Pop(now);
    frames += pop.kind == AudioPopKind::kFrame;
    lost += pop.lost;
  }
  EXPECT_EQ(lost, 1);
  EXPECT_GE(frames, 17);
  EXPECT_EQ(s.MakeReportBlock(kT0).cumulative_lost, 1);
  EXPECT_EQ(s.remote_ssrc(), 9u);
}

}  // namespace
}  // namespace tessera::mcu::rtp

#include "tessera/mcu/rtp/video_jitter_buffer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

// Frame f has `packets` packets starting at sequence `first`, timestamp 3000 * f; each
// payload is {f, index}.
struct FrameSpec {
  int64_t first;
  int packets;
  uint32_t frame;
  bool key = false;
};

class VideoJitterBufferTest : public ::testing::Test {
 protected:
  JitterInsertResult InsertPacket(const FrameSpec& f, int index, TimePoint now = kT0, bool marker_bit = true) {
    const uint8_t payload[2] = {static_cast<uint8_t>(f.frame), static_cast<uint8_t>(index)};
    VideoPacketHints hints{index == 0, f.key};
    return jb_.Insert(f.first + index, f.frame * 3000u, marker_bit && index == f.packets - 1, payload, hints, now);
  }
  void InsertFrame(const FrameSpec& f, TimePoint now = kT0) {
    for (int i = 0; i < f.packets; ++i)
      InsertPacket(f, i, now);
  }
  // Pops every ready frame and returns their frame numbers, checking each is complete.
  std::vector<uint32_t> PopAll(TimePoint now = kT0) {
    std::vector<uint32_t> out;
    while (auto f = jb_.PopFrame(now)) {
      const uint32_t frame = f->rtp_timestamp / 3000;
      for (size_t i = 0; i < f->payloads.size(); ++i) {
        EXPECT_EQ(f->payloads[i].size(), 2u);
        EXPECT_EQ(f->payloads[i][0], frame) << "packet from another frame";
        EXPECT_EQ(f->payloads[i][1], i) << "packets out of order";
      }
      out.push_back(frame);
    }
    return out;
  }

  VideoJitterBufferConfig config_;
  VideoJitterBuffer jb_{config_};
};

TEST_F(VideoJitterBufferTest, DeliversCompleteFramesInOrderWithoutDelay) {
  InsertFrame({100, 3, 1, true});
  EXPECT_THAT(PopAll(), ElementsAre(1u));
  EXPECT_EQ(jb_.state(), DecodeState::kDecodable);
  InsertFrame({103, 1, 2});
  InsertFrame({104, 2, 3});
  EXPECT_THAT(PopAll(), ElementsAre(2u, 3u));
  EXPECT_EQ(jb_.stats().frames_delivered, 3u);
  EXPECT_EQ(jb_.stats().keyframes_delivered, 1u);
}

TEST_F(VideoJitterBufferTest, HoldsAFrameUntilItsLastPacketArrives) {
  const FrameSpec f{10, 3, 1, true};
  InsertPacket(f, 0);
  InsertPacket(f, 1);
  EXPECT_TRUE(PopAll().empty());
  InsertPacket(f, 2);
  EXPECT_THAT(PopAll(), ElementsAre(1u));
}

TEST_F(VideoJitterBufferTest, ReordersPacketsWithinAndAcrossFrames) {
  const FrameSpec a{10, 3, 1, true}, b{13, 2, 2};
  InsertPacket(b, 1);
  InsertPacket(a, 2);
  InsertPacket(b, 0);
  InsertPacket(a, 0);
  EXPECT_TRUE(PopAll().empty());
  InsertPacket(a, 1);
  EXPECT_THAT(PopAll(), ElementsAre(1u, 2u));
}

TEST_F(VideoJitterBufferTest, DropsDuplicatesAndLatePackets) {
  const FrameSpec f{10, 2, 1, true};
  InsertPacket(f, 0);
  EXPECT_EQ(InsertPacket(f, 0), JitterInsertResult::kDuplicate);
  InsertPacket(f, 1);
  EXPECT_THAT(PopAll(), ElementsAre(1u));
  EXPECT_EQ(InsertPacket(f, 1), JitterInsertResult::kTooLate);
  EXPECT_EQ(jb_.stats().drops[DropReason::kDuplicate], 1u);
  EXPECT_EQ(jb_.stats().drops[DropReason::kTooLate], 1u);
}

TEST_F(VideoJitterBufferTest, AStreamThatStartsWithoutAKeyframeWaitsForOne) {
  InsertFrame({10, 2, 1});
  InsertFrame({12, 2, 2});
  EXPECT_TRUE(PopAll().empty());
  EXPECT_EQ(jb_.state(), DecodeState::kNeedsKeyframe);
  EXPECT_EQ(jb_.stats().frames_undecodable, 2u);
  InsertFrame({14, 2, 3, true});
  EXPECT_THAT(PopAll(), ElementsAre(3u));
  EXPECT_EQ(jb_.state(), DecodeState::kDecodable);
}

TEST_F(VideoJitterBufferTest, LaterFramesWaitForARetransmissionAndThenFlowInOrder) {
  InsertFrame({10, 1, 1, true});
  EXPECT_THAT(PopAll(), ElementsAre(1u));
  const FrameSpec lossy{11, 3, 2};
  InsertPacket(lossy, 0);
  InsertPacket(lossy, 2);
  InsertFrame({14, 2, 3}, kT0 + milliseconds(10));
  EXPECT_TRUE(PopAll(kT0 + milliseconds(20)).empty());
  InsertPacket(lossy, 1, kT0 + milliseconds(60));  // the NACKed packet comes back
  EXPECT_THAT(PopAll(kT0 + milliseconds(60)), ElementsAre(2u, 3u));
  EXPECT_EQ(jb_.state(), DecodeState::kDecodable);
  EXPECT_EQ(jb_.stats().skips, 0u);
}

TEST_F(VideoJitterBufferTest, SkipsWhenNackGivesUpAndThenNeedsAKeyframe) {
  InsertFrame({10, 1, 1, true});
  PopAll();
  const FrameSpec lossy{11, 3, 2};
  InsertPacket(lossy, 0);
  InsertPacket(lossy, 2);
  InsertFrame({14, 2, 3});
  EXPECT_TRUE(PopAll().empty());
  jb_.OnLostForGood(12);
  EXPECT_TRUE(PopAll().empty());  // frame 3 depends on the lost frame 2
  EXPECT_EQ(jb_.state(), DecodeState::kNeedsKeyframe);
  EXPECT_EQ(jb_.stats().frames_incomplete, 1u);
  EXPECT_EQ(jb_.stats().frames_undecodable, 1u);
  InsertFrame({16, 2, 4, true});
  EXPECT_THAT(PopAll(), ElementsAre(4u));
  EXPECT_EQ(jb_.state(), DecodeState::kDecodable);
}

TEST_F(VideoJitterBufferTest, SkipsAfterMaxWaitEvenWithoutNack) {
  InsertFrame({10, 1, 1, true});
  PopAll();
  InsertPacket({11, 2, 2}, 0);  // packet 12 never comes
  InsertFrame({13, 1, 3}, kT0);
  EXPECT_TRUE(PopAll(kT0).empty());
  const auto deadline = jb_.NextDeadline();
  ASSERT_TRUE(deadline);
  EXPECT_EQ(*deadline, kT0 + config_.max_wait);
  EXPECT_TRUE(PopAll(*deadline - milliseconds(1)).empty());
  PopAll(*deadline);
  EXPECT_EQ(jb_.stats().skips, 1u);
  EXPECT_EQ(jb_.state(), DecodeState::kNeedsKeyframe);
}

TEST_F(VideoJitterBufferTest, JumpsToACompleteKeyframeBehindAGapAfterAShortWait) {
  InsertFrame({10, 1, 1, true});
  PopAll();
  InsertPacket({11, 3, 2}, 0);
  InsertFrame({14, 2, 3});
  InsertFrame({16, 3, 4, true});
  EXPECT_TRUE(PopAll().empty());
  EXPECT_EQ(jb_.NextDeadline(), kT0 + config_.keyframe_wait);
  EXPECT_THAT(PopAll(kT0 + config_.keyframe_wait), ElementsAre(4u));
  EXPECT_EQ(jb_.state(), DecodeState::kDecodable);
  EXPECT_GE(jb_.stats().packets_discarded, 3u);
}

TEST_F(VideoJitterBufferTest, ATimestampChangeEndsAFrameWhoseMarkerWasNotSet) {
  const FrameSpec a{10, 2, 1, true}, b{12, 1, 2};
  InsertPacket(a, 0, kT0, false);
  InsertPacket(a, 1, kT0, false);
  EXPECT_TRUE(PopAll().empty());
  InsertPacket(b, 0);
  EXPECT_THAT(PopAll(), ElementsAre(1u, 2u));
}

TEST_F(VideoJitterBufferTest, APacketFarAheadResetsTheBuffer) {
  InsertFrame({10, 1, 1, true});
  PopAll();
  InsertPacket({11, 2, 2}, 0);
  EXPECT_EQ(InsertPacket({5000, 1, 3, true}, 0), JitterInsertResult::kReset);
  EXPECT_EQ(jb_.stats().resets, 1u);
  EXPECT_THAT(PopAll(), ElementsAre(3u));
}

TEST_F(VideoJitterBufferTest, JoiningInTheMiddleOfAFrameDiscardsItsTail) {
  const FrameSpec a{10, 3, 1, true};
  InsertPacket(a, 1);  // first packet heard is not a frame start
  InsertPacket(a, 2);
  InsertFrame({13, 2, 2, true});
  EXPECT_TRUE(PopAll().empty());  // packet 10 may still come: wait a little
  EXPECT_EQ(jb_.NextDeadline(), kT0 + config_.max_wait);
  EXPECT_THAT(PopAll(kT0 + config_.max_wait), ElementsAre(2u));
  EXPECT_EQ(jb_.stats().frames_incomplete, 1u);
}

TEST_F(VideoJitterBufferTest, PacketsReorderedBeforeTheFirstOneHeardStillCount) {
  const FrameSpec a{10, 3, 1, true};
  InsertPacket(a, 2);
  InsertPacket(a, 1);
  EXPECT_TRUE(PopAll().empty());
  InsertPacket(a, 0);
  EXPECT_THAT(PopAll(), ElementsAre(1u));
}

TEST_F(VideoJitterBufferTest, CanDeliverUndecodableFramesMarkedAsSuch) {
  config_.deliver_undecodable = true;
  VideoJitterBuffer jb(config_);
  const uint8_t p[1] = {0};
  jb.Insert(10, 3000, true, p, {true, false}, kT0);
  auto f = jb.PopFrame(kT0);
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->decodable);
  EXPECT_EQ(jb.stats().drops[DropReason::kUndecodable], 1u);
}

TEST_F(VideoJitterBufferTest, RefusesPayloadsLargerThanASlot) {
  std::vector<uint8_t> big(config_.max_payload_size + 1);
  EXPECT_EQ(jb_.Insert(1, 0, true, big, {}, kT0), JitterInsertResult::kOversized);
  EXPECT_EQ(jb_.stats().drops[DropReason::kOversized], 1u);
}

TEST_F(VideoJitterBufferTest, HandlesALongRandomlyReorderedStreamWithoutLoss) {
  // 200 frames of 1..5 packets, shuffled within windows of 8 packets.
  std::vector<std::pair<FrameSpec, int>> packets;
  int64_t seq = 1000;
  for (uint32_t f = 1; f <= 200; ++f) {
    const int n = 1 + static_cast<int>(f * 7 % 5);
    FrameSpec spec{seq, n, f, f % 30 == 1};
    for (int i = 0; i < n; ++i)
      packets.push_back({spec, i});
    seq += n;
  }
  uint32_t state = 12345;
  for (size_t i = 0; i + 8 <= packets.size(); i += 8) {
    for (size_t j = 7; j > 0; --j) {
      state = state * 1103515245 + 12345;
      std::swap(packets[i + j], packets[i + (state >> 16) % (j + 1)]);
    }
  }
  std::vector<uint32_t> delivered;
  for (const auto& [spec, index] : packets) {
    InsertPacket(spec, index);
    for (uint32_t f : PopAll())
      delivered.push_back(f);
  }
  EXPECT_EQ(jb_.stats().frames_undecodable, 0u);
  EXPECT_EQ(jb_.stats().frames_incomplete, 0u);
  ASSERT_EQ(delivered.size(), 200u);
  for (size_t i = 1; i < delivered.size(); ++i)
    EXPECT_EQ(delivered[i], delivered[i - 1] + 1);
  EXPECT_EQ(jb_.stats().skips, 0u);
}

}  // namespace
}  // namespace tessera::mcu::rtp

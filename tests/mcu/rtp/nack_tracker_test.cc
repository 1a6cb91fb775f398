#include "tessera/mcu/rtp/nack_tracker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);
const std::chrono::microseconds kRtt = milliseconds(50);

std::vector<uint16_t> Collect(NackTracker& t, TimePoint now, std::chrono::microseconds rtt = kRtt) {
  std::array<uint16_t, 64> out{};
  const size_t n = t.Collect(now, rtt, out);
  return {out.begin(), out.begin() + n};
}

TEST(NackTracker, AsksForAGapAfterTheReorderGrace) {
  NackTracker t;
  t.OnPacket(100, kT0);
  t.OnPacket(103, kT0);
  EXPECT_EQ(t.missing(), 2u);
  EXPECT_TRUE(Collect(t, kT0 + milliseconds(1)).empty());  // may just be reordered
  EXPECT_THAT(Collect(t, kT0 + milliseconds(5)), ElementsAre(101, 102));
  EXPECT_EQ(t.stats().requested, 2u);
}

TEST(NackTracker, ReorderedPacketsThatArriveInTimeAreNeverRequested) {
  NackTracker t;
  EXPECT_EQ(t.OnPacket(1, kT0), NackTracker::Arrival::kInOrder);
  EXPECT_EQ(t.OnPacket(3, kT0), NackTracker::Arrival::kInOrder);
  EXPECT_EQ(t.OnPacket(2, kT0 + milliseconds(1)), NackTracker::Arrival::kReordered);
  EXPECT_EQ(t.OnPacket(2, kT0 + milliseconds(1)), NackTracker::Arrival::kOld);
  EXPECT_EQ(t.missing(), 0u);
  EXPECT_TRUE(Collect(t, kT0 + milliseconds(100)).empty());
  EXPECT_EQ(t.stats().recovered, 1u);
}

TEST(NackTracker, RepeatsOncePerRoundTripUntilRecovered) {
  NackTracker t;
  t.OnPacket(10, kT0);
  t.OnPacket(12, kT0);
  EXPECT_THAT(Collect(t, kT0 + milliseconds(10)), ElementsAre(11));
  EXPECT_TRUE(Collect(t, kT0 + milliseconds(30)).empty());  // within one RTT
  EXPECT_THAT(Collect(t, kT0 + milliseconds(61)), ElementsAre(11));
  EXPECT_EQ(t.OnPacket(11, kT0 + milliseconds(70)), NackTracker::Arrival::kRetransmitted);
  EXPECT_TRUE(Collect(t, kT0 + milliseconds(200)).empty());
  EXPECT_EQ(t.stats().recovered, 1u);
  EXPECT_EQ(t.stats().gave_up, 0u);
  EXPECT_FALSE(t.lost_for_good_through());
}

TEST(NackTracker, GivesUpAfterMaxRetries) {
  NackConfig c;
  c.max_retries = 3;
  NackTracker t(c);
  t.OnPacket(1, kT0);
  t.OnPacket(3, kT0);
  int requests = 0;
  for (int i = 1; i <= 10; ++i)
    requests += static_cast<int>(Collect(t, kT0 + milliseconds(100 * i)).size());
  EXPECT_EQ(requests, 3);
  EXPECT_EQ(t.stats().gave_up, 1u);
  EXPECT_EQ(t.lost_for_good_through(), 2);
  EXPECT_EQ(t.missing(), 0u);
}

TEST(NackTracker, GivesUpPacketsOlderThanMaxAge) {
  NackConfig c;
  c.max_age = milliseconds(300);
  NackTracker t(c);
  t.OnPacket(1, kT0);
  t.OnPacket(5, kT0);
  EXPECT_EQ(Collect(t, kT0 + milliseconds(10)).size(), 3u);
  EXPECT_TRUE(Collect(t, kT0 + milliseconds(301)).empty());
  EXPECT_EQ(t.stats().gave_up, 3u);
  EXPECT_EQ(t.lost_for_good_through(), 4);
}

TEST(NackTracker, AGapTooLargeToTrackIsGivenUpAtOnce) {
  NackConfig c;
  c.max_list_size = 100;
  NackTracker t(c);
  t.OnPacket(0, kT0);
  t.OnPacket(3, kT0);     // 2 missing
  t.OnPacket(1000, kT0);  // 996 more: too many
  EXPECT_EQ(t.stats().overflows, 1u);
  EXPECT_EQ(t.stats().gave_up, 998u);
  EXPECT_EQ(t.lost_for_good_through(), 999);
  EXPECT_EQ(t.missing(), 0u);
  t.OnPacket(1002, kT0);
  EXPECT_THAT(Collect(t, kT0 + milliseconds(10)), ElementsAre(1001));
}

TEST(NackTracker, DropBeforeForgetsWhatTheJitterBufferSkipped) {
  NackTracker t;
  t.OnPacket(0, kT0);
  t.OnPacket(10, kT0);
  t.DropBefore(6);
  EXPECT_THAT(Collect(t, kT0 + milliseconds(10)), ElementsAre(6, 7, 8, 9));
}

TEST(NackTracker, RespectsTheOutputSizeAndSendsTheRestNextTime) {
  NackTracker t;
  t.OnPacket(0, kT0);
  t.OnPacket(5, kT0);
  std::array<uint16_t, 2> out{};
  EXPECT_EQ(t.Collect(kT0 + milliseconds(10), kRtt, out), 2u);
  EXPECT_THAT(out, ElementsAre(1, 2));
  EXPECT_THAT(Collect(t, kT0 + milliseconds(11)), ElementsAre(3, 4));
}

TEST(NackTracker, SequenceNumbersAreReportedModulo16Bits) {
  NackTracker t;
  t.OnPacket(65535 + (int64_t{1} << 20), kT0);
  t.OnPacket(65537 + (int64_t{1} << 20), kT0);
  EXPECT_THAT(Collect(t, kT0 + milliseconds(10)), ElementsAre(0));
}

}  // namespace
}  // namespace tessera::mcu::rtp

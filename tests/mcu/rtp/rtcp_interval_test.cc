#include "tessera/mcu/rtp/rtcp_interval.h"

#include <gtest/gtest.h>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::duration;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

double Seconds(microseconds d) {
  return duration<double>(d).count();
}

TEST(RtcpInterval, TwoPartyAvpCallUsesTheFiveSecondMinimum) {
  RtcpIntervalConfig c;
  c.session_bandwidth_bps = 64'000;
  c.reduced_minimum = false;
  EXPECT_DOUBLE_EQ(Seconds(DeterministicRtcpInterval(c, 2, 1, true, 100, false)), 5.0);
  EXPECT_DOUBLE_EQ(Seconds(DeterministicRtcpInterval(c, 2, 1, true, 100, true)), 2.5);
}

TEST(RtcpInterval, ReducedMinimumIs360OverKilobits) {
  RtcpIntervalConfig c;
  c.session_bandwidth_bps = 720'000;  // 360 / 720 = 0.5 s
  c.reduced_minimum = true;
  EXPECT_DOUBLE_EQ(Seconds(DeterministicRtcpInterval(c, 2, 1, false, 100, false)), 0.5);
}

TEST(RtcpInterval, LargeGroupsScaleWithMembersAndShareTheBandwidth) {
  RtcpIntervalConfig c;
  c.session_bandwidth_bps = 64'000;  // RTCP: 400 bytes/s
  c.reduced_minimum = false;
  // 1000 receivers, 1 sender, we receive: 1000 - 1 members share 75 % of 400 bytes/s.
  const double receiver = Seconds(DeterministicRtcpInterval(c, 1000, 1, false, 100, false));
  EXPECT_NEAR(receiver, 100.0 * 999 / 300.0, 0.01);
  // The one sender gets 25 % to itself.
  const double sender = Seconds(DeterministicRtcpInterval(c, 1000, 1, true, 100, false));
  EXPECT_NEAR(sender, 5.0, 0.01);  // 100 / 100 = 1 s, below the minimum
}

TEST(RtcpInterval, AvpfDropsTheMinimumAfterTheFirstReport) {
  RtcpIntervalConfig c;
  c.profile = RtcpProfile::kAvpf;
  c.session_bandwidth_bps = 2'000'000;  // 12500 bytes/s of RTCP
  EXPECT_DOUBLE_EQ(Seconds(DeterministicRtcpInterval(c, 2, 1, false, 100, true)), 1.0);
  EXPECT_NEAR(Seconds(DeterministicRtcpInterval(c, 2, 1, false, 100, false)), 200.0 / 12500.0, 1e-6);
  c.avpf_regular_minimum = milliseconds(1000);
  EXPECT_DOUBLE_EQ(Seconds(DeterministicRtcpInterval(c, 2, 1, false, 100, false)), 1.0);
}

TEST(RtcpScheduler, RandomisesBetweenHalfAndOneAndAHalfOverCompensation) {
  RtcpIntervalConfig c;
  c.reduced_minimum = false;
  const TimePoint t0 = TimePoint{} + seconds(100);
  double lo = 1e9, hi = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    RtcpScheduler s(c, seed, t0);
    const double t = duration<double>(s.next_regular() - t0).count();
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  // Initial: 2.5 s * [0.5, 1.5] / 1.21828.
  EXPECT_GE(lo, 2.5 * 0.5 / 1.21828 - 1e-3);
  EXPECT_LE(hi, 2.5 * 1.5 / 1.21828 + 1e-3);
  EXPECT_LT(lo, 1.3);
  EXPECT_GT(hi, 2.6);
}

TEST(RtcpScheduler, SendsWhenDueAndSchedulesTheNextFromTheSendTime) {
  RtcpIntervalConfig c;
  c.reduced_minimum = false;
  const TimePoint t0 = TimePoint{} + seconds(100);
  RtcpScheduler s(c, 42, t0);
  EXPECT_FALSE(s.IsRegularDue(t0));
  const TimePoint due = s.next_regular();
  EXPECT_TRUE(s.IsRegularDue(due + milliseconds(1)));
  s.OnRegularSent(due, 40);
  EXPECT_GT(s.next_regular(), due + milliseconds(2000));  // 5 s * 0.5 / 1.218 at least
  EXPECT_DOUBLE_EQ(s.average_rtcp_size(), (40.0 + 28) / 16 + 100.0 * 15 / 16);
}

TEST(RtcpScheduler, TimerReconsiderationPostponesWhenTheGroupGrew) {
  RtcpIntervalConfig c;
  c.session_bandwidth_bps = 8'000;  // tiny RTCP share: 50 bytes/s
  c.reduced_minimum = false;
  const TimePoint t0 = TimePoint{} + seconds(100);
  RtcpScheduler s(c, 7, t0);
  s.SetMembers(500, 1);  // 500 members: the interval is now hundreds of seconds
  const TimePoint due = s.next_regular();
  EXPECT_FALSE(s.IsRegularDue(due));
  EXPECT_GT(s.next_regular(), due);
}

TEST(RtcpScheduler, AvpfAllowsOneEarlyPacketBetweenRegularOnes) {
  RtcpIntervalConfig c;
  c.profile = RtcpProfile::kAvpf;
  const TimePoint t0 = TimePoint{} + seconds(100);
  RtcpScheduler s(c, 1, t0);
  EXPECT_TRUE(s.CanSendEarly(t0));
  s.OnEarlySent(t0, 60);
  EXPECT_FALSE(s.CanSendEarly(t0 + milliseconds(10)));
  s.OnRegularSent(t0 + seconds(1), 80);
  EXPECT_TRUE(s.CanSendEarly(t0 + seconds(1)));

  RtcpScheduler avp(RtcpIntervalConfig{}, 1, t0);
  EXPECT_FALSE(avp.CanSendEarly(t0));
}

}  // namespace
}  // namespace tessera::mcu::rtp

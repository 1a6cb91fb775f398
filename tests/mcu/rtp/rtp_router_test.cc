#include "tessera/mcu/rtp/rtp_router.h"

#include <gtest/gtest.h>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

TEST(RtpRouter, TwoSocketsWithTheSameSsrcReachTheirOwnSinks) {
  // Two SIPp legs replaying the same pcap: same SSRC, same payload type, other sockets.
  RtpRouter r;
  ASSERT_TRUE(r.AddPayloadType(1, 96, 10));
  ASSERT_TRUE(r.AddPayloadType(2, 96, 20));
  DropCounters drops;
  auto a = r.Route(1, 0x11111111, 96, kT0, drops);
  auto b = r.Route(2, 0x11111111, 96, kT0, drops);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->sink, 10u);
  EXPECT_EQ(b->sink, 20u);
  EXPECT_TRUE(a->new_ssrc);
  EXPECT_FALSE(r.Route(1, 0x11111111, 96, kT0, drops)->new_ssrc);
  EXPECT_EQ(drops.Total(), 0u);
}

TEST(RtpRouter, PayloadTypeSelectsTheSinkWithinOneSsrc) {
  // Audio and telephone-event share an SSRC; they go to different consumers.
  RtpRouter r;
  r.AddPayloadType(3, 0, 1);
  r.AddPayloadType(3, 101, 2);
  DropCounters drops;
  EXPECT_EQ(r.Route(3, 0xCA110000, 0, kT0, drops)->sink, 1u);
  EXPECT_EQ(r.Route(3, 0xCA110000, 101, kT0, drops)->sink, 2u);
}

TEST(RtpRouter, UnknownPayloadTypesAndSocketsAreCountedDrops) {
  RtpRouter r;
  r.AddPayloadType(3, 0, 1);
  DropCounters drops;
  EXPECT_FALSE(r.Route(3, 1, 8, kT0, drops));
  EXPECT_FALSE(r.Route(4, 1, 0, kT0, drops));
  EXPECT_FALSE(r.Route(3, 1, 200, kT0, drops));
  EXPECT_EQ(drops[DropReason::kUnknownPayloadType], 3u);
}

TEST(RtpRouter, ASecondSsrcIsRefusedWhileTheFirstIsActiveAndTakesOverWhenItFallsSilent) {
  RtpRouter r({.ssrc_switch_after = milliseconds(1000)});
  r.AddPayloadType(1, 96, 7);
  DropCounters drops;
  ASSERT_TRUE(r.Route(1, 0xAAAA, 96, kT0, drops));
  EXPECT_FALSE(r.Route(1, 0xBBBB, 96, kT0 + milliseconds(500), drops));
  EXPECT_EQ(drops[DropReason::kUnknownSsrc], 1u);
  ASSERT_TRUE(r.Route(1, 0xAAAA, 96, kT0 + milliseconds(600), drops));
  auto switched = r.Route(1, 0xBBBB, 96, kT0 + milliseconds(1700), drops);
  ASSERT_TRUE(switched);
  EXPECT_TRUE(switched->new_ssrc);
  EXPECT_EQ(r.LatchedSsrc(1, 7), 0xBBBBu);
}

TEST(RtpRouter, PayloadTypesOfOneSinkShareItsLatch) {
  // H.264 offered as PT 96 (mode 0) and 97 (mode 1): the sender may switch between them.
  RtpRouter r;
  r.AddPayloadType(1, 96, 5);
  r.AddPayloadType(1, 97, 5);
  DropCounters drops;
  ASSERT_TRUE(r.Route(1, 0x1234, 96, kT0, drops));
  auto b = r.Route(1, 0x1234, 97, kT0, drops);
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->new_ssrc);
}

TEST(RtpRouter, ExplicitSsrcsRouteFirstAndDoNotDisturbTheLatch) {
  RtpRouter r;
  r.AddPayloadType(1, 96, 5);
  r.AddSsrc(1, 0x9999, 96, 6);  // e.g. a content stream announced with a=ssrc
  DropCounters drops;
  EXPECT_EQ(r.Route(1, 0x1111, 96, kT0, drops)->sink, 5u);
  EXPECT_EQ(r.Route(1, 0x9999, 96, kT0, drops)->sink, 6u);
  EXPECT_EQ(r.LatchedSsrc(1, 5), 0x1111u);
}

TEST(RtpRouter, RemovedSocketsRouteNothing) {
  RtpRouter r;
  r.AddPayloadType(2, 0, 1);
  r.RemoveSocket(2);
  DropCounters drops;
  EXPECT_FALSE(r.Route(2, 1, 0, kT0, drops));
  EXPECT_FALSE(r.LatchedSsrc(2, 1));
}

TEST(RtpRouter, RefusesSocketIdsBeyondTheConfiguredMaximum) {
  RtpRouter r({.max_sockets = 4});
  EXPECT_FALSE(r.AddPayloadType(4, 0, 1));
  EXPECT_FALSE(r.AddPayloadType(0, 128, 1));
}

}  // namespace
}  // namespace tessera::mcu::rtp

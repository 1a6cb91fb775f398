#include "tessera/mcu/rtp/rtp_send_history.h"

#include <gtest/gtest.h>

#include <array>

#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

std::array<uint8_t, 13> Packet(uint16_t seq) {
  std::array<uint8_t, 13> p{};
  WriteRtpHeader(RtpHeader{.payload_type = 96, .sequence_number = seq, .ssrc = 5}, p);
  p[12] = static_cast<uint8_t>(seq);
  return p;
}

TEST(RtpSendHistory, ReturnsTheStoredPacketForANack) {
  RtpSendHistory h;
  for (uint16_t s = 65530; s != 5; ++s)
    ASSERT_TRUE(h.Store(Packet(s), kT0));
  auto p = h.GetForResend(65535, kT0 + milliseconds(10), milliseconds(50));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->size(), 13u);
  EXPECT_EQ((*p)[12], 0xFF);
  EXPECT_EQ(ParseRtp(*p)->sequence_number, 65535);
}

TEST(RtpSendHistory, ResendsOncePerIntervalAndNotWhenTooOld) {
  RtpSendHistory h({.capacity = 16, .max_age = milliseconds(500)});
  h.Store(Packet(1), kT0);
  EXPECT_TRUE(h.GetForResend(1, kT0, milliseconds(50)));
  EXPECT_FALSE(h.GetForResend(1, kT0 + milliseconds(20), milliseconds(50)));
  EXPECT_TRUE(h.GetForResend(1, kT0 + milliseconds(60), milliseconds(50)));
  EXPECT_FALSE(h.GetForResend(1, kT0 + milliseconds(600), milliseconds(50)));
  EXPECT_EQ(h.stats().resent, 2u);
  EXPECT_EQ(h.stats().throttled, 1u);
  EXPECT_EQ(h.stats().not_held, 1u);
}

TEST(RtpSendHistory, ForgetsPacketsOverwrittenByNewerOnes) {
  RtpSendHistory h({.capacity = 8});
  for (uint16_t s = 0; s < 20; ++s)
    h.Store(Packet(s), kT0);
  EXPECT_FALSE(h.GetForResend(3, kT0, milliseconds(0)));
  EXPECT_TRUE(h.GetForResend(19, kT0, milliseconds(0)));
}

TEST(RtpSendHistory, RefusesPacketsThatAreNotRtpOrTooLarge) {
  RtpSendHistory h({.capacity = 8, .max_packet_size = 100});
  EXPECT_FALSE(h.Store(std::array<uint8_t, 5>{}, kT0));
  EXPECT_FALSE(h.Store(std::array<uint8_t, 101>{}, kT0));
}

}  // namespace
}  // namespace tessera::mcu::rtp

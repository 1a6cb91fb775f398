#include "tessera/mcu/rtp/ntp_time.h"

#include <gtest/gtest.h>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(NtpTime, UnixEpochIsTheKnownNtpOffset) {
  const NtpTime t = NtpFromSystemTime(std::chrono::system_clock::time_point{});
  EXPECT_EQ(t.seconds(), kNtpUnixEpochOffset);
  EXPECT_EQ(t.fraction(), 0u);
}

TEST(NtpTime, HalfASecondIsHalfTheFractionRange) {
  const NtpTime t = NtpFromSystemTime(std::chrono::system_clock::time_point{} + milliseconds(1500));
  EXPECT_EQ(t.seconds(), kNtpUnixEpochOffset + 1);
  EXPECT_EQ(t.fraction(), 0x80000000u);
  EXPECT_EQ(t.Compact(), ((kNtpUnixEpochOffset + 1) & 0xFFFF) << 16 | 0x8000);
}

TEST(NtpTime, RoundTripsThroughTheSystemClockWithinAMicrosecond) {
  const auto now = std::chrono::system_clock::now();
  const auto back = SystemTimeFromNtp(NtpFromSystemTime(now));
  EXPECT_LE(std::chrono::abs(std::chrono::duration_cast<microseconds>(back - now)).count(), 1);
}

TEST(NtpTime, CompactDurationsUse65536UnitsPerSecond) {
  EXPECT_EQ(CompactNtpFromDuration(std::chrono::seconds(1)), 65536u);
  EXPECT_EQ(CompactNtpFromDuration(milliseconds(500)), 32768u);
  EXPECT_EQ(CompactNtpFromDuration(microseconds(-5)), 0u);
  EXPECT_EQ(DurationFromCompactNtp(65536 * 2), std::chrono::seconds(2));
}

TEST(RoundTripTime, IsArrivalMinusLsrMinusDlsr) {
  // RFC 3550 §6.4.1 example: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000
  // (46853.125 s), DLSR = 0x0005:4000 (5.250 s) -> RTT 6.125 s.
  auto rtt = RoundTripTime(0xB7108000u, 0xB7052000u, 0x00054000u);
  ASSERT_TRUE(rtt);
  EXPECT_EQ(*rtt, microseconds(6'125'000));
}

TEST(RoundTripTime, IsUnknownWithoutAnSrAndRejectsImpossibleValues) {
  EXPECT_FALSE(RoundTripTime(1000, 0, 0));
  EXPECT_FALSE(RoundTripTime(0x00010000, 0x00020000, 0));  // the report is from the future
  // Within a millisecond of rounding noise, zero.
  EXPECT_EQ(RoundTripTime(0x00010000, 0x00010000, 20), microseconds(0));
}

TEST(RoundTripTime, HandlesTheCompactClockWrapping) {
  auto rtt = RoundTripTime(0x00000100u, 0xFFFFFF00u, 0);
  ASSERT_TRUE(rtt);
  EXPECT_EQ(*rtt, DurationFromCompactNtp(0x200));
}

}  // namespace
}  // namespace tessera::mcu::rtp

#include "tessera/mcu/rtp/receive_statistics.h"

#include <gtest/gtest.h>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

TEST(ReceiveStatistics, CountsLossFromTheSequenceGap) {
  ReceiveStatistics s(8000);
  for (uint16_t seq : {10, 11, 13, 14, 17})
    s.OnPacket(seq, seq * 160u, kT0, 160);
  EXPECT_EQ(s.packets_received(), 5u);
  EXPECT_EQ(s.expected(), 8);
  EXPECT_EQ(s.cumulative_lost(), 3);
  const ReportBlock b = s.MakeReportBlock(0x55, kT0);
  EXPECT_EQ(b.source_ssrc, 0x55u);
  EXPECT_EQ(b.cumulative_lost, 3);
  EXPECT_EQ(b.fraction_lost, (3 << 8) / 8);
  EXPECT_EQ(b.extended_highest_sequence, 17u);
}

TEST(ReceiveStatistics, FractionLostCoversOnlyTheIntervalSinceTheLastReport) {
  ReceiveStatistics s(8000);
  for (uint16_t seq = 0; seq < 10; seq += 2)
    s.OnPacket(seq, 0, kT0, 1);                                      // half lost
  EXPECT_EQ(s.MakeReportBlock(1, kT0).fraction_lost, (4 << 8) / 9);  // 4 lost of 9 expected
  for (uint16_t seq = 9; seq < 20; ++seq)
    s.OnPacket(seq, 0, kT0, 1);  // none lost
  EXPECT_EQ(s.MakeReportBlock(1, kT0).fraction_lost, 0);
  EXPECT_EQ(s.cumulative_lost(), 4);
}

TEST(ReceiveStatistics, ExtendsTheHighestSequenceAcrossTheWrap) {
  ReceiveStatistics s(90000);
  for (uint32_t i = 0; i < 10; ++i)
    s.OnPacket(static_cast<uint16_t>(65530 + i), 0, kT0, 1);
  EXPECT_EQ(s.extended_highest_sequence(), 65536u + 3);
  EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(ReceiveStatistics, DuplicatesMakeCumulativeLossNegative) {
  ReceiveStatistics s(8000);
  for (uint16_t seq : {1, 2, 3, 3, 3})
    s.OnPacket(seq, 0, kT0, 1);
  EXPECT_EQ(s.cumulative_lost(), -2);
  EXPECT_EQ(s.MakeReportBlock(1, kT0).cumulative_lost, -2);
}

TEST(ReceiveStatistics, AOneOffJumpIsIgnoredButTwoInARowRestartTheSequence) {
  ReceiveStatistics s(8000);
  for (uint16_t seq = 100; seq < 110; ++seq)
    s.OnPacket(seq, 0, kT0, 1);
  EXPECT_FALSE(s.OnPacket(40000, 0, kT0, 1));  // a stray
  EXPECT_TRUE(s.OnPacket(110, 0, kT0, 1));
  EXPECT_EQ(s.restarts(), 0u);
  EXPECT_FALSE(s.OnPacket(50000, 0, kT0, 1));
  EXPECT_TRUE(s.OnPacket(50001, 0, kT0, 1));  // the sender really restarted
  EXPECT_EQ(s.restarts(), 1u);
  EXPECT_EQ(s.cumulative_lost(), 0);
  EXPECT_EQ(s.extended_highest_sequence(), 50001u);
}

TEST(ReceiveStatistics, JitterIsZeroForPerfectlyPacedPackets) {
  ReceiveStatistics s(8000);
  for (uint16_t i = 0; i < 100; ++i)
    s.OnPacket(i, i * 160u, kT0 + milliseconds(20 * i), 160);
  EXPECT_EQ(s.jitter(), 0u);
}

TEST(ReceiveStatistics, JitterConvergesToTheMeanTransitDeviation) {
  // Arrivals alternate 10 ms early and 10 ms late: |D| = 20 ms = 160 units at 8 kHz, so
  // the A.8 estimate converges to 160.
  ReceiveStatistics s(8000);
  for (uint16_t i = 0; i < 400; ++i) {
    const int offset_ms = (i % 2) ? 10 : -10;
    s.OnPacket(i, i * 160u, kT0 + milliseconds(20 * i + offset_ms), 160);
  }
  EXPECT_NEAR(static_cast<double>(s.jitter()), 160.0, 2.0);
  const double jitter_ms = std::chrono::duration<double, std::milli>(s.jitter_duration()).count();
  EXPECT_NEAR(jitter_ms, 20.0, 0.3);
}

TEST(ReceiveStatistics, LateAndRetransmittedPacketsDoNotFeedJitter) {
  ReceiveStatistics s(8000);
  for (uint16_t i = 0; i < 50; ++i)
    s.OnPacket(i, i * 160u, kT0 + milliseconds(20 * i), 160);
  s.OnPacket(10, 10 * 160u, kT0 + milliseconds(2000), 160, ReceiveStatistics::Kind::kRetransmission);
  s.OnPacket(11, 11 * 160u, kT0 + milliseconds(2000), 160, ReceiveStatistics::Kind::kLate);
  EXPECT_EQ(s.jitter(), 0u);
}

TEST(ReceiveStatistics, ARepairedLossStillCountsAsLostForTheSender) {
  ReceiveStatistics s(8000);
  for (uint16_t seq : {1, 2, 4, 5})
    s.OnPacket(seq, 0, kT0, 1);
  s.OnPacket(3, 0, kT0, 1, ReceiveStatistics::Kind::kRetransmission);
  EXPECT_EQ(s.cumulative_lost(), 1);
  EXPECT_EQ(s.retransmissions(), 1u);
  EXPECT_EQ(s.bytes_received(), 5u);
}

TEST(ReceiveStatistics, ReportsLsrAndTheDelaySinceTheLastSenderReport) {
  ReceiveStatistics s(90000);
  s.OnPacket(1, 0, kT0, 1);
  SenderInfo sr;
  sr.ntp = NtpTime{0xB7052000'12340000ull};
  s.OnSenderReport(sr, kT0);
  const ReportBlock b = s.MakeReportBlock(1, kT0 + milliseconds(5250));
  EXPECT_EQ(b.last_sr, 0x20001234u);
  EXPECT_EQ(b.delay_since_last_sr, 0x00054000u);
  ASSERT_TRUE(s.last_sender_report());
}

TEST(ReceiveStatistics, AReportWithoutPacketsOrSrIsEmpty) {
  ReceiveStatistics s(8000);
  const ReportBlock b = s.MakeReportBlock(7, kT0);
  EXPECT_EQ(b, ReportBlock{.source_ssrc = 7});
}

}  // namespace
}  // namespace tessera::mcu::rtp

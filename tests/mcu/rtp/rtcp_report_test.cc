#include "tessera/mcu/rtp/rtcp_report.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

struct Seen : RtcpVisitor {
  std::vector<int> types;
  std::vector<size_t> block_counts;
  std::vector<uint32_t> block_ssrcs;
  std::optional<SenderInfo> info;
  std::string cname;
  void OnSenderReport(const SenderReportView& sr) override {
    types.push_back(200);
    info = sr.info;
    Blocks(sr.report_blocks);
  }
  void OnReceiverReport(const ReceiverReportView& rr) override {
    types.push_back(201);
    Blocks(rr.report_blocks);
  }
  void Blocks(const ReportBlocksView& b) {
    block_counts.push_back(b.size());
    for (size_t i = 0; i < b.size(); ++i)
      block_ssrcs.push_back(b[i].source_ssrc);
  }
  void OnSdesItem(const SdesItem& i) override {
    types.push_back(202);
    cname = std::string(i.text);
  }
};

std::vector<ReportBlock> Blocks(size_t n) {
  std::vector<ReportBlock> b(n);
  for (size_t i = 0; i < n; ++i)
    b[i].source_ssrc = static_cast<uint32_t>(1000 + i);
  return b;
}

TEST(RtcpReport, AReceiverOnlyEndpointSendsAnRrAndItsCname) {
  std::array<uint8_t, 1500> buf{};
  RtcpBuilder b(buf);
  const auto blocks = Blocks(2);
  ASSERT_TRUE(BuildRtcpReport({.local_ssrc = 5, .cname = "mcu@example", .blocks = blocks}, NtpNow(), kT0, b));
  Seen s;
  EXPECT_TRUE(ParseRtcpCompound(b.data(), s).ok());
  EXPECT_EQ(s.types, (std::vector<int>{201, 202}));
  EXPECT_EQ(s.cname, "mcu@example");
  EXPECT_EQ(s.block_ssrcs, (std::vector<uint32_t>{1000, 1001}));
}

TEST(RtcpReport, ASenderReportMapsNtpToTheRtpClockOfTheLastPacket) {
  SendStatistics send(90000);
  send.OnPacketSent(900000, kT0, 1000);
  send.OnPacketSent(903000, kT0 + milliseconds(33), 1000);
  std::array<uint8_t, 1500> buf{};
  RtcpBuilder b(buf);
  const NtpTime ntp = NtpFromSystemTime(std::chrono::system_clock::now());
  ASSERT_TRUE(BuildRtcpReport({.local_ssrc = 5, .cname = "c", .sender = &send}, ntp, kT0 + milliseconds(133), b));
  Seen s;
  EXPECT_TRUE(ParseRtcpCompound(b.data(), s).ok());
  ASSERT_TRUE(s.info);
  EXPECT_EQ(s.info->ntp, ntp);
  EXPECT_EQ(s.info->rtp_timestamp, 903000u + 9000u);  // 100 ms after the last packet
  EXPECT_EQ(s.info->packet_count, 2u);
  EXPECT_EQ(s.info->octet_count, 2000u);
}

TEST(RtcpReport, MoreThan31SourcesSpillIntoFurtherReceiverReports) {
  SendStatistics send(90000);
  send.OnPacketSent(1, kT0, 10);
  const auto blocks = Blocks(70);
  std::array<uint8_t, 4096> buf{};
  RtcpBuilder b(buf);
  ASSERT_TRUE(BuildRtcpReport({.local_ssrc = 5, .cname = "c", .sender = &send, .blocks = blocks}, NtpNow(), kT0, b));
  Seen s;
  EXPECT_TRUE(ParseRtcpCompound(b.data(), s).ok());
  EXPECT_EQ(s.types, (std::vector<int>{200, 201, 201, 202}));
  EXPECT_EQ(s.block_counts, (std::vector<size_t>{31, 31, 8}));
  ASSERT_EQ(s.block_ssrcs.size(), 70u);
  for (size_t i = 0; i < 70; ++i)
    EXPECT_EQ(s.block_ssrcs[i], 1000 + i);
}

TEST(RtcpReport, WhatDoesNotFitLeavesTheBuilderAsItWas) {
  std::array<uint8_t, 200> buf{};
  RtcpBuilder b(buf);
  ASSERT_TRUE(b.AddPli(1, 2));
  const auto blocks = Blocks(10);  // 8 + 240 bytes: too much
  EXPECT_FALSE(BuildRtcpReport({.local_ssrc = 5, .cname = "c", .blocks = blocks}, NtpNow(), kT0, b));
  EXPECT_EQ(b.size(), 12u);
}

}  // namespace
}  // namespace tessera::mcu::rtp

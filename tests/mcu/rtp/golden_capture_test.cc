// Tessera's RTP and RTCP parsers against packets captured from real senders
// (tests/data/rtp: ffmpeg 5.1 as an RTP sender, SIPp's shipped pcaps).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "tessera/mcu/rtp/rtcp_packet.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/sequence_unwrapper.h"
#include "tessera/testing/rtp_fixtures.h"

namespace tessera::mcu::rtp {
namespace {

struct Capture {
  const char* file;
  uint8_t payload_type;
  uint32_t ssrc;  // 0: whatever the first packet has (softphones pick a random SSRC per call)
};

class GoldenRtp : public ::testing::TestWithParam<Capture> {};

TEST_P(GoldenRtp, EveryPacketParsesWithConsecutiveSequenceNumbersAndOneSsrc) {
  const Capture c = GetParam();
  const auto datagrams = tessera::testing::LoadRtpFixture(c.file);
  ASSERT_FALSE(datagrams.empty()) << c.file;
  SequenceNumberUnwrapper seq;
  std::optional<int64_t> last;
  std::optional<uint32_t> ssrc;
  if (c.ssrc) ssrc = c.ssrc;
  int rtp = 0;
  for (const auto& d : datagrams) {
    const PacketKind kind = ClassifyPacket(d.payload);
    if (kind == PacketKind::kRtcp) continue;
    ASSERT_EQ(kind, PacketKind::kRtp);
    auto p = ParseRtp(d.payload);
    ASSERT_TRUE(p) << c.file;
    EXPECT_EQ(p->payload_type, c.payload_type);
    if (!ssrc) ssrc = p->ssrc;
    EXPECT_EQ(p->ssrc, *ssrc);
    EXPECT_FALSE(p->payload.empty());
    const int64_t s = seq.Unwrap(p->sequence_number);
    if (last) {
      EXPECT_EQ(s, *last + 1) << c.file;
    }
    last = s;
    ++rtp;
  }
  EXPECT_GE(rtp, 4);
}

INSTANTIATE_TEST_SUITE_P(
    RealSenders, GoldenRtp,
    ::testing::Values(Capture{"ffmpeg_h264_mode1.pcap", 96, 0x11223344},
                      Capture{"ffmpeg_h264_mode0.pcap", 97, 0x11223345}, Capture{"ffmpeg_h263p.pcap", 98, 0x11223346},
                      Capture{"ffmpeg_h263_rfc2190.pcap", 34, 0x11223347}, Capture{"ffmpeg_vp8.pcap", 100, 0x11223348},
                      Capture{"ffmpeg_opus.pcap", 111, 0x11223349}, Capture{"ffmpeg_pcmu.pcap", 0, 0x1122334A},
                      Capture{"ffmpeg_g722.pcap", 9, 0x1122334B}, Capture{"sipp_g711a.pcap", 8, 0xDEE0EE8F},
                      Capture{"baresip_h264_mode0.pcap", 96, 0}, Capture{"baresip_opus.pcap", 96, 0},
                      Capture{"linphone_h264_mode0.pcap", 96, 0}, Capture{"linphone_vp8.pcap", 96, 0}),
    [](const auto& param_info) {
      std::string name = param_info.param.file;
      return name.substr(0, name.find('.'));
    });

TEST(GoldenRtcp, FfmpegSenderReportsCarryItsCnameAndAWallClockNtpTime) {
  const auto datagrams = tessera::testing::LoadRtpFixture("ffmpeg_rtcp.pcap");
  ASSERT_EQ(datagrams.size(), 3u);
  struct Seen : RtcpVisitor {
    std::vector<SenderReportView> srs;
    std::vector<std::string> cnames;
    int byes = 0;
    void OnSenderReport(const SenderReportView& sr) override { srs.push_back(sr); }
    void OnSdesItem(const SdesItem& i) override {
      if (i.type == rtcp::kSdesCname) cnames.emplace_back(i.text);
    }
    void OnBye(const ByeView& b) override { byes += static_cast<int>(b.size()); }
  };
  uint32_t last_packets = 0;
  for (size_t i = 0; i < datagrams.size(); ++i) {
    Seen seen;
    const auto result = ParseRtcpCompound(datagrams[i].payload, seen);
    EXPECT_TRUE(result.ok());
    ASSERT_EQ(seen.srs.size(), 1u);
    const auto& sr = seen.srs[0];
    EXPECT_EQ(sr.sender_ssrc, 0x1122334Cu);
    EXPECT_EQ(sr.report_blocks.size(), 0u);
    ASSERT_EQ(seen.cnames.size(), 1u);
    EXPECT_EQ(seen.cnames[0], "ffmpeg@tessera");
    // The SR's NTP time is the sender's wall clock: within a second of the capture time.
    const double ntp_unix = sr.info.ntp.seconds() - double(kNtpUnixEpochOffset) + sr.info.ntp.fraction() / 4294967296.0;
    EXPECT_NEAR(ntp_unix, datagrams[i].time, 1.0);
    EXPECT_GE(sr.info.packet_count, last_packets);
    last_packets = sr.info.packet_count;
    // With -rtpflags send_bye, ffmpeg ends with SR + SDES + BYE.
    EXPECT_EQ(seen.byes, i + 1 == datagrams.size() ? 1 : 0);
  }
  EXPECT_GT(last_packets, 200u);  // 6 s of 20 ms packets
}

// Counts what a capture's compound packets contained.
struct Census : RtcpVisitor {
  int sr = 0, rr = 0, blocks = 0, cnames = 0, byes = 0, other = 0;
  std::vector<std::string> apps;
  std::vector<int> first_types;
  void OnSenderReport(const SenderReportView& v) override {
    ++sr;
    blocks += static_cast<int>(v.report_blocks.size());
  }
  void OnReceiverReport(const ReceiverReportView& v) override {
    ++rr;
    blocks += static_cast<int>(v.report_blocks.size());
  }
  void OnSdesItem(const SdesItem& i) override { cnames += i.type == rtcp::kSdesCname; }
  void OnBye(const ByeView&) override { ++byes; }
  void OnApp(const AppView& a) override { apps.emplace_back(a.name.data(), 4); }
  void OnOther(const RtcpPacketView& p) override {
    ++other;
    first_types.push_back(p.packet_type * 100 + p.count);
  }
};

TEST(GoldenRtcp, BaresipSendsApplicationPingsAlonePlusReportsAndAByeFirstCompound) {
  // baresip 1.0.0: a lone APP "PING" when the stream starts, SR + SDES with report blocks,
  // and BYE + SDES at hang-up: neither begins with SR/RR, which the parser must accept.
  Census c;
  int packets = 0;
  for (const auto& d : tessera::testing::LoadRtpFixture("baresip_rtcp.pcap")) {
    const auto r = ParseRtcpCompound(d.payload, c);
    EXPECT_TRUE(r.ok());
    ++packets;
  }
  EXPECT_EQ(packets, 6);
  EXPECT_EQ(c.apps, (std::vector<std::string>{"PING", "PING"}));
  EXPECT_EQ(c.sr, 2);
  EXPECT_EQ(c.blocks, 2);
  EXPECT_EQ(c.byes, 2);
  EXPECT_EQ(c.cnames, 4);
}

TEST(GoldenRtcp, LinphoneExtendedReportsAndRpsiAreWalkedOverAsOtherPackets) {
  // linphone 5.1: SR/RR + SDES + XR (207), and SR + SDES + PSFB RPSI (206, FMT 3).
  Census c;
  int packets = 0;
  for (const auto& d : tessera::testing::LoadRtpFixture("linphone_rtcp.pcap")) {
    if (ClassifyPacket(d.payload) != PacketKind::kRtcp) continue;
    const auto r = ParseRtcpCompound(d.payload, c);
    EXPECT_TRUE(r.ok());
    ++packets;
  }
  EXPECT_EQ(packets, 14);
  EXPECT_EQ(c.sr + c.rr, 14);
  EXPECT_EQ(c.cnames, 14);
  EXPECT_EQ(c.other, 14);
  const auto rpsi = std::count(c.first_types.begin(), c.first_types.end(), rtcp::kPayloadFeedback * 100 + 3);
  const auto xr = std::count(c.first_types.begin(), c.first_types.end(), rtcp::kExtendedReport * 100 + 0);
  EXPECT_GT(rpsi, 0);
  EXPECT_GT(xr, 0);
  EXPECT_EQ(rpsi + xr, 14);
}

}  // namespace
}  // namespace tessera::mcu::rtp

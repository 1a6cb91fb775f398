// What Tessera writes, read by Wireshark's dissectors (tshark): every RTCP packet type the
// builder makes, alone and in one compound, and RTP with RFC 8285 header extensions in
// both forms, must decode without a malformed-packet or warning-level expert note, and
// with the field values we wrote.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtp_header_extensions.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/testing/udp_pcap.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::mcu::rtp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint16_t kRtcpPort = 5005;
constexpr uint16_t kRtpPort = 5004;

tessera::testing::UdpDatagram Datagram(uint16_t port, std::span<const uint8_t> bytes, double time) {
  tessera::testing::UdpDatagram d;
  d.time = time;
  d.source_port = 40000;
  d.destination_port = port;
  d.payload.assign(bytes.begin(), bytes.end());
  return d;
}

// Runs tshark on a pcap; returns its output (empty and a test failure if it cannot run).
std::string Tshark(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"tshark", "-n", "-o", "rtp.heuristic_rtp:FALSE"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = tessera::testing::RunProgram(argv, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_status, 0) << "tshark failed (apt-get install tshark): " << r.output;
  return r.output;
}

class TsharkDecode : public ::testing::Test {
 protected:
  std::string WritePcap(const std::vector<tessera::testing::UdpDatagram>& datagrams) {
    const auto path = dir_.path() / "tessera.pcap";
    EXPECT_TRUE(tessera::testing::WritePcapUdp(path, datagrams));
    return path.string();
  }
  tessera::testing::TempDir dir_;
};

// One builder call per packet type, each into its own datagram; and all in one compound.
std::vector<std::vector<uint8_t>> EveryRtcpPacket() {
  std::vector<std::vector<uint8_t>> out;
  auto make = [&](auto&& add) {
    std::array<uint8_t, 1500> buf{};
    RtcpBuilder b(buf);
    EXPECT_TRUE(add(b));
    out.emplace_back(b.data().begin(), b.data().end());
  };
  const std::array<ReportBlock, 2> blocks = {ReportBlock{0x22222222, 26, 12, 0x0001FFF0, 345, 0xB7052000, 0x00054000},
                                             ReportBlock{0x33333333, 0, -2, 77, 0, 0, 0}};
  const std::array<uint16_t, 6> lost = {100, 101, 105, 116, 117, 5000};
  const std::array<TmmbItem, 1> tmmb = {TmmbItem{0x22222222, 768'000, 40}};
  const std::array<FirEntry, 1> fir = {FirEntry{0x22222222, 9}};
  const std::array<uint32_t, 2> ssrcs = {0x22222222, 0x33333333};
  const std::array<uint8_t, 8> app = {1, 2, 3, 4, 5, 6, 7, 8};
  make([&](RtcpBuilder& b) {
    return b.AddSenderReport(0x11111111, SenderInfo{NtpNow(), 123456, 1000, 1'200'000}, blocks) &&
           b.AddSdesCname(0x11111111, "tessera@mcu.example");
  });
  make([&](RtcpBuilder& b) { return b.AddReceiverReport(0x11111111, blocks) && b.AddSdesCname(0x11111111, "t"); });
  make([&](RtcpBuilder& b) { return b.AddReceiverReport(0x11111111) && b.AddNack(0x11111111, 0x22222222, lost); });
  make([&](RtcpBuilder& b) { return b.AddReceiverReport(0x11111111) && b.AddTmmbr(0x11111111, tmmb); });
  make([&](RtcpBuilder& b) { return b.AddReceiverReport(0x11111111) && b.AddTmmbn(0x11111111, tmmb); });
  make([&](RtcpBuilder& b) { return b.AddReceiverReport(0x11111111) && b.AddPli(0x11111111, 0x22222222); });
  make([&](RtcpBuilder& b) { return b.AddReceiverReport(0x11111111) && b.AddFir(0x11111111, fir); });
  make([&](RtcpBuilder& b) { return b.AddReceiverReport(0x11111111) && b.AddRemb(0x11111111, 1'500'000, ssrcs); });
  make([&](RtcpBuilder& b) { return b.AddReceiverReport(0x11111111) && b.AddApp(5, 0x11111111, "TSRA", app); });
  make([&](RtcpBuilder& b) {
    return b.AddReceiverReport(0x11111111) && b.AddSdesCname(0x11111111, "x") &&
           b.AddBye(std::span<const uint32_t>(ssrcs).first(1), "conference ended");
  });
  make([&](RtcpBuilder& b) {  // everything at once
    return b.AddSenderReport(0x11111111, SenderInfo{NtpNow(), 1, 2, 3}, blocks) &&
           b.AddSdesCname(0x11111111, "tessera@mcu.example") && b.AddNack(0x11111111, 0x22222222, lost) &&
           b.AddTmmbr(0x11111111, tmmb) && b.AddTmmbn(0x11111111, {}) && b.AddPli(0x11111111, 0x22222222) &&
           b.AddFir(0x11111111, fir) && b.AddRemb(0x11111111, 50'000'000, ssrcs) &&
           b.AddApp(0, 0x11111111, "ABCD", {}) && b.AddBye(ssrcs);
  });
  return out;
}

TEST_F(TsharkDecode, EveryRtcpPacketTesseraBuildsDecodesCleanly) {
  std::vector<tessera::testing::UdpDatagram> datagrams;
  const auto packets = EveryRtcpPacket();
  for (size_t i = 0; i < packets.size(); ++i)
    datagrams.push_back(Datagram(kRtcpPort, packets[i], 1000.0 + i));
  const std::string pcap = WritePcap(datagrams);

  const std::string verbose = Tshark({"-r", pcap, "-d", "udp.port==5005,rtcp", "-V"});
  EXPECT_THAT(verbose, Not(HasSubstr("Malformed")));
  EXPECT_THAT(verbose, Not(HasSubstr("Expert Info (Error")));
  EXPECT_THAT(verbose, Not(HasSubstr("Expert Info (Warning")));
  EXPECT_THAT(verbose, Not(HasSubstr("[RTCP frame length check: Wrong")));

  // The values Wireshark read back, one row per datagram, one column per field.
  const std::vector<std::string> names = {"rtcp.pt",
                                          "rtcp.length_check",
                                          "rtcp.sdes.text",
                                          "rtcp.rtpfb.nack_pid",
                                          "rtcp.rtpfb.nack_blp",
                                          "rtcp.rtpfb.tmmbr.fci.exp",
                                          "rtcp.rtpfb.tmmbr.fci.mantissa",
                                          "rtcp.psfb.fir.fci.csn",
                                          "rtcp.psfb.remb.fci.br_exp",
                                          "rtcp.psfb.remb.fci.br_mantissa",
                                          "rtcp.ssrc.cum_nr",
                                          "rtcp.app.name"};
  std::vector<std::string> args = {"-r", pcap,           "-d", "udp.port==5005,rtcp", "-T", "fields",
                                   "-E", "occurrence=a", "-E", "aggregator=,"};
  for (const auto& n : names) {
    args.push_back("-e");
    args.push_back(n);
  }
  std::istringstream lines(Tshark(args));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;  // tshark's root warning
    std::vector<std::string> columns;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');)
      columns.push_back(cell);
    columns.resize(names.size());
    rows.push_back(columns);
  }
  ASSERT_EQ(rows.size(), packets.size());
  auto at = [&](size_t row, const char* field) {
    const size_t column = std::find(names.begin(), names.end(), field) - names.begin();
    return rows[row][column];
  };
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_THAT(at(i, "rtcp.length_check"), Not(HasSubstr("0"))) << i;
  EXPECT_EQ(at(0, "rtcp.pt"), "200,202");
  EXPECT_EQ(at(0, "rtcp.sdes.text"), "tessera@mcu.example");
  EXPECT_EQ(at(1, "rtcp.ssrc.cum_nr"), "12,-2");  // negative cumulative loss
  EXPECT_EQ(at(2, "rtcp.pt"), "201,205");
  EXPECT_EQ(at(2, "rtcp.rtpfb.nack_pid"), "100,101,105,116,117,5000");
  EXPECT_EQ(at(2, "rtcp.rtpfb.nack_blp"), "0x8011,0x0000,0x0000");  // three PID/BLP pairs
  EXPECT_EQ(std::stoull(at(3, "rtcp.rtpfb.tmmbr.fci.mantissa")) << std::stoi(at(3, "rtcp.rtpfb.tmmbr.fci.exp")),
            768'000u);
  EXPECT_EQ(at(5, "rtcp.pt"), "201,206");
  EXPECT_EQ(at(6, "rtcp.psfb.fir.fci.csn"), "9");
  EXPECT_EQ(std::stoull(at(7, "rtcp.psfb.remb.fci.br_mantissa")) << std::stoi(at(7, "rtcp.psfb.remb.fci.br_exp")),
            1'500'000u);
  EXPECT_EQ(at(8, "rtcp.app.name"), "TSRA");
  EXPECT_EQ(at(9, "rtcp.pt"), "201,202,203");
  EXPECT_EQ(at(10, "rtcp.pt"), "200,202,205,205,205,206,206,206,204,203");
}

TEST_F(TsharkDecode, RtpWithHeaderExtensionsInBothFormsDecodesCleanly) {
  std::vector<tessera::testing::UdpDatagram> datagrams;
  for (auto form : {RtpExtensionWriter::Form::kOneByte, RtpExtensionWriter::Form::kTwoByte}) {
    std::array<uint8_t, 200> buf{};
    const std::array<uint32_t, 2> csrcs = {0xAAAA0001, 0xAAAA0002};
    size_t n = WriteRtpHeader(RtpHeader{.payload_type = 0,
                                        .marker = true,
                                        .sequence_number = 4242,
                                        .timestamp = 160000,
                                        .ssrc = 0x11111111,
                                        .csrcs = csrcs},
                              buf);
    RtpExtensionWriter w(buf, n, form);
    w.AddAudioLevel(1, {true, 33});
    w.AddAbsSendTime(3, 0x123456);
    w.AddTransportSequenceNumber(5, 777);
    n = w.Finish();
    ASSERT_GT(n, 0u);
    for (int i = 0; i < 160; ++i)
      buf[n++] = 0xFF;
    n = AddRtpPadding(buf, n, 8);
    ASSERT_GT(n, 0u);
    datagrams.push_back(Datagram(kRtpPort, std::span(buf).first(n), 2000.0 + datagrams.size()));
  }
  const std::string pcap = WritePcap(datagrams);
  const std::string verbose = Tshark({"-r", pcap, "-d", "udp.port==5004,rtp", "-V"});
  EXPECT_THAT(verbose, Not(HasSubstr("Malformed")));
  EXPECT_THAT(verbose, Not(HasSubstr("Expert Info (Error")));
  const std::string fields =
      Tshark({"-r", pcap, "-d", "udp.port==5004,rtp", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e",
              "rtp.seq", "-e", "rtp.csrc.item", "-e", "rtp.ext.rfc5285.id", "-e", "rtp.padding.count"});
  EXPECT_THAT(fields, HasSubstr("4242"));
  EXPECT_THAT(fields, HasSubstr("1,3,5"));
}

}  // namespace
}  // namespace tessera::mcu::rtp

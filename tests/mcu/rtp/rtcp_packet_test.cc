#include "tessera/mcu/rtp/rtcp_packet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/testing/guarded_buffer.h"

namespace tessera::mcu::rtp {
namespace {

using ::testing::ElementsAre;

// Records everything a compound packet contained.
struct Recorder : RtcpVisitor {
  std::vector<SenderReportView> srs;
  std::vector<ReceiverReportView> rrs;
  std::vector<ReportBlock> blocks;
  std::vector<std::string> sdes;
  std::vector<uint32_t> bye_ssrcs;
  std::string bye_reason;
  std::vector<std::string> apps;
  std::vector<uint16_t> nacked;
  uint32_t nack_media_ssrc = 0;
  std::vector<TmmbItem> tmmbr, tmmbn;
  int tmmbn_packets = 0;
  std::vector<uint32_t> plis;
  std::vector<FirEntry> firs;
  uint64_t remb = 0;
  std::vector<uint32_t> remb_ssrcs;
  int other = 0;

  void OnSenderReport(const SenderReportView& sr) override {
    srs.push_back(sr);
    for (size_t i = 0; i < sr.report_blocks.size(); ++i)
      blocks.push_back(sr.report_blocks[i]);
  }
  void OnReceiverReport(const ReceiverReportView& rr) override {
    rrs.push_back(rr);
    for (size_t i = 0; i < rr.report_blocks.size(); ++i)
      blocks.push_back(rr.report_blocks[i]);
  }
  void OnSdesItem(const SdesItem& item) override {
    sdes.push_back(std::to_string(item.ssrc) + ":" + std::to_string(item.type) + ":" + std::string(item.text));
  }
  void OnBye(const ByeView& bye) override {
    for (size_t i = 0; i < bye.size(); ++i)
      bye_ssrcs.push_back(bye.ssrc(i));
    bye_reason = std::string(bye.reason);
  }
  void OnApp(const AppView& app) override {
    apps.push_back(std::string(app.name.data(), 4) + "/" + std::to_string(app.subtype) + "/" +
                   std::to_string(app.data.size()));
  }
  void OnNack(const FeedbackView& fb, const NackView& nack) override {
    nack_media_ssrc = fb.media_ssrc;
    nack.ForEachLost([&](uint16_t s) { nacked.push_back(s); });
  }
  void OnTmmbr(const FeedbackView&, const TmmbItemsView& items) override {
    for (size_t i = 0; i < items.size(); ++i)
      tmmbr.push_back(items[i]);
  }
  void OnTmmbn(const FeedbackView&, const TmmbItemsView& items) override {
    ++tmmbn_packets;
    for (size_t i = 0; i < items.size(); ++i)
      tmmbn.push_back(items[i]);
  }
  void OnPli(const FeedbackView& fb) override { plis.push_back(fb.media_ssrc); }
  void OnFir(const FeedbackView&, const FirView& fir) override {
    for (size_t i = 0; i < fir.size(); ++i)
      firs.push_back(fir[i]);
  }
  void OnRemb(const FeedbackView&, const RembView& r) override {
    remb = r.bitrate_bps;
    for (size_t i = 0; i < r.size(); ++i)
      remb_ssrcs.push_back(r.ssrc(i));
  }
  void OnOther(const RtcpPacketView&) override { ++other; }
};

ReportBlock SampleBlock(uint32_t ssrc) {
  return ReportBlock{.source_ssrc = ssrc,
                     .fraction_lost = 25,
                     .cumulative_lost = -3,
                     .extended_highest_sequence = 0x00012345,
                     .jitter = 321,
                     .last_sr = 0xB7052000,
                     .delay_since_last_sr = 0x00054000};
}

TEST(RtcpCompound, EveryPacketTypeRoundTripsThroughBuilderAndParser) {
  std::array<uint8_t, 1500> buf{};
  RtcpBuilder b(buf);
  const SenderInfo info{NtpTime{0x0123456789ABCDEFull}, 90000, 12, 3456};
  const std::array<ReportBlock, 2> blocks = {SampleBlock(0x11), SampleBlock(0x22)};
  ASSERT_TRUE(b.AddSenderReport(0xAAAA, info, blocks));
  ASSERT_TRUE(b.AddReceiverReport(0xBBBB, std::span(blocks).first(1)));
  ASSERT_TRUE(b.AddSdesCname(0xAAAA, "tessera@example.org"));
  const std::array<uint16_t, 5> lost = {100, 101, 116, 117, 200};
  ASSERT_TRUE(b.AddNack(0xAAAA, 0xCCCC, lost));
  const std::array<TmmbItem, 1> tmmbr = {TmmbItem{0xCCCC, 1'500'000, 40}};
  ASSERT_TRUE(b.AddTmmbr(0xAAAA, tmmbr));
  ASSERT_TRUE(b.AddTmmbn(0xAAAA, {}));
  ASSERT_TRUE(b.AddPli(0xAAAA, 0xCCCC));
  const std::array<FirEntry, 2> firs = {FirEntry{0xCCCC, 7}, FirEntry{0xDDDD, 255}};
  ASSERT_TRUE(b.AddFir(0xAAAA, firs));
  const std::array<uint32_t, 2> remb_ssrcs = {0xCCCC, 0xDDDD};
  ASSERT_TRUE(b.AddRemb(0xAAAA, 2'000'000, remb_ssrcs));
  const std::array<uint8_t, 4> app_data = {1, 2, 3, 4};
  ASSERT_TRUE(b.AddApp(3, 0xAAAA, "TSRA", app_data));
  const std::array<uint32_t, 1> bye = {0xAAAA};
  ASSERT_TRUE(b.AddBye(bye, "conference ended"));

  Recorder r;
  auto result = ParseRtcpCompound(b.data(), r);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.packets, 11u);
  ASSERT_EQ(r.srs.size(), 1u);
  EXPECT_EQ(r.srs[0].sender_ssrc, 0xAAAAu);
  EXPECT_EQ(r.srs[0].info, info);
  ASSERT_EQ(r.rrs.size(), 1u);
  EXPECT_EQ(r.rrs[0].sender_ssrc, 0xBBBBu);
  ASSERT_EQ(r.blocks.size(), 3u);
  EXPECT_EQ(r.blocks[0], SampleBlock(0x11));
  EXPECT_EQ(r.blocks[1], SampleBlock(0x22));
  EXPECT_THAT(r.sdes, ElementsAre("43690:1:tessera@example.org"));
  EXPECT_EQ(r.nack_media_ssrc, 0xCCCCu);
  EXPECT_THAT(r.nacked, ElementsAre(100, 101, 116, 117, 200));
  ASSERT_EQ(r.tmmbr.size(), 1u);
  EXPECT_EQ(r.tmmbr[0], tmmbr[0]);
  EXPECT_EQ(r.tmmbn_packets, 1);
  EXPECT_TRUE(r.tmmbn.empty());
  EXPECT_THAT(r.plis, ElementsAre(0xCCCCu));
  EXPECT_THAT(r.firs, ElementsAre(firs[0], firs[1]));
  EXPECT_EQ(r.remb, 2'000'000u);
  EXPECT_THAT(r.remb_ssrcs, ElementsAre(0xCCCCu, 0xDDDDu));
  EXPECT_THAT(r.apps, ElementsAre("TSRA/3/4"));
  EXPECT_THAT(r.bye_ssrcs, ElementsAre(0xAAAAu));
  EXPECT_EQ(r.bye_reason, "conference ended");
  EXPECT_EQ(r.other, 0);
}

TEST(RtcpCompound, NackPacksSequenceNumbersIntoPidAndBitmaskAcrossTheWrap) {
  std::array<uint8_t, 200> buf{};
  RtcpBuilder b(buf);
  const std::array<uint16_t, 4> lost = {65534, 65535, 0, 20};
  ASSERT_TRUE(b.AddNack(1, 2, lost));
  // Header + SSRCs + two FCI entries: (65534, bits 0 and 1) and (20, none).
  ASSERT_EQ(b.size(), 12u + 8u);
  EXPECT_EQ(b.data()[12], 0xFF);
  EXPECT_EQ(b.data()[13], 0xFE);
  EXPECT_EQ(b.data()[15], 0x03);
  Recorder r;
  EXPECT_TRUE(ParseRtcpCompound(b.data(), r).ok());
  EXPECT_THAT(r.nacked, ElementsAre(65534, 65535, 0, 20));
}

TEST(RtcpCompound, BitrateMantissaAndExponentRoundDownAndSaturate) {
  for (uint64_t bps : {0ull, 1ull, 64'000ull, 131'071ull, 131'072ull, 1'234'567ull, 2'500'000'000ull}) {
    const auto me = EncodeBitrate(bps, 17);
    EXPECT_LT(me.mantissa, 1u << 17);
    const uint64_t back = DecodeBitrate(me.mantissa, me.exponent);
    EXPECT_LE(back, bps);
    EXPECT_GE(back, bps - (bps >> 16)) << bps;  // within the mantissa's precision
  }
  EXPECT_EQ(DecodeBitrate(0x1FFFF, 63), UINT64_MAX);
  EXPECT_EQ(DecodeBitrate(0, 63), 0u);
}

TEST(RtcpCompound, ReadsNegativeCumulativeLossAsSigned24Bit) {
  std::array<uint8_t, 100> buf{};
  RtcpBuilder b(buf);
  ReportBlock block = SampleBlock(1);
  block.cumulative_lost = -0x800000;
  ASSERT_TRUE(b.AddReceiverReport(9, std::span(&block, 1)));
  auto rr = [&] {
    RtcpCompoundReader reader(b.data());
    RtcpPacketView p;
    EXPECT_TRUE(reader.Next(&p));
    return ParseReceiverReport(p);
  }();
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->report_blocks[0].cumulative_lost, -0x800000);
}

TEST(RtcpCompound, ReaderRejectsBadHeadersAndStopsThere) {
  std::array<uint8_t, 100> buf{};
  RtcpBuilder b(buf);
  ASSERT_TRUE(b.AddReceiverReport(1));
  ASSERT_TRUE(b.AddPli(1, 2));
  std::vector<uint8_t> good(b.data().begin(), b.data().end());

  Recorder r;
  EXPECT_EQ(ParseRtcpCompound({}, r).error, RtcpParseError::kEmpty);

  auto bad = good;
  bad.resize(good.size() + 2);  // trailing junk shorter than a header
  EXPECT_EQ(ParseRtcpCompound(bad, r).error, RtcpParseError::kTooShort);

  bad = good;
  bad[8] = 0x40;  // second packet: version 1
  auto result = ParseRtcpCompound(bad, r);
  EXPECT_EQ(result.error, RtcpParseError::kBadVersion);
  EXPECT_EQ(result.packets, 1u);

  bad = good;
  bad[3] = 50;  // first length runs past the end
  EXPECT_EQ(ParseRtcpCompound(bad, r).error, RtcpParseError::kLengthPastEnd);

  bad = good;
  bad[8] |= 0x20;            // padding bit on the PLI...
  bad[good.size() - 1] = 0;  // ...with a padding count of 0
  EXPECT_EQ(ParseRtcpCompound(bad, r).error, RtcpParseError::kBadPadding);
}

TEST(RtcpCompound, CountsBodiesThatDoNotParseAndKeepsGoing) {
  // An SR announcing 2 report blocks with room for none, then a valid PLI.
  std::vector<uint8_t> bytes = {0x82, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                0,    0,   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::vector<uint8_t> pli = {0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
  bytes.insert(bytes.end(), pli.begin(), pli.end());
  Recorder r;
  auto result = ParseRtcpCompound(bytes, r);
  EXPECT_FALSE(result.error);
  EXPECT_EQ(result.packets, 2u);
  EXPECT_EQ(result.bad_bodies, 1u);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(r.srs.empty());
  EXPECT_THAT(r.plis, ElementsAre(2u));
}

TEST(RtcpCompound, SdesWithSeveralChunksAndItems) {
  // Two chunks: (1: CNAME "ab", NAME "c") and (2: CNAME "xyz").
  std::vector<uint8_t> bytes = {0x82, 202, 0, 6, 0, 0, 0, 1, 1,   2,   'a', 'b', 2, 1,
                                'c',  0,   0, 0, 0, 2, 1, 3, 'x', 'y', 'z', 0,   0, 0};
  bytes[3] = static_cast<uint8_t>(bytes.size() / 4 - 1);
  Recorder r;
  EXPECT_TRUE(ParseRtcpCompound(bytes, r).ok());
  EXPECT_THAT(r.sdes, ElementsAre("1:1:ab", "1:2:c", "2:1:xyz"));
}

TEST(RtcpCompound, SdesWithoutEndItemIsMalformed) {
  std::vector<uint8_t> bytes = {0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, 'a', 'b'};
  Recorder r;
  auto result = ParseRtcpCompound(bytes, r);
  EXPECT_EQ(result.bad_bodies, 1u);
}

TEST(RtcpCompound, UnknownTypesAndFormatsAreReportedAsOther) {
  std::array<uint8_t, 200> buf{};
  RtcpBuilder b(buf);
  ASSERT_TRUE(b.AddReceiverReport(1));
  std::vector<uint8_t> bytes(b.data().begin(), b.data().end());
  // XR (207) with one empty block, and an RTPFB with format 15 (transport-cc).
  for (int v : {0x80, 207, 0, 1, 0, 0, 0, 1, 0x8F, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2}) {
    bytes.push_back(static_cast<uint8_t>(v));
  }
  Recorder r;
  EXPECT_TRUE(ParseRtcpCompound(bytes, r).ok());
  EXPECT_EQ(r.other, 2);
}

TEST(RtcpCompound, FeedbackBodiesAreCheckedForTheirFormats) {
  const std::vector<std::vector<uint8_t>> bad_bodies = {
      {0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2},  // NACK without FCI
      {0x84, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0},  // FIR without entries
      {0x83, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0},  // TMMBR without items
      {0x81, 205, 0, 1, 0, 0, 0, 1},              // feedback without media SSRC
  };
  for (const auto& bytes : bad_bodies) {
    Recorder r;
    auto result = ParseRtcpCompound(bytes, r);
    EXPECT_FALSE(result.error);
    EXPECT_EQ(result.bad_bodies, 1u);
  }
  // "REMB" whose SSRC count runs past the end is not a REMB; it is left to others.
  const std::vector<uint8_t> remb = {0x8F, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 5, 0, 0, 1};
  Recorder r;
  EXPECT_TRUE(ParseRtcpCompound(remb, r).ok());
  EXPECT_EQ(r.other, 1);
  EXPECT_EQ(r.remb, 0u);
}

TEST(RtcpBuilder, RefusesWhatDoesNotFitAndLeavesTheBufferUntouched) {
  std::array<uint8_t, 20> buf{};
  RtcpBuilder b(buf);
  ASSERT_TRUE(b.AddPli(1, 2));
  const size_t before = b.size();
  EXPECT_FALSE(b.AddSdesCname(1, "a-cname-that-is-too-long-for-what-remains"));
  EXPECT_FALSE(b.AddNack(1, 2, {}));
  std::array<ReportBlock, 32> blocks{};
  std::array<uint8_t, 2000> big{};
  RtcpBuilder b2(big);
  EXPECT_FALSE(b2.AddReceiverReport(1, blocks));
  EXPECT_FALSE(b2.AddApp(1, 1, "ABC", {}));
  EXPECT_FALSE(b2.AddApp(32, 1, "ABCD", {}));
  EXPECT_EQ(b.size(), before);
}

TEST(RtcpBuilder, SdesCnameIsPaddedWithAtLeastOneNullOctet) {
  for (size_t len = 0; len < 10; ++len) {
    std::array<uint8_t, 64> buf{};
    RtcpBuilder b(buf);
    const std::string cname(len, 'x');
    ASSERT_TRUE(b.AddSdesCname(5, cname));
    EXPECT_EQ(b.size() % 4, 0u);
    EXPECT_GE(b.size(), 4 + 4 + 2 + len + 1);
    Recorder r;
    EXPECT_TRUE(ParseRtcpCompound(b.data(), r).ok());
    ASSERT_EQ(r.sdes.size(), 1u);
    EXPECT_EQ(r.sdes[0], "5:1:" + cname);
  }
}

TEST(RtcpCompound, NeverReadsPastTheBufferForAnyTruncation) {
  std::array<uint8_t, 1500> full{};
  RtcpBuilder b(full);
  std::vector<size_t> boundaries;  // a prefix of whole packets is itself a valid compound
  const std::array<ReportBlock, 1> blocks = {SampleBlock(3)};
  b.AddSenderReport(1, SenderInfo{}, blocks);
  boundaries.push_back(b.size());
  b.AddSdesCname(1, "cname");
  boundaries.push_back(b.size());
  const std::array<uint16_t, 2> lost = {1, 5};
  b.AddNack(1, 3, lost);
  boundaries.push_back(b.size());
  const std::array<uint32_t, 1> ssrcs = {3};
  b.AddRemb(1, 1000, ssrcs);
  boundaries.push_back(b.size());
  b.AddBye(ssrcs, "bye");
  boundaries.push_back(b.size());
  for (size_t len = 0; len <= b.size(); ++len) {
    testing::GuardedBuffer<uint8_t> g(len);
    std::copy_n(full.begin(), len, g.data());
    Recorder r;
    auto result = ParseRtcpCompound(g.span(), r);
    const bool boundary = std::find(boundaries.begin(), boundaries.end(), len) != boundaries.end();
    EXPECT_EQ(result.ok(), boundary) << len;
  }
}

}  // namespace
}  // namespace tessera::mcu::rtp

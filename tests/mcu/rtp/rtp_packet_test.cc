#include "tessera/mcu/rtp/rtp_packet.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "tessera/mcu/rtp/rtp_header_extensions.h"
#include "tessera/testing/guarded_buffer.h"

namespace tessera::mcu::rtp {
namespace {

std::vector<uint8_t> Bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v)
    out.push_back(static_cast<uint8_t>(b));
  return out;
}

// A minimal valid header: V=2, PT 96, seq 0x1234, ts 0x01020304, SSRC 0xAABBCCDD.
std::vector<uint8_t> MinimalPacket() {
  return Bytes({0x80, 0x60, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB, 0xCC, 0xDD});
}

TEST(RtpPacket, ParsesTheFixedHeaderFields) {
  auto bytes = MinimalPacket();
  bytes[1] = 0x80 | 111;  // marker + PT 111
  bytes.push_back(0x42);
  auto r = ParseRtp(bytes);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->marker);
  EXPECT_EQ(r->payload_type, 111);
  EXPECT_EQ(r->sequence_number, 0x1234);
  EXPECT_EQ(r->timestamp, 0x01020304u);
  EXPECT_EQ(r->ssrc, 0xAABBCCDDu);
  EXPECT_EQ(r->header_size, 12u);
  ASSERT_EQ(r->payload.size(), 1u);
  EXPECT_EQ(r->payload[0], 0x42);
}

TEST(RtpPacket, AcceptsAnEmptyPayload) {
  auto bytes = MinimalPacket();
  auto r = ParseRtp(bytes);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->payload.empty());
}

TEST(RtpPacket, RejectsPacketsShorterThanTheFixedHeader) {
  auto bytes = MinimalPacket();
  for (size_t n = 0; n < 12; ++n) {
    auto r = ParseRtp(std::span(bytes).first(n));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), RtpParseError::kTooShort);
  }
}

TEST(RtpPacket, RejectsVersionsOtherThanTwo) {
  auto bytes = MinimalPacket();
  for (uint8_t version : {0, 1, 3}) {
    bytes[0] = static_cast<uint8_t>(version << 6);
    auto r = ParseRtp(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), RtpParseError::kBadVersion);
    EXPECT_EQ(ToDropReason(r.error()), DropReason::kRtpBadVersion);
  }
}

TEST(RtpPacket, ReadsTheCsrcList) {
  auto bytes = MinimalPacket();
  bytes[0] = 0x82;
  for (int b : {0, 0, 0, 1, 0xDE, 0xAD, 0xBE, 0xEF, 0x55})
    bytes.push_back(static_cast<uint8_t>(b));
  auto r = ParseRtp(bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->csrc_count, 2);
  EXPECT_EQ(r->csrc(0), 1u);
  EXPECT_EQ(r->csrc(1), 0xDEADBEEFu);
  EXPECT_EQ(r->header_size, 20u);
  EXPECT_EQ(r->payload.size(), 1u);
}

TEST(RtpPacket, RejectsACsrcListThatRunsPastTheEnd) {
  auto bytes = MinimalPacket();
  bytes[0] = 0x8F;  // 15 CSRCs announced, none present
  auto r = ParseRtp(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), RtpParseError::kCsrcPastEnd);
}

TEST(RtpPacket, RejectsAnExtensionHeaderOrBodyPastTheEnd) {
  auto bytes = MinimalPacket();
  bytes[0] = 0x90;
  bytes.push_back(0xBE);  // only half of the extension header
  auto r = ParseRtp(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), RtpParseError::kExtensionPastEnd);

  bytes = MinimalPacket();
  bytes[0] = 0x90;
  for (int b : {0xBE, 0xDE, 0x00, 0x02, 0x10, 0xFF, 0x00, 0x00})
    bytes.push_back(static_cast<uint8_t>(b));
  r = ParseRtp(bytes);  // announces 2 words, has 1
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), RtpParseError::kExtensionPastEnd);
}

TEST(RtpPacket, StripsPadding) {
  auto bytes = MinimalPacket();
  bytes[0] |= 0x20;
  for (int b : {0x11, 0x22, 0x00, 0x00, 0x03})
    bytes.push_back(static_cast<uint8_t>(b));
  auto r = ParseRtp(bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->padding_size, 3);
  ASSERT_EQ(r->payload.size(), 2u);
  EXPECT_EQ(r->payload[1], 0x22);
}

TEST(RtpPacket, RejectsPaddingOfZeroOrLongerThanThePayload) {
  auto bytes = MinimalPacket();
  bytes[0] |= 0x20;
  bytes.push_back(0x00);
  auto r = ParseRtp(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), RtpParseError::kBadPadding);

  bytes = MinimalPacket();
  bytes[0] |= 0x20;
  bytes.push_back(0x02);  // 2 bytes of padding, but only 1 byte after the header
  r = ParseRtp(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), RtpParseError::kBadPadding);
}

TEST(RtpPacket, PaddingOfTheWholePayloadLeavesItEmpty) {
  auto bytes = MinimalPacket();
  bytes[0] |= 0x20;
  for (int b : {0, 0, 0, 4})
    bytes.push_back(static_cast<uint8_t>(b));
  auto r = ParseRtp(bytes);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->payload.empty());
}

TEST(RtpPacket, NeverReadsPastTheBufferForAnyTruncation) {
  // A packet with CSRCs, an extension and padding, parsed at every length from a buffer
  // that ends at a guard page.
  std::array<uint32_t, 2> csrcs = {7, 8};
  std::array<uint8_t, 64> full{};
  RtpHeader h{96, true, 1, 2, 3, csrcs};
  size_t n = WriteRtpHeader(h, full);
  RtpExtensionWriter w(full, n, RtpExtensionWriter::Form::kOneByte);
  ASSERT_TRUE(w.AddAudioLevel(1, {true, 10}));
  n = w.Finish();
  full[n++] = 0xAB;
  n = AddRtpPadding(full, n, 8);
  ASSERT_GT(n, 0u);
  for (size_t len = 0; len <= n; ++len) {
    testing::GuardedBuffer<uint8_t> buf(len);
    std::copy_n(full.begin(), len, buf.data());
    auto r = ParseRtp(buf.span());
    EXPECT_EQ(static_cast<bool>(r), len == n) << len;
  }
}

TEST(RtpPacket, WriteThenParseRoundTripsEveryField) {
  std::array<uint32_t, 3> csrcs = {0x01020304, 0x05060708, 0x090A0B0C};
  RtpHeader h{.payload_type = 100,
              .marker = true,
              .sequence_number = 65535,
              .timestamp = 0xFFFFFFFF,
              .ssrc = 0x12345678,
              .csrcs = csrcs};
  std::array<uint8_t, 100> buf{};
  const size_t n = WriteRtpHeader(h, buf);
  ASSERT_EQ(n, 24u);
  buf[n] = 0x99;
  auto r = ParseRtp(std::span(buf).first(n + 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload_type, 100);
  EXPECT_TRUE(r->marker);
  EXPECT_EQ(r->sequence_number, 65535);
  EXPECT_EQ(r->timestamp, 0xFFFFFFFFu);
  EXPECT_EQ(r->ssrc, 0x12345678u);
  ASSERT_EQ(r->csrc_count, 3);
  EXPECT_EQ(r->csrc(2), 0x090A0B0Cu);
  EXPECT_EQ(r->payload.size(), 1u);
}

TEST(RtpPacket, WriteRefusesASmallBufferOrTooManyCsrcs) {
  std::array<uint8_t, 11> small{};
  EXPECT_EQ(WriteRtpHeader(RtpHeader{}, small), 0u);
  std::array<uint32_t, 16> csrcs{};
  std::array<uint8_t, 200> buf{};
  EXPECT_EQ(WriteRtpHeader(RtpHeader{.csrcs = csrcs}, buf), 0u);
}

TEST(RtpPacket, AddPaddingRoundsUpToTheMultipleAndParsesBack) {
  std::array<uint8_t, 64> buf{};
  size_t n = WriteRtpHeader(RtpHeader{.payload_type = 0}, buf);
  buf[n++] = 1;
  buf[n++] = 2;
  buf[n++] = 3;
  const size_t padded = AddRtpPadding(buf, n, 16);
  EXPECT_EQ(padded, 16u);
  auto r = ParseRtp(std::span(buf).first(padded));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->payload.size(), 3u);
  EXPECT_EQ(r->padding_size, 1);
}

TEST(RtpPacket, RewriteChangesOnlySequenceTimestampAndSsrc) {
  auto bytes = MinimalPacket();
  bytes[1] = 0x80 | 96;
  bytes.push_back(0x77);
  ASSERT_TRUE(RewriteRtpHeader(bytes, 7, 8, 9));
  ASSERT_TRUE(SetRtpPayloadType(bytes, 97));
  auto r = ParseRtp(bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->sequence_number, 7);
  EXPECT_EQ(r->timestamp, 8u);
  EXPECT_EQ(r->ssrc, 9u);
  EXPECT_EQ(r->payload_type, 97);
  EXPECT_TRUE(r->marker);
  ASSERT_TRUE(SetRtpMarker(bytes, false));
  EXPECT_FALSE(ParseRtp(bytes)->marker);
  EXPECT_EQ(ParseRtp(bytes)->payload_type, 97);
  std::array<uint8_t, 4> tiny{};
  EXPECT_FALSE(RewriteRtpHeader(tiny, 1, 2, 3));
}

TEST(RtpPacket, ClassifiesRtpRtcpStunAndDtlsByTheirFirstBytes) {
  EXPECT_EQ(ClassifyPacket(Bytes({0x80, 96})), PacketKind::kRtp);
  EXPECT_EQ(ClassifyPacket(Bytes({0x80, 0xE0})), PacketKind::kRtp);  // marker + PT 96
  EXPECT_EQ(ClassifyPacket(Bytes({0x81, 200})), PacketKind::kRtcp);
  EXPECT_EQ(ClassifyPacket(Bytes({0x81, 206})), PacketKind::kRtcp);
  EXPECT_EQ(ClassifyPacket(Bytes({0x00, 0x01})), PacketKind::kStun);
  EXPECT_EQ(ClassifyPacket(Bytes({22, 0xFE})), PacketKind::kDtls);
  EXPECT_EQ(ClassifyPacket(Bytes({0x40, 0})), PacketKind::kUnknown);
  EXPECT_EQ(ClassifyPacket({}), PacketKind::kUnknown);
  EXPECT_EQ(ClassifyPacket(Bytes({0x80})), PacketKind::kUnknown);
}

TEST(DropCounters, NamesEveryReasonAndSumsThem) {
  DropCounters c;
  for (size_t i = 0; i < kDropReasonCount; ++i) {
    EXPECT_NE(DropReasonName(static_cast<DropReason>(i)), "unknown") << i;
    c.Add(static_cast<DropReason>(i), i + 1);
  }
  EXPECT_EQ(c.Total(), kDropReasonCount * (kDropReasonCount + 1) / 2);
  DropCounters d;
  d += c;
  EXPECT_EQ(d[DropReason::kSrtpReplay], c[DropReason::kSrtpReplay]);
}

}  // namespace
}  // namespace tessera::mcu::rtp

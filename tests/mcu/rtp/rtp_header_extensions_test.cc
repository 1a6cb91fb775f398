#include "tessera/mcu/rtp/rtp_header_extensions.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace tessera::mcu::rtp {
namespace {

std::vector<uint8_t> PacketWithExtension(uint16_t profile, std::initializer_list<int> body) {
  std::vector<uint8_t> p = {0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
  p.push_back(static_cast<uint8_t>(profile >> 8));
  p.push_back(static_cast<uint8_t>(profile));
  const size_t words = (body.size() + 3) / 4;
  p.push_back(static_cast<uint8_t>(words >> 8));
  p.push_back(static_cast<uint8_t>(words));
  for (int b : body)
    p.push_back(static_cast<uint8_t>(b));
  while ((p.size() - 16) % 4)
    p.push_back(0);
  p.push_back(0xEE);  // payload
  return p;
}

TEST(RtpHeaderExtensions, ReadsOneByteElementsAndSkipsPadding) {
  // RFC 8285 §4.2 example shape: id 1 len 1, padding, id 2 len 3.
  auto bytes = PacketWithExtension(0xBEDE, {0x10, 0xAA, 0x00, 0x00, 0x22, 0x01, 0x02, 0x03});
  auto p = ParseRtp(bytes);
  ASSERT_TRUE(p);
  RtpExtensionIterator it(*p);
  RtpExtensionElement e;
  ASSERT_TRUE(it.Next(&e));
  EXPECT_EQ(e.id, 1);
  ASSERT_EQ(e.data.size(), 1u);
  EXPECT_EQ(e.data[0], 0xAA);
  ASSERT_TRUE(it.Next(&e));
  EXPECT_EQ(e.id, 2);
  EXPECT_EQ(e.data.size(), 3u);
  EXPECT_FALSE(it.Next(&e));
  EXPECT_FALSE(it.malformed());
  EXPECT_EQ(p->payload.size(), 1u);
}

TEST(RtpHeaderExtensions, OneByteIdFifteenStopsTheWalk) {
  auto bytes = PacketWithExtension(0xBEDE, {0xF0, 0x00, 0x10, 0xAA});
  auto p = ParseRtp(bytes);
  ASSERT_TRUE(p);
  EXPECT_FALSE(FindRtpExtension(*p, 1));
}

TEST(RtpHeaderExtensions, ReadsTwoByteElementsIncludingEmptyOnes) {
  auto bytes = PacketWithExtension(0x1000, {0x05, 0x00, 0x00, 0x20, 0x02, 0xCA, 0xFE});
  auto p = ParseRtp(bytes);
  ASSERT_TRUE(p);
  RtpExtensionIterator it(*p);
  RtpExtensionElement e;
  ASSERT_TRUE(it.Next(&e));
  EXPECT_EQ(e.id, 5);
  EXPECT_TRUE(e.data.empty());
  ASSERT_TRUE(it.Next(&e));
  EXPECT_EQ(e.id, 0x20);
  ASSERT_EQ(e.data.size(), 2u);
  EXPECT_EQ(e.data[1], 0xFE);
  EXPECT_FALSE(it.Next(&e));
}

TEST(RtpHeaderExtensions, FlagsAnElementThatRunsPastTheBlock) {
  auto bytes = PacketWithExtension(0xBEDE, {0x1F, 0x01, 0x02, 0x03});  // id 1 says 16 bytes
  auto p = ParseRtp(bytes);
  ASSERT_TRUE(p);
  RtpExtensionIterator it(*p);
  RtpExtensionElement e;
  EXPECT_FALSE(it.Next(&e));
  EXPECT_TRUE(it.malformed());

  bytes = PacketWithExtension(0x1000, {0x07, 0x09, 0x00, 0x00});
  p = ParseRtp(bytes);
  ASSERT_TRUE(p);
  RtpExtensionIterator it2(*p);
  EXPECT_FALSE(it2.Next(&e));
  EXPECT_TRUE(it2.malformed());
}

TEST(RtpHeaderExtensions, UnknownProfilesYieldNoElements) {
  auto bytes = PacketWithExtension(0xABAC, {0x10, 0xAA, 0, 0});
  auto p = ParseRtp(bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_profile, 0xABAC);
  EXPECT_FALSE(FindRtpExtension(*p, 1));
}

TEST(RtpHeaderExtensions, WriterRoundTripsTheThreeKnownElementsInBothForms) {
  for (auto form : {RtpExtensionWriter::Form::kOneByte, RtpExtensionWriter::Form::kTwoByte}) {
    std::array<uint8_t, 128> buf{};
    size_t n = WriteRtpHeader(RtpHeader{.payload_type = 111, .sequence_number = 9}, buf);
    RtpExtensionWriter w(buf, n, form);
    ASSERT_TRUE(w.AddAudioLevel(1, {true, 42}));
    ASSERT_TRUE(w.AddAbsSendTime(3, 0x123456));
    ASSERT_TRUE(w.AddTransportSequenceNumber(5, 0xBEEF));
    n = w.Finish();
    ASSERT_GT(n, 0u);
    EXPECT_EQ(n % 4, 0u);
    buf[n] = 0x11;
    auto p = ParseRtp(std::span(buf).first(n + 1));
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->has_extension);
    EXPECT_EQ(p->payload.size(), 1u);
    auto v =
        ReadRtpExtensions(*p, RtpExtensionIds{.audio_level = 1, .abs_send_time = 3, .transport_sequence_number = 5});
    ASSERT_TRUE(v.audio_level);
    EXPECT_EQ(*v.audio_level, (AudioLevel{true, 42}));
    EXPECT_EQ(v.abs_send_time, 0x123456u);
    EXPECT_EQ(v.transport_sequence_number, 0xBEEF);
  }
}

TEST(RtpHeaderExtensions, WriterRefusesIdsAndSizesTheFormCannotCarry) {
  std::array<uint8_t, 64> buf{};
  size_t n = WriteRtpHeader(RtpHeader{}, buf);
  RtpExtensionWriter one(buf, n, RtpExtensionWriter::Form::kOneByte);
  EXPECT_FALSE(one.Add(15, std::array<uint8_t, 1>{}));
  EXPECT_EQ(one.Finish(), 0u);  // a failed Add poisons the block

  RtpExtensionWriter big(buf, n, RtpExtensionWriter::Form::kOneByte);
  EXPECT_FALSE(big.Add(1, std::array<uint8_t, 17>{}));

  RtpExtensionWriter two(buf, n, RtpExtensionWriter::Form::kTwoByte);
  EXPECT_TRUE(two.Add(200, std::array<uint8_t, 20>{}));
  EXPECT_FALSE(two.Add(201, std::array<uint8_t, 200>{}));  // does not fit in 64 bytes
}

TEST(RtpHeaderExtensions, AbsSendTimeIsSixEighteenFixedPointModulo64Seconds) {
  EXPECT_EQ(AbsSendTimeFromMicros(0), 0u);
  EXPECT_EQ(AbsSendTimeFromMicros(1'000'000), 1u << 18);
  EXPECT_EQ(AbsSendTimeFromMicros(500'000), 1u << 17);
  EXPECT_EQ(AbsSendTimeFromMicros(64'000'000 + 250'000), 1u << 16);
  EXPECT_LE(AbsSendTimeFromMicros(-1), 0xFFFFFFu);
}

TEST(RtpHeaderExtensions, ElementParsersCheckTheirSize) {
  EXPECT_FALSE(ParseAudioLevel({}));
  EXPECT_FALSE(ParseAbsSendTime(std::array<uint8_t, 2>{}));
  EXPECT_FALSE(ParseTransportSequenceNumber(std::array<uint8_t, 3>{}));
  const std::array<uint8_t, 1> level = {0x7F};
  EXPECT_EQ(*ParseAudioLevel(level), (AudioLevel{false, 127}));
}

}  // namespace
}  // namespace tessera::mcu::rtp

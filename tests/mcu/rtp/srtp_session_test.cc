#include "tessera/mcu/rtp/srtp_session.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "tessera/mcu/rtp/crypto_attribute.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtcp_packet.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/testing/rtp_fixtures.h"

namespace tessera::mcu::rtp {
namespace {

using Bytes = std::vector<uint8_t>;

SrtpKeyMaterial Keys(SrtpSuite suite, uint8_t fill = 7) {
  std::array<uint8_t, 30> key{};
  for (size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<uint8_t>(fill + i);
  return SrtpKeyMaterial{suite, SecretBytes(std::span(key).first(SrtpKeySaltSize(suite))), std::nullopt};
}

std::unique_ptr<SrtpSession> Make(SrtpSession::Direction d, const SrtpKeyMaterial& k) {
  auto s = SrtpSession::Create(d, k);
  EXPECT_TRUE(s) << (s ? "" : s.error());
  return s ? std::move(*s) : nullptr;
}

// An RTP packet of 12 + 100 bytes in a buffer with room for the trailer.
Bytes RtpPacket(uint16_t seq, uint8_t fill = 0x5A) {
  Bytes b(112 + SrtpSession::kMaxTrailer);
  WriteRtpHeader(RtpHeader{.payload_type = 0, .sequence_number = seq, .timestamp = seq * 160u, .ssrc = 0x1234}, b);
  for (size_t i = 12; i < 112; ++i)
    b[i] = fill;
  return b;
}

class SrtpSuiteTest : public ::testing::TestWithParam<SrtpSuite> {};

TEST_P(SrtpSuiteTest, RtpRoundTripsAndTheTagHasTheSuitesLength) {
  auto tx = Make(SrtpSession::Direction::kOutbound, Keys(GetParam()));
  auto rx = Make(SrtpSession::Direction::kInbound, Keys(GetParam()));
  ASSERT_TRUE(tx && rx);
  for (uint16_t seq = 65530; seq != 10; ++seq) {
    Bytes b = RtpPacket(seq);
    auto n = tx->ProtectRtp(b, 112);
    ASSERT_TRUE(n);
    const size_t tag =
        GetParam() == SrtpSuite::kAesCm128HmacSha1_32 ? 4 : (GetParam() == SrtpSuite::kAeadAes128Gcm ? 16 : 10);
    EXPECT_EQ(*n, 112 + tag);
    EXPECT_NE(b[50], 0x5A);  // encrypted
    auto m = rx->UnprotectRtp(std::span(b).first(*n));
    ASSERT_TRUE(m) << SrtpErrorName(m.error());
    EXPECT_EQ(*m, 112u);
    EXPECT_EQ(b[50], 0x5A);
    EXPECT_EQ(ParseRtp(std::span(b).first(*m))->sequence_number, seq);
  }
}

TEST_P(SrtpSuiteTest, RtcpRoundTrips) {
  auto tx = Make(SrtpSession::Direction::kOutbound, Keys(GetParam()));
  auto rx = Make(SrtpSession::Direction::kInbound, Keys(GetParam()));
  std::array<uint8_t, 256> b{};
  RtcpBuilder builder(b);
  builder.AddReceiverReport(0x42);
  builder.AddSdesCname(0x42, "tessera");
  const size_t plain = builder.size();
  auto n = tx->ProtectRtcp(b, plain);
  ASSERT_TRUE(n);
  EXPECT_GT(*n, plain + 4);
  auto m = rx->UnprotectRtcp(std::span(b).first(*n));
  ASSERT_TRUE(m) << SrtpErrorName(m.error());
  EXPECT_EQ(*m, plain);
  RtcpVisitor v;
  EXPECT_TRUE(ParseRtcpCompound(std::span(b).first(*m), v).ok());
}

TEST_P(SrtpSuiteTest, TamperedPacketsFailAuthentication) {
  auto tx = Make(SrtpSession::Direction::kOutbound, Keys(GetParam()));
  auto rx = Make(SrtpSession::Direction::kInbound, Keys(GetParam()));
  Bytes b = RtpPacket(100);
  const size_t n = *tx->ProtectRtp(b, 112);
  for (size_t pos : {size_t{1}, size_t{40}, n - 1}) {
    Bytes copy = b;
    copy[pos] ^= 0x01;
    auto r = rx->UnprotectRtp(std::span(copy).first(n));
    ASSERT_FALSE(r) << pos;
    EXPECT_EQ(r.error(), SrtpError::kAuthFailed) << pos;
    EXPECT_EQ(ToDropReason(r.error()), DropReason::kSrtpAuthFailed);
  }
  EXPECT_TRUE(rx->UnprotectRtp(std::span(b).first(n)));  // the original still passes
}

TEST_P(SrtpSuiteTest, AWrongKeyFailsAuthentication) {
  auto tx = Make(SrtpSession::Direction::kOutbound, Keys(GetParam(), 1));
  auto rx = Make(SrtpSession::Direction::kInbound, Keys(GetParam(), 2));
  Bytes b = RtpPacket(1);
  const size_t n = *tx->ProtectRtp(b, 112);
  auto r = rx->UnprotectRtp(std::span(b).first(n));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), SrtpError::kAuthFailed);
}

TEST_P(SrtpSuiteTest, ReplaysAreRefusedButReorderingWithinTheWindowIsNot) {
  auto tx = Make(SrtpSession::Direction::kOutbound, Keys(GetParam()));
  auto rx = Make(SrtpSession::Direction::kInbound, Keys(GetParam()));
  std::vector<Bytes> sent;
  for (uint16_t seq = 1; seq <= 5; ++seq) {
    Bytes b = RtpPacket(seq);
    b.resize(*tx->ProtectRtp(b, 112));
    sent.push_back(b);
  }
  for (int i : {0, 2, 1, 4, 3}) {
    Bytes copy = sent[i];
    EXPECT_TRUE(rx->UnprotectRtp(copy)) << i;
  }
  Bytes replay = sent[2];
  auto r = rx->UnprotectRtp(replay);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), SrtpError::kReplay);
  EXPECT_EQ(ToDropReason(r.error()), DropReason::kSrtpReplay);
}

TEST_P(SrtpSuiteTest, TheSenderMayResendAPacketForANack) {
  auto tx = Make(SrtpSession::Direction::kOutbound, Keys(GetParam()));
  auto rx = Make(SrtpSession::Direction::kInbound, Keys(GetParam()));
  Bytes first = RtpPacket(77), again = RtpPacket(77);
  const size_t n1 = *tx->ProtectRtp(first, 112);
  auto n2 = tx->ProtectRtp(again, 112);
  ASSERT_TRUE(n2);
  EXPECT_EQ(Bytes(first.begin(), first.begin() + n1), Bytes(again.begin(), again.begin() + *n2));
  EXPECT_TRUE(rx->UnprotectRtp(std::span(again).first(*n2)));  // the original was "lost"
}

INSTANTIATE_TEST_SUITE_P(AllSuites, SrtpSuiteTest,
                         ::testing::Values(SrtpSuite::kAesCm128HmacSha1_80, SrtpSuite::kAesCm128HmacSha1_32,
                                           SrtpSuite::kAeadAes128Gcm));

TEST(SrtpSession, WithAnMkiEveryPacketCarriesItAndReceiversCheckIt) {
  SrtpKeyMaterial k = Keys(SrtpSuite::kAesCm128HmacSha1_80);
  k.mki = SrtpMki{0x01020304, 4};
  auto tx = Make(SrtpSession::Direction::kOutbound, k);
  auto rx = Make(SrtpSession::Direction::kInbound, k);
  Bytes b = RtpPacket(9);
  auto n = tx->ProtectRtp(b, 112);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 112u + 4 + 10);
  EXPECT_EQ(Bytes(b.begin() + 112, b.begin() + 116), (Bytes{1, 2, 3, 4}));
  EXPECT_TRUE(rx->UnprotectRtp(std::span(b).first(*n)));
}

TEST(SrtpSession, RefusesBadKeysShortPacketsAndMissingTrailerRoom) {
  SrtpKeyMaterial bad{SrtpSuite::kAeadAes128Gcm, SecretBytes(std::array<uint8_t, 30>{}), std::nullopt};
  auto s = SrtpSession::Create(SrtpSession::Direction::kOutbound, bad);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("28 bytes"), std::string::npos);

  auto tx = Make(SrtpSession::Direction::kOutbound, Keys(SrtpSuite::kAesCm128HmacSha1_80));
  Bytes tight = RtpPacket(1);
  tight.resize(112 + 10);
  auto r = tx->ProtectRtp(tight, 112);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), SrtpError::kNoRoom);

  auto rx = Make(SrtpSession::Direction::kInbound, Keys(SrtpSuite::kAesCm128HmacSha1_80));
  Bytes tiny(5, 0x80);
  EXPECT_EQ(rx->UnprotectRtp(tiny).error(), SrtpError::kBadPacket);
  EXPECT_FALSE(rx->ProtectRtp(tight, 12));  // wrong direction
}

// ffmpeg's SRTP implementation (libavformat/srtp.c, not libsrtp) encrypted a PCMU stream
// with a known key; the plaintext must equal the unencrypted capture of the same tone.
// `ffmpeg_rtcp_tag_differs`: ffmpeg's "AES_CM_128_HMAC_SHA1_32" puts a 32-bit tag on SRTCP
// too, where RFC 4568 §6.2.2 (and libsrtp, and SIP endpoints) keep 80 bits; those SRTCP
// packets must then fail authentication, not be misread.
void DecryptFfmpegCapture(std::string_view file, SrtpSuite suite, bool ffmpeg_rtcp_tag_differs = false) {
  auto attribute = ParseCryptoAttribute(std::string("1 ") + std::string(SrtpSuiteName(suite)) +
                                        " inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw");
  ASSERT_TRUE(attribute) << attribute.error();
  auto rx = Make(SrtpSession::Direction::kInbound, attribute->ToKeyMaterial());
  ASSERT_TRUE(rx);
  auto srtp = tessera::testing::LoadRtpFixture(file);
  auto plain = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture("ffmpeg_pcmu.pcap"), 0);
  ASSERT_FALSE(plain.empty());
  int rtp = 0, rtcp = 0;
  for (auto& d : srtp) {
    Bytes b = d.payload;
    if (ClassifyPacket(b) == PacketKind::kRtcp) {
      auto n = rx->UnprotectRtcp(b);
      ++rtcp;
      if (ffmpeg_rtcp_tag_differs) {
        ASSERT_FALSE(n);
        EXPECT_EQ(n.error(), SrtpError::kAuthFailed);
        continue;
      }
      ASSERT_TRUE(n) << SrtpErrorName(n.error());
      struct Cname : RtcpVisitor {
        std::string cname;
        void OnSdesItem(const SdesItem& i) override { cname = std::string(i.text); }
      } v;
      EXPECT_TRUE(ParseRtcpCompound(std::span(b).first(*n), v).ok());
      EXPECT_EQ(v.cname, "ffmpeg@tessera");
      continue;
    }
    auto n = rx->UnprotectRtp(b);
    ASSERT_TRUE(n) << SrtpErrorName(n.error());
    auto p = ParseRtp(std::span(b).first(*n));
    ASSERT_TRUE(p);
    ASSERT_EQ(p->payload.size(), 160u);
    if (rtp < static_cast<int>(plain.size())) {
      EXPECT_EQ(Bytes(p->payload.begin(), p->payload.end()), plain[rtp].payload) << "packet " << rtp;
    }
    ++rtp;
  }
  EXPECT_GE(rtp, 4);
  EXPECT_GE(rtcp, 1);
}

TEST(SrtpSession, DecryptsWhatFfmpegEncryptedWithSha1_80) {
  DecryptFfmpegCapture("ffmpeg_srtp_sha1_80.pcap", SrtpSuite::kAesCm128HmacSha1_80);
}

TEST(SrtpSession, DecryptsWhatFfmpegEncryptedWithSha1_32) {
  DecryptFfmpegCapture("ffmpeg_srtp_sha1_32.pcap", SrtpSuite::kAesCm128HmacSha1_32, /*ffmpeg_rtcp_tag_differs=*/true);
}

}  // namespace
}  // namespace tessera::mcu::rtp

#include "tessera/mcu/rtp/crypto_attribute.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <ostream>
#include <set>
#include <string>
#include <type_traits>

namespace tessera::mcu::rtp {
namespace {

// RFC 4568 §4's example key.
constexpr char kRfcKey[] = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

TEST(CryptoAttribute, ParsesTheRfcExampleWithLifetimeAndMki) {
  auto a = ParseCryptoAttribute(std::string("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:") + kRfcKey + "|2^20|1:32");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->tag, 1u);
  EXPECT_EQ(a->suite, SrtpSuite::kAesCm128HmacSha1_80);
  ASSERT_EQ(a->keys.size(), 1u);
  EXPECT_EQ(a->keys[0].key_salt.size(), 30u);
  EXPECT_EQ(a->keys[0].lifetime, uint64_t{1} << 20);
  ASSERT_TRUE(a->keys[0].mki);
  EXPECT_EQ(a->keys[0].mki->value, 1u);
  EXPECT_EQ(a->keys[0].mki->length, 32);
  EXPECT_EQ(Unsupported(*a), "MKIs longer than 4 bytes are not supported");
}

TEST(CryptoAttribute, ParsesWhatSoftphonesSend) {
  // baresip/linphone style: no lifetime, no MKI; Polycom style: decimal lifetime; GCM.
  for (const std::string& text :
       {std::string("1 AES_CM_128_HMAC_SHA1_32 inline:") + kRfcKey,
        std::string("2 AES_CM_128_HMAC_SHA1_80 inline:") + kRfcKey + "|2147483648",
        std::string("crypto:3 AEAD_AES_128_GCM inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3OA==")}) {
    auto a = ParseCryptoAttribute(text);
    ASSERT_TRUE(a) << text << ": " << a.error();
    EXPECT_FALSE(Unsupported(*a)) << text;
    EXPECT_TRUE(SrtpSession::Create(SrtpSession::Direction::kInbound, a->ToKeyMaterial())) << text;
  }
}

TEST(CryptoAttribute, ReadsSessionParametersAndRefusesWeakOnes) {
  auto a = ParseCryptoAttribute(std::string("7 AES_CM_128_HMAC_SHA1_80 inline:") + kRfcKey +
                                " KDR=0 WSH=128 FEC_ORDER=FEC_SRTP UNENCRYPTED_SRTCP");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->kdr, 0u);
  EXPECT_EQ(a->wsh, 128u);
  EXPECT_TRUE(a->unencrypted_srtcp);
  EXPECT_EQ(a->other_params.size(), 1u);
  EXPECT_EQ(Unsupported(*a), "unencrypted or unauthenticated SRTP is refused");
  auto kdr = ParseCryptoAttribute(std::string("7 AES_CM_128_HMAC_SHA1_80 inline:") + kRfcKey + " KDR=3");
  ASSERT_TRUE(kdr);
  EXPECT_TRUE(Unsupported(*kdr));
}

TEST(CryptoAttribute, RejectsMalformedAttributesWithoutQuotingTheKey) {
  const std::string key = kRfcKey;
  const std::vector<std::string> bad = {
      "",
      "x AES_CM_128_HMAC_SHA1_80 inline:" + key,
      "1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + key,
      "1 F8_128_HMAC_SHA1_80 inline:" + key,
      "1 AES_CM_128_HMAC_SHA1_80",
      "1 AES_CM_128_HMAC_SHA1_80 uri:http://x",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + key.substr(0, 36),        // 27 bytes
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + key.substr(0, 39) + "!",  // not base64
      "1 AEAD_AES_128_GCM inline:" + key,                             // 30 bytes, GCM wants 28
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^64",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|1:0",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|300:1",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|1:1|2^20",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + " KDR=25",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + " WSH=10",
  };
  for (const auto& text : bad) {
    auto a = ParseCryptoAttribute(text);
    ASSERT_FALSE(a) << text;
    EXPECT_FALSE(a.error().empty());
    EXPECT_EQ(a.error().find(key.substr(0, 12)), std::string::npos) << a.error();
  }
}

TEST(CryptoAttribute, GeneratedAttributesAreFreshFormattedAndParseBack) {
  std::set<std::string> seen;
  for (SrtpSuite suite :
       {SrtpSuite::kAesCm128HmacSha1_80, SrtpSuite::kAesCm128HmacSha1_32, SrtpSuite::kAeadAes128Gcm}) {
    for (int i = 0; i < 5; ++i) {
      auto a = GenerateCryptoAttribute(2, suite);
      ASSERT_TRUE(a);
      const std::string text = FormatCryptoAttribute(*a);
      EXPECT_TRUE(seen.insert(text).second) << "a key was generated twice";
      auto back = ParseCryptoAttribute(text);
      ASSERT_TRUE(back) << back.error();
      EXPECT_EQ(back->suite, suite);
      EXPECT_TRUE(back->keys[0].key_salt.Equals(a->keys[0].key_salt));
    }
  }
}

TEST(CryptoAttribute, LogStringsRedactTheKey) {
  auto a = ParseCryptoAttribute(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kRfcKey + "|2^20|1:4");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ToLogString(), "1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>|2^20|1:4");
  EXPECT_EQ(FormatCryptoAttribute(*a), std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kRfcKey + "|2^20|1:4");
}

TEST(Base64, RoundTripsAllLengthsAndRejectsNonCanonicalInput) {
  for (size_t n = 0; n < 40; ++n) {
    std::vector<uint8_t> bytes(n);
    for (size_t i = 0; i < n; ++i)
      bytes[i] = static_cast<uint8_t>(i * 37 + 11);
    const std::string text = EncodeBase64(bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    EXPECT_EQ(DecodeBase64(text), bytes);
    std::string unpadded = text;
    while (!unpadded.empty() && unpadded.back() == '=')
      unpadded.pop_back();
    EXPECT_EQ(DecodeBase64(unpadded), bytes);
  }
  EXPECT_FALSE(
      DecodeBase64("QQ=="
                   "="));
  EXPECT_FALSE(DecodeBase64("QR=="));  // non-zero leftover bits
  EXPECT_FALSE(DecodeBase64("Q"));
  EXPECT_FALSE(DecodeBase64("QQ=A"));
  EXPECT_FALSE(DecodeBase64("Q Q="));
}

// Keys cannot reach a log by accident: neither iostreams nor fmt (spdlog's formatter) can
// print key material; only ToLogString(), which redacts it.
template <typename T, typename = void>
struct Streamable : std::false_type {};
template <typename T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};

TEST(SecretBytes, CannotBeStreamedOrFormatted) {
  static_assert(!Streamable<SecretBytes>::value);
  static_assert(!Streamable<CryptoKeyParam>::value);
  static_assert(!Streamable<SrtpKeyMaterial>::value);
  static_assert(!fmt::is_formattable<SecretBytes>::value);
  static_assert(!fmt::is_formattable<CryptoAttribute>::value);
  SUCCEED();
}

TEST(SecretBytes, WipesOnDemandAndComparesInConstantTime) {
  const std::array<uint8_t, 4> k = {1, 2, 3, 4};
  SecretBytes a(k), b(k);
  EXPECT_TRUE(a.Equals(b));
  b.Wipe();
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(a.Equals(b));
  SecretBytes c = a;
  EXPECT_TRUE(c.Equals(a));
}

}  // namespace
}  // namespace tessera::mcu::rtp

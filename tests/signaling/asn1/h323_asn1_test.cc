// The generated H.225.0 / H.245 codecs on the cases that matter most: the three aligned-PER
// pitfalls of the brief, the error path of a broken message, hostile nesting, and the messages
// Tessera will send.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "h323_samples.h"
#include "random_value.h"
#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/gen/h225.h"
#include "tessera/signaling/h323/gen/h245.h"

namespace tessera::signaling {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Hex(const char* text) {
  Bytes out;
  for (const char* p = text; p[0] && p[1];) {
    if (*p == ' ') {
      ++p;
      continue;
    }
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(p, 2), nullptr, 16)));
    p += 2;
  }
  return out;
}

// A fast-start proposal from the reference capture call2.pcap (h323plus): a transmit G.711
// A-law channel whose multiplexParameters is h2250LogicalChannelParameters, the first
// extension alternative of a CHOICE with three root alternatives.
const Bytes kCapturedFastStart =
    Hex("00 00 64 0c 20 13 80 18 8d 00 01 00 7f 00 00 01 13 89 00 80 0b 30 00 80 b0 80 01 80 01 b8 00 40");

TEST(H323AsnPitfalls, ExtensionAlternativeOfAChoiceIsIndexedByANormallySmallNumber) {
  auto olc = asn1::DecodePer<h245::OpenLogicalChannel>(kCapturedFastStart);
  ASSERT_TRUE(olc) << olc.error().ToString();
  EXPECT_EQ(olc->forwardLogicalChannelNumber, 101);
  const auto* h2250 = olc->forwardLogicalChannelParameters.multiplexParameters.h2250LogicalChannelParameters();
  ASSERT_NE(h2250, nullptr) << "decoded as alternative "
                            << olc->forwardLogicalChannelParameters.multiplexParameters.value.index();
  EXPECT_EQ(h2250->sessionID, 1);
  ASSERT_TRUE(h2250->mediaControlChannel);
  const auto* ip = h2250->mediaControlChannel->unicastAddress()->iPAddress();
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->network, (Bytes{127, 0, 0, 1}));
  EXPECT_EQ(ip->tsapIdentifier, 5001);
  // And back, octet for octet (h323plus trims extension bitmaps).
  auto bytes = asn1::EncodePer(*olc, {.trim_extension_bitmaps = true});
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, kCapturedFastStart);
  // The `none` alternative (second extension alternative) is the next normally small number.
  h245::OpenLogicalChannel none = *olc;
  none.forwardLogicalChannelParameters.multiplexParameters.set_none();
  auto none_bytes = asn1::EncodePer(none);
  ASSERT_TRUE(none_bytes);
  auto back = asn1::DecodePer<h245::OpenLogicalChannel>(*none_bytes);
  ASSERT_TRUE(back);
  EXPECT_NE(back->forwardLogicalChannelParameters.multiplexParameters.none(), nullptr);
}

TEST(H323AsnPitfalls, DialledDigitsTakeFourBitsPerCharacter) {
  // AliasAddress dialledDigits IA5String (SIZE (1..128)) (FROM ("0123456789#*,")): 13
  // characters, 4 bits each as indexes. Confirmed with Erlang/OTP asn1 (per).
  h225::AliasAddress alias;
  alias.set_dialledDigits() = "1000";
  auto bytes = asn1::EncodePer(alias);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  EXPECT_EQ(*bytes, Hex("01 80 43 33"));
  auto back = asn1::DecodePer<h225::AliasAddress>(*bytes);
  ASSERT_TRUE(back);
  ASSERT_NE(back->dialledDigits(), nullptr);
  EXPECT_EQ(*back->dialledDigits(), "1000");
}

TEST(H323AsnPitfalls, IntegerUpTo255IsABitFieldNotAnOctet) {
  // MobileMultilinkReconfigurationIndication {sampleSize INTEGER (1..255), samplesPerFrame
  // INTEGER (1..255), ...}: 8-bit fields straight after the extension bit, no padding.
  // Confirmed with Erlang/OTP asn1 (per).
  h245::MobileMultilinkReconfigurationIndication m;
  m.sampleSize = 160;
  m.samplesPerFrame = 2;
  auto bytes = asn1::EncodePer(m);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, Hex("4f 80 80"));
  auto back = asn1::DecodePer<h245::MobileMultilinkReconfigurationIndication>(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sampleSize, 160);
  EXPECT_EQ(back->samplesPerFrame, 2);
}

TEST(H323AsnErrors, ABrokenFastStartElementIsReportedWithItsPath) {
  const auto setup = h323::testing::MakeSetup(4);
  auto bytes = asn1::EncodePer(setup);
  ASSERT_TRUE(bytes);
  // Make the length of fastStart[2] claim more octets than its open type holds.
  const Bytes& item = setup.h323_uu_pdu.h323_message_body.setup()->fastStart->at(2);
  auto at = std::search(bytes->begin(), bytes->end(), item.begin(), item.end());
  ASSERT_NE(at, bytes->end());
  --at;
  ASSERT_EQ(*at, item.size());
  *at = 0x7F;
  auto decoded = asn1::DecodePer<h225::H323_UserInformation>(*bytes);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().path, "H323-UserInformation.h323-uu-pdu.h323-message-body.setup.fastStart[2]");
  EXPECT_NE(decoded.error().reason.find("bits left"), std::string::npos) << decoded.error().ToString();
}

TEST(H323AsnErrors, EveryTruncationOfAMessageIsAnErrorNotACrash) {
  auto bytes = asn1::EncodePer(h323::testing::MakeSetup(4));
  ASSERT_TRUE(bytes);
  for (size_t n = 0; n < bytes->size(); ++n) {
    const Bytes prefix(bytes->begin(), bytes->begin() + static_cast<std::ptrdiff_t>(n));
    auto r = asn1::DecodePer<h225::H323_UserInformation>(prefix);
    EXPECT_FALSE(r) << "a prefix of " << n << " octets decoded";
    if (!r) {
      EXPECT_FALSE(r.error().path.empty());
    }
  }
}

h245::DataType NestedRedundancy(int levels) {
  h245::DataType d;
  d.set_audioData().set_g711Alaw64k() = 20;
  for (int i = 0; i < levels; ++i) {
    h245::DataType outer;
    auto& r = outer.set_redundancyEncoding();
    r.redundancyEncodingMethod.set_rtpAudioRedundancyEncoding();
    r.secondaryEncoding = std::move(d);
    d = std::move(outer);
  }
  return d;
}

TEST(H323AsnErrors, RecursionDeeperThanTheLimitIsRejected) {
  // DataType -> redundancyEncoding -> secondaryEncoding -> DataType ...: H.245's recursive
  // types, nested past kMaxRecursionDepth, must not exhaust the stack.
  auto deep = asn1::EncodePer(NestedRedundancy(asn1::kMaxRecursionDepth + 4));
  ASSERT_TRUE(deep);
  auto r = asn1::DecodePer<h245::DataType>(*deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().reason.find("nesting deeper"), std::string::npos) << r.error().ToString();
  auto shallow = asn1::EncodePer(NestedRedundancy(5));
  ASSERT_TRUE(shallow);
  auto ok = asn1::DecodePer<h245::DataType>(*shallow);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_TRUE(*ok == NestedRedundancy(5));
}

TEST(H323AsnMessages, TheMessagesTesseraSendsRoundTrip) {
  for (const auto& m : h323::testing::SampleCall()) {
    auto [bytes, problem] = asn1::testing::RoundTrip(m.pdu);
    EXPECT_TRUE(problem.empty()) << m.name << ": " << problem;
  }
  for (const auto& m : h323::testing::SampleH245()) {
    auto [bytes, problem] = asn1::testing::RoundTrip(m.pdu);
    EXPECT_TRUE(problem.empty()) << m.name << ": " << problem;
  }
}

TEST(H323AsnMessages, TerminalCapabilitySetHasThirtyCapabilities) {
  const auto tcs = h323::testing::MakeTerminalCapabilitySet(30);
  const auto* set = tcs.request()->terminalCapabilitySet();
  ASSERT_TRUE(set->capabilityTable);
  EXPECT_EQ(set->capabilityTable->size(), 30u);
  auto bytes = asn1::EncodePer(tcs);
  ASSERT_TRUE(bytes);
  EXPECT_GT(bytes->size(), 200u);
}

TEST(H323AsnMessages, AnEncodeErrorNamesTheFieldThatBreaksItsConstraint) {
  auto setup = h323::testing::MakeSetup(0);
  setup.h323_uu_pdu.h323_message_body.setup()->destinationAddress->at(0).set_dialledDigits() = "10a0";
  auto r = asn1::EncodePer(setup);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path,
            "H323-UserInformation.h323-uu-pdu.h323-message-body.setup.destinationAddress[0].dialledDigits");
  EXPECT_NE(r.error().reason.find("permitted alphabet"), std::string::npos);
}

// The fuzz targets' property (tests/fuzz/signaling/asn1/pdu_fuzzer.h) on every input of their
// seed corpora, regression inputs of crashes found by fuzzing included: a decoded value
// re-encodes, and the re-encoding decodes to the same value.
template <typename Pdu>
void CheckCorpus(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(TESSERA_FUZZ_CORPUS_DIR) / name;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ++inputs;
    auto value = asn1::DecodePer<Pdu>(bytes);
    if (!value) {
      EXPECT_FALSE(value.error().path.empty()) << entry.path();
      continue;
    }
    auto again = asn1::EncodePer(*value);
    ASSERT_TRUE(again) << entry.path() << ": " << again.error().ToString();
    auto back = asn1::DecodePer<Pdu>(*again);
    ASSERT_TRUE(back) << entry.path() << ": " << back.error().ToString();
    EXPECT_TRUE(*back == *value) << entry.path();
  }
  EXPECT_GT(inputs, 0u);
}

TEST(H323AsnFuzzCorpus, EveryH225UserInformationInputKeepsTheFuzzProperty) {
  CheckCorpus<h225::H323_UserInformation>("h225_user_information");
}
TEST(H323AsnFuzzCorpus, EveryRasMessageInputKeepsTheFuzzProperty) {
  CheckCorpus<h225::RasMessage>("h225_ras_message");
}
TEST(H323AsnFuzzCorpus, EveryH245MessageInputKeepsTheFuzzProperty) {
  CheckCorpus<h245::MultimediaSystemControlMessage>("h245_message");
}

}  // namespace
}  // namespace tessera::signaling

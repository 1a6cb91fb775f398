// Every H.225.0 and H.245 message of the reference captures (calls between two instances of
// a real H.323 stack, h323plus 1.28) decodes, and re-encodes to a value equal to the decoded
// one. The captures live in ../shared/h323/captures; without them these tests fail (they are
// the only real-world input the codec is checked against).

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "h323_capture.h"
#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/gen/h225.h"
#include "tessera/signaling/h323/gen/h245.h"
#include "tessera/signaling/h323/h225_message.h"

namespace tessera::signaling::h323::testing {
namespace {

std::vector<CapturedCall> LoadCalls() {
  std::vector<CapturedCall> calls;
  for (const auto& f : CaptureFiles(CaptureDir()))
    calls.push_back(ExtractCall(f));
  return calls;
}

const std::vector<CapturedCall>& Calls() {
  static const std::vector<CapturedCall> calls = LoadCalls();
  return calls;
}

#define REQUIRE_CAPTURES()                                                           \
  ASSERT_FALSE(Calls().empty()) << "no H.323 reference captures in " << CaptureDir() \
                                << " (they come with ../shared; set TESSERA_SHARED_DIR if it is elsewhere)"

// Decodes, re-encodes, decodes again: the two values must be equal. Returns whether the
// re-encoding reproduced the original octets.
template <typename T>
bool ExpectRoundTrip(const CapturedPdu& pdu) {
  auto first = asn1::DecodePer<T>(pdu.bytes);
  if (!first) {
    ADD_FAILURE() << pdu.origin << ": " << first.error().ToString();
    return false;
  }
  auto bytes = asn1::EncodePer(*first);
  if (!bytes) {
    ADD_FAILURE() << pdu.origin << ": re-encoding failed: " << bytes.error().ToString();
    return false;
  }
  auto second = asn1::DecodePer<T>(*bytes);
  if (!second) {
    ADD_FAILURE() << pdu.origin << ": the re-encoding does not decode: " << second.error().ToString();
    return false;
  }
  EXPECT_TRUE(*first == *second) << pdu.origin << ": the re-encoded value differs";
  // h323plus ends extension bitmaps at the last present addition; encoded the same way, every
  // message must come out octet for octet as it was captured.
  auto trimmed = asn1::EncodePer(*first, asn1::EncodeOptions{.trim_extension_bitmaps = true});
  EXPECT_TRUE(trimmed && *trimmed == pdu.bytes) << pdu.origin << ": not reproduced octet for octet";
  return *bytes == pdu.bytes;
}

TEST(H323Captures, AreAvailableAndFramedCleanly) {
  REQUIRE_CAPTURES();
  EXPECT_GE(Calls().size(), 4u);
  for (const auto& call : Calls()) {
    EXPECT_FALSE(call.q931.empty()) << call.file << " has no call signalling on port 1720";
    for (const auto& p : call.problems)
      ADD_FAILURE() << p;
  }
}

TEST(H323Captures, EveryH225MessageDecodesAndReencodesToAnEqualValue) {
  REQUIRE_CAPTURES();
  size_t total = 0, identical = 0;
  for (const auto& call : Calls()) {
    for (const auto& frame : call.q931) {
      auto m = DecodeH225Message(frame.bytes);
      ASSERT_TRUE(m) << frame.origin << ": " << m.error().ToString();
      ASSERT_TRUE(m->user_information) << frame.origin << ": no User-user element";
      const Q931InformationElement* uu = m->q931.Find(q931_ie::kUserUser);
      ASSERT_NE(uu, nullptr);
      const CapturedPdu pdu{frame.origin, {uu->contents.begin() + 1, uu->contents.end()}};
      identical += ExpectRoundTrip<h225::H323_UserInformation>(pdu);
      ++total;
      // The whole message (Q.931 with the re-encoded PDU) decodes to the same thing again.
      auto bytes = EncodeH225Message(m->q931, *m->user_information);
      ASSERT_TRUE(bytes) << frame.origin << ": " << bytes.error().ToString();
      auto again = DecodeH225Message(*bytes);
      ASSERT_TRUE(again) << frame.origin << ": " << again.error().ToString();
      EXPECT_TRUE(*again->user_information == *m->user_information) << frame.origin;
      EXPECT_EQ(again->q931.message_type, m->q931.message_type) << frame.origin;
    }
  }
  EXPECT_GT(total, 20u);
  std::cout << "H.225.0: " << total << " messages, " << identical << " re-encoded octet for octet\n";
}

TEST(H323Captures, EveryH245MessageDecodesAndReencodesToAnEqualValue) {
  REQUIRE_CAPTURES();
  size_t total = 0, identical = 0;
  for (const auto& call : Calls()) {
    for (const auto& pdu : call.h245) {
      identical += ExpectRoundTrip<h245::MultimediaSystemControlMessage>(pdu);
      ++total;
    }
  }
  EXPECT_GT(total, 40u);
  std::cout << "H.245: " << total << " messages, " << identical << " re-encoded octet for octet\n";
}

TEST(H323Captures, EveryFastStartProposalDecodesAndReencodesToAnEqualValue) {
  REQUIRE_CAPTURES();
  size_t total = 0, identical = 0;
  for (const auto& call : Calls()) {
    for (const auto& pdu : call.fast_start) {
      identical += ExpectRoundTrip<h245::OpenLogicalChannel>(pdu);
      ++total;
    }
  }
  EXPECT_GE(total, 6u);
  std::cout << "fastStart: " << total << " proposals, " << identical << " re-encoded octet for octet\n";
}

const CapturedCall* FindCall(const std::string& name) {
  for (const auto& c : Calls()) {
    if (c.file == name) return &c;
  }
  return nullptr;
}

std::vector<H225Message> DecodeAll(const CapturedCall& call) {
  std::vector<H225Message> out;
  for (const auto& f : call.q931) {
    if (auto m = DecodeH225Message(f.bytes)) out.push_back(std::move(*m));
  }
  return out;
}

TEST(H323Captures, FastStartCallProposesFourChannelsAndConnectAcceptsTwo) {
  REQUIRE_CAPTURES();
  const CapturedCall* call = FindCall("call2.pcap");
  ASSERT_NE(call, nullptr);
  bool saw_setup = false, saw_connect = false;
  for (const auto& m : DecodeAll(*call)) {
    const auto& body = m.user_information->h323_uu_pdu.h323_message_body;
    if (const auto* s = body.setup()) {
      saw_setup = true;
      ASSERT_TRUE(s->fastStart);
      EXPECT_EQ(s->fastStart->size(), 4u);
      EXPECT_EQ(s->protocolIdentifier, asn1::ObjectIdentifier({0, 0, 8, 2250, 0, 7}));
      EXPECT_EQ(m.q931.type(), Q931MessageType::kSetup);
      EXPECT_FALSE(m.q931.from_destination);
    }
    if (const auto* c = body.connect()) {
      saw_connect = true;
      ASSERT_TRUE(c->fastStart);
      EXPECT_EQ(c->fastStart->size(), 2u);
      EXPECT_TRUE(m.q931.from_destination);
      // The accepted proposals carry the callee's RTP address in h2250LogicalChannelParameters,
      // an extension alternative of OpenLogicalChannel's multiplexParameters (pitfall 1).
      for (const auto& olc_bytes : *c->fastStart) {
        auto olc = asn1::DecodePer<h245::OpenLogicalChannel>(olc_bytes);
        ASSERT_TRUE(olc) << olc.error().ToString();
        const auto* reverse = olc->reverseLogicalChannelParameters ? &*olc->reverseLogicalChannelParameters : nullptr;
        const bool forward_h2250 =
            olc->forwardLogicalChannelParameters.multiplexParameters.h2250LogicalChannelParameters() != nullptr;
        const bool reverse_h2250 = reverse != nullptr && reverse->multiplexParameters &&
                                   reverse->multiplexParameters->h2250LogicalChannelParameters() != nullptr;
        EXPECT_TRUE(forward_h2250 || reverse_h2250);
      }
    }
  }
  EXPECT_TRUE(saw_setup);
  EXPECT_TRUE(saw_connect);
}

TEST(H323Captures, SeparateH245CallOpensItsChannelsOnTheAnnouncedAddress) {
  REQUIRE_CAPTURES();
  const CapturedCall* call = FindCall("call5.pcap");
  ASSERT_NE(call, nullptr);
  size_t tcs = 0, olc = 0, end_session = 0;
  for (const auto& pdu : call->h245) {
    auto m = asn1::DecodePer<h245::MultimediaSystemControlMessage>(pdu.bytes);
    ASSERT_TRUE(m) << pdu.origin << ": " << m.error().ToString();
    if (const auto* r = m->request()) {
      tcs += r->terminalCapabilitySet() != nullptr;
      olc += r->openLogicalChannel() != nullptr;
    }
    if (const auto* c = m->command()) end_session += c->endSessionCommand() != nullptr;
  }
  EXPECT_EQ(tcs, 2u);
  EXPECT_EQ(olc, 2u);
  EXPECT_EQ(end_session, 2u);
}

TEST(H323Captures, VideoCallOffersH261AndAsksForAFastUpdate) {
  REQUIRE_CAPTURES();
  const CapturedCall* call = FindCall("call4.pcap");
  ASSERT_NE(call, nullptr);
  bool h261 = false, fast_update = false;
  for (const auto& pdu : call->h245) {
    auto m = asn1::DecodePer<h245::MultimediaSystemControlMessage>(pdu.bytes);
    ASSERT_TRUE(m) << pdu.origin << ": " << m.error().ToString();
    if (const auto* r = m->request(); r && r->openLogicalChannel()) {
      const auto& dt = r->openLogicalChannel()->forwardLogicalChannelParameters.dataType;
      if (const auto* video = dt.videoData()) h261 |= video->h261VideoCapability() != nullptr;
    }
    if (const auto* c = m->command(); c && c->miscellaneousCommand()) {
      fast_update |= c->miscellaneousCommand()->type.videoFastUpdatePicture() != nullptr;
    }
  }
  EXPECT_TRUE(h261);
  EXPECT_TRUE(fast_update);
}

}  // namespace
}  // namespace tessera::signaling::h323::testing

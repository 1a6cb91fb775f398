// Every PDU type of H.225.0 (each H323-UU-PDU message body, each RAS message) and of H.245
// (each request, response, command and indication) round-trips through the generated codec:
// random valid values, with every optional component, extension addition and nested
// alternative reachable, encode, decode to an equal value and re-encode to the same octets.

#include <gtest/gtest.h>

#include <set>

#include "random_value.h"
#include "tessera/signaling/h323/gen/h225.h"
#include "tessera/signaling/h323/gen/h245.h"

namespace tessera::signaling {
namespace {

using asn1::testing::KnownAlternatives;
using asn1::testing::RandomValue;
using asn1::testing::RoundTrip;

constexpr uint64_t kValuesPerPduType = 40;

template <typename Pdu>
void RoundTripAlternatives(const char* family, std::vector<uint64_t> prefix, size_t alternatives,
                           size_t (*chosen)(const Pdu&)) {
  for (uint64_t alt = 0; alt < alternatives; ++alt) {
    auto forced = prefix;
    forced.push_back(alt);
    size_t bytes = 0;
    for (uint64_t seed = 0; seed < kValuesPerPduType; ++seed) {
      auto v = RandomValue<Pdu>(seed + 1000 * alt, forced);
      ASSERT_TRUE(v) << family << " alternative " << alt << ": no value within the recursion limit";
      ASSERT_EQ(chosen(*v), alt) << family;
      auto [encoding, problem] = RoundTrip(*v);
      ASSERT_TRUE(problem.empty()) << family << " alternative " << alt << " seed " << seed << ": " << problem;
      bytes += encoding.size();
    }
    EXPECT_GT(bytes, 0u);
  }
}

TEST(H323PduRoundTrip, EveryH225MessageBodyRoundTrips) {
  using Body = h225::H323_UU_PDU_h323_message_body;
  static_assert(KnownAlternatives<Body>() == 13);
  RoundTripAlternatives<h225::H323_UserInformation>(
      "H323-UU-PDU.h323-message-body", {}, KnownAlternatives<Body>(),
      [](const h225::H323_UserInformation& v) { return v.h323_uu_pdu.h323_message_body.value.index(); });
}

TEST(H323PduRoundTrip, EveryRasMessageRoundTrips) {
  RoundTripAlternatives<h225::RasMessage>("RasMessage", {}, KnownAlternatives<h225::RasMessage>(),
                                          [](const h225::RasMessage& v) { return v.value.index(); });
}

template <typename Inner>
size_t InnerIndex(const h245::MultimediaSystemControlMessage& m, size_t outer) {
  if (m.value.index() != outer) return SIZE_MAX;
  return std::get<Inner>(m.value).value.index();
}

TEST(H323PduRoundTrip, EveryH245RequestRoundTrips) {
  RoundTripAlternatives<h245::MultimediaSystemControlMessage>(
      "RequestMessage", {0}, KnownAlternatives<h245::RequestMessage>(),
      [](const h245::MultimediaSystemControlMessage& m) { return InnerIndex<h245::RequestMessage>(m, 0); });
}

TEST(H323PduRoundTrip, EveryH245ResponseRoundTrips) {
  RoundTripAlternatives<h245::MultimediaSystemControlMessage>(
      "ResponseMessage", {1}, KnownAlternatives<h245::ResponseMessage>(),
      [](const h245::MultimediaSystemControlMessage& m) { return InnerIndex<h245::ResponseMessage>(m, 1); });
}

TEST(H323PduRoundTrip, EveryH245CommandRoundTrips) {
  RoundTripAlternatives<h245::MultimediaSystemControlMessage>(
      "CommandMessage", {2}, KnownAlternatives<h245::CommandMessage>(),
      [](const h245::MultimediaSystemControlMessage& m) { return InnerIndex<h245::CommandMessage>(m, 2); });
}

TEST(H323PduRoundTrip, EveryH245IndicationRoundTrips) {
  RoundTripAlternatives<h245::MultimediaSystemControlMessage>(
      "IndicationMessage", {3}, KnownAlternatives<h245::IndicationMessage>(),
      [](const h245::MultimediaSystemControlMessage& m) { return InnerIndex<h245::IndicationMessage>(m, 3); });
}

TEST(H323PduRoundTrip, EveryCapabilityAndDataTypeRoundTrips) {
  // The deep part of H.245 (VideoCapability, H263Options, GenericCapability...), reached
  // through each alternative of Capability and of DataType.
  RoundTripAlternatives<h245::Capability>("Capability", {}, KnownAlternatives<h245::Capability>(),
                                          [](const h245::Capability& v) { return v.value.index(); });
  RoundTripAlternatives<h245::DataType>("DataType", {}, KnownAlternatives<h245::DataType>(),
                                        [](const h245::DataType& v) { return v.value.index(); });
}

TEST(H323PduRoundTrip, H235SecurityTypesRoundTrip) {
  RoundTripAlternatives<h235::H235Key>("H235Key", {}, KnownAlternatives<h235::H235Key>(),
                                       [](const h235::H235Key& v) { return v.value.index(); });
  RoundTripAlternatives<h235::CryptoToken>("CryptoToken", {}, KnownAlternatives<h235::CryptoToken>(),
                                           [](const h235::CryptoToken& v) { return v.value.index(); });
}

}  // namespace
}  // namespace tessera::signaling

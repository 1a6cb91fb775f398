#include "tessera/signaling/h323/h225_message.h"

#include <string>

#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/q931_ies.h"

namespace tessera::signaling::h323 {

std::string H225Error::ToString() const {
  if (kind == Kind::kPer) return "H323-UserInformation: " + per_error.ToString();
  return message;
}

Result<H225Message, H225Error> DecodeH225Message(std::span<const uint8_t> data) {
  auto q931 = ParseQ931(data);
  if (!q931) {
    return MakeUnexpected(
        H225Error{H225Error::Kind::kQ931,
                  "Q.931: " + q931.error().message + " (octet " + std::to_string(q931.error().offset) + ")",
                  {}});
  }
  H225Message m;
  m.q931 = std::move(*q931);
  const Q931InformationElement* uu = m.q931.Find(q931_ie::kUserUser);
  if (uu == nullptr) return m;
  const auto user_user = DecodeUserUser(uu->contents);
  if (!user_user) return MakeUnexpected(H225Error{H225Error::Kind::kUserUser, "empty User-user element", {}});
  if (user_user->protocol_discriminator != kUserUserAsn1Discriminator) {
    return MakeUnexpected(H225Error{H225Error::Kind::kUserUser,
                                    "User-user protocol discriminator " +
                                        std::to_string(user_user->protocol_discriminator) + " (expected 5, ASN.1)",
                                    {}});
  }
  auto pdu = asn1::DecodePer<h225::H323_UserInformation>(user_user->information);
  if (!pdu) return MakeUnexpected(H225Error{H225Error::Kind::kPer, {}, pdu.error()});
  m.user_information = std::move(*pdu);
  return m;
}

Result<std::vector<uint8_t>, H225Error> EncodeH225Message(Q931Message q931,
                                                          const h225::H323_UserInformation& user_information) {
  std::vector<uint8_t> contents{kUserUserAsn1Discriminator};
  auto encoded = asn1::EncodePerTo(user_information, contents);
  if (!encoded) return MakeUnexpected(H225Error{H225Error::Kind::kPer, {}, encoded.error()});
  q931.Set(q931_ie::kUserUser, std::move(contents));
  auto bytes = SerializeQ931(q931);
  if (!bytes) return MakeUnexpected(H225Error{H225Error::Kind::kTooLarge, "Q.931: " + bytes.error().message, {}});
  return std::move(*bytes);
}

}  // namespace tessera::signaling::h323

#pragma once
// An H.225.0 call signalling message: a Q.931 message whose User-user information element
// carries the H323-UserInformation PDU in aligned PER (H.225.0 7.2.2.11, protocol
// discriminator 5). Pure functions: bytes (one TPKT payload) in, values out, and back.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/signaling/asn1/per_error.h"
#include "tessera/signaling/h323/gen/h225.h"
#include "tessera/signaling/h323/q931.h"

namespace tessera::signaling::h323 {

struct H225Message {
  Q931Message q931;  // including its User-user element, as received or as last encoded
  std::optional<h225::H323_UserInformation> user_information;  // absent without a User-user element
};

struct H225Error {
  enum class Kind {
    kQ931,      // the Q.931 layer is malformed
    kUserUser,  // the User-user element is empty or not ASN.1 coded (discriminator != 5)
    kPer,       // the H323-UserInformation does not decode (per_error has the field path)
    kTooLarge,  // an encoded element does not fit its length field
  };
  Kind kind = Kind::kQ931;
  std::string message;
  asn1::Error per_error;

  std::string ToString() const;
};

// Parses the Q.931 message and decodes its User-user element, if any.
Result<H225Message, H225Error> DecodeH225Message(std::span<const uint8_t> data);

// Encodes `user_information` into the User-user element of `q931` (replacing one already
// there) and serializes the message.
Result<std::vector<uint8_t>, H225Error> EncodeH225Message(Q931Message q931,
                                                          const h225::H323_UserInformation& user_information);

}  // namespace tessera::signaling::h323

#pragma once
// The property every generated top-level PDU codec is fuzzed for: any byte string decodes to
// a value or to an error naming a field; a decoded value re-encodes, and the re-encoding
// decodes to the same value (so nothing the decoder accepts is lost or unencodable).

#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/signaling/asn1/per.h"

namespace tessera::signaling::asn1::fuzzing {

template <typename Pdu>
void CheckPdu(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  auto value = DecodePer<Pdu>(input);
  if (!value) {
    if (value.error().path.empty() || value.error().ToString().empty()) __builtin_trap();
    return;
  }
  auto bytes = EncodePer(*value);
  if (!bytes) __builtin_trap();  // a decoded value must be encodable
  auto again = DecodePer<Pdu>(*bytes);
  if (!again || !(*again == *value)) __builtin_trap();
}

}  // namespace tessera::signaling::asn1::fuzzing

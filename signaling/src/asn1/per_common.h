#pragma once
// Helpers shared by the PER encoder and decoder (private to the runtime).

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/signaling/asn1/constraints.h"
#include "tessera/signaling/asn1/per_types.h"

namespace tessera::signaling::asn1 {

// Bits needed to write any value 0..v (v > 0).
inline unsigned BitWidth(uint64_t v) {
  return static_cast<unsigned>(std::bit_width(v));
}
// Octets needed for the non-negative value v (at least one).
inline unsigned OctetWidth(uint64_t v) {
  return v == 0 ? 1 : (BitWidth(v) + 7) / 8;
}
// Octets of the shortest two's-complement form of v (at least one).
inline unsigned SignedOctetWidth(int64_t v) {
  const uint64_t magnitude = v < 0 ? ~static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return BitWidth(magnitude) / 8 + 1;
}

std::string RangeText(const IntegerRange& r);
std::string SizeText(const SizeRange& s);

// X.690 8.19 contents octets of an OBJECT IDENTIFIER; false if the arcs cannot be encoded
// (fewer than two, first arc above 2, second above 39 under arcs 0 and 1).
bool EncodeOidContents(const ObjectIdentifier& oid, std::vector<uint8_t>& out);
// Parses contents octets; false with `error` set for an empty, truncated or non-minimal
// encoding or an arc beyond 64 bits.
bool DecodeOidContents(const uint8_t* data, size_t size, ObjectIdentifier& oid, std::string& error);

}  // namespace tessera::signaling::asn1

#pragma once
// Complete aligned-PER encodings of generated ASN.1 types (X.691 11.1: an outermost value,
// padded to whole octets).
//
//   namespace h225 = tessera::signaling::h225;
//   auto pdu = asn1::DecodePer<h225::H323_UserInformation>(bytes);
//   if (!pdu) TLOG_WARN(kLog, "bad UUIE: {}", pdu.error().ToString());
//   auto bytes = asn1::EncodePer(*pdu);
//
// The generated headers declare, for every type T, `bool Encode(PerEncoder&, const T&)`,
// `bool Decode(PerDecoder&, T&)` and `std::string_view AsnTypeName(const T&)` in T's namespace;
// these templates find them by argument-dependent lookup. Reentrant: no shared state.

#include <cstdint>
#include <span>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/signaling/asn1/per_decoder.h"
#include "tessera/signaling/asn1/per_encoder.h"
#include "tessera/signaling/asn1/per_error.h"

namespace tessera::signaling::asn1 {

// Appends the complete encoding of `value` to `out` (reusing its capacity); on failure `out`
// is restored to its previous size.
template <typename T>
Result<void, Error> EncodePerTo(const T& value, std::vector<uint8_t>& out, EncodeOptions options = {}) {
  const size_t start = out.size();
  PerEncoder e(out, options);
  if (!Encode(e, value)) {
    e.Field(AsnTypeName(value));
    out.resize(start);
    return MakeUnexpected(e.trace().ToError());
  }
  e.FinishComplete();
  return {};
}

template <typename T>
Result<std::vector<uint8_t>, Error> EncodePer(const T& value, EncodeOptions options = {}) {
  std::vector<uint8_t> out;
  auto r = EncodePerTo(value, out, options);
  if (!r) return MakeUnexpected(r.error());
  return out;
}

// Decodes one complete encoding from the start of `data`; octets after it are ignored.
template <typename T>
Result<T, Error> DecodePer(std::span<const uint8_t> data) {
  T value{};
  PerDecoder d(data);
  if (!Decode(d, value)) {
    d.Field(AsnTypeName(value));
    return MakeUnexpected(d.trace().ToError());
  }
  return value;
}

}  // namespace tessera::signaling::asn1

#pragma once
// Random valid values of any generated ASN.1 type, for round-trip and cross-check tests: the
// generated Decode driven by PerDecoder::RandomForTest, which draws every primitive within its
// constraints instead of reading input.

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tessera/signaling/asn1/per.h"

namespace tessera::signaling::asn1::testing {

// A random value of T; the first CHOICEs decoded take `forced_choices`. nullopt only if every
// attempt recursed too deep (recursive types draw their depth at random).
template <typename T>
std::optional<T> RandomValue(uint64_t seed, const std::vector<uint64_t>& forced_choices = {}) {
  for (uint64_t attempt = 0; attempt < 50; ++attempt) {
    auto d = PerDecoder::RandomForTest(seed * 7919 + attempt, forced_choices);
    T value{};
    if (Decode(d, value)) return value;
  }
  return std::nullopt;
}

// How many alternatives of a generated CHOICE this version knows (the std::variant's last
// alternative holds unknown extensions when the CHOICE is extensible).
template <typename Choice>
constexpr size_t KnownAlternatives() {
  using V = decltype(Choice::value);
  constexpr size_t n = std::variant_size_v<V>;
  return std::is_same_v<std::variant_alternative_t<n - 1, V>, UnknownAlternative> ? n - 1 : n;
}

// Encodes, decodes and encodes again: the decoded value must equal `value` and the second
// encoding the first. Returns the encoding, or an explanation of what went wrong.
template <typename T>
std::pair<std::vector<uint8_t>, std::string> RoundTrip(const T& value) {
  auto bytes = EncodePer(value);
  if (!bytes) return {{}, "encode failed: " + bytes.error().ToString()};
  auto back = DecodePer<T>(*bytes);
  if (!back) return {{}, "decode failed: " + back.error().ToString()};
  if (!(*back == value)) return {{}, "decoded value differs from the encoded one"};
  auto again = EncodePer(*back);
  if (!again || *again != *bytes) return {{}, "re-encoding differs"};
  return {std::move(*bytes), {}};
}

}  // namespace tessera::signaling::asn1::testing

#include "tessera/signaling/asn1/per_types.h"

#include <algorithm>
#include <string>

#include "tessera/signaling/asn1/constraints.h"

namespace tessera::signaling::asn1 {

BitString::BitString(std::vector<uint8_t> data, size_t bits) : bytes(std::move(data)), bit_count(bits) {
  bytes.resize((bits + 7) / 8);
  if (bits % 8 != 0) bytes.back() &= static_cast<uint8_t>(0xFF << (8 - bits % 8));
}

BitString BitString::FromBits(std::initializer_list<bool> bits) {
  BitString b;
  for (bool v : bits)
    b.PushBack(v);
  return b;
}

void BitString::SetBit(size_t i, bool value) {
  const auto mask = static_cast<uint8_t>(0x80 >> (i % 8));
  if (value) {
    bytes[i / 8] |= mask;
  } else {
    bytes[i / 8] &= static_cast<uint8_t>(~mask);
  }
}

void BitString::PushBack(bool value) {
  if (bit_count % 8 == 0) bytes.push_back(0);
  SetBit(bit_count++, value);
}

std::string ObjectIdentifier::ToString() const {
  std::string s;
  for (size_t i = 0; i < arcs.size(); ++i) {
    if (i > 0) s += '.';
    s += std::to_string(arcs[i]);
  }
  return s;
}

int64_t PermittedAlphabet::IndexOf(char32_t c) const {
  if (chars.empty()) return c >= first && c <= last ? static_cast<int64_t>(c - first) : -1;
  const auto it = std::lower_bound(chars.begin(), chars.end(), c);
  return it != chars.end() && *it == c ? it - chars.begin() : -1;
}

}  // namespace tessera::signaling::asn1

#include "tessera/signaling/asn1/per_encoder.h"

#include <algorithm>
#include <bit>
#include <string>

#include "asn1/per_common.h"

namespace tessera::signaling::asn1 {

PerEncoder::PerEncoder(std::vector<uint8_t>& out, EncodeOptions options)
    : out_(out), options_(options), start_bits_(out.size() * 8), bit_pos_(start_bits_) {}

void PerEncoder::PutBit(bool bit) {
  if ((bit_pos_ & 7) == 0) out_.push_back(0);
  if (bit) out_[bit_pos_ >> 3] |= static_cast<uint8_t>(0x80 >> (bit_pos_ & 7));
  ++bit_pos_;
}

void PerEncoder::PutBits(uint64_t value, unsigned count) {
  while (count > 0) {
    const unsigned used = bit_pos_ & 7;
    if (used == 0) out_.push_back(0);
    const unsigned room = 8 - used;
    const unsigned take = count < room ? count : room;
    const auto chunk = static_cast<uint8_t>((value >> (count - take)) & ((1u << take) - 1));
    out_[bit_pos_ >> 3] |= static_cast<uint8_t>(chunk << (room - take));
    count -= take;
    bit_pos_ += take;
  }
}

void PerEncoder::Align() {
  bit_pos_ = (bit_pos_ + 7) & ~size_t{7};
}

void PerEncoder::PutOctets(std::span<const uint8_t> octets) {
  if ((bit_pos_ & 7) == 0) {
    out_.insert(out_.end(), octets.begin(), octets.end());
    bit_pos_ += octets.size() * 8;
    return;
  }
  for (uint8_t o : octets)
    PutBits(o, 8);
}

void PerEncoder::FinishComplete() {
  if (bit_position() == 0) {
    out_.push_back(0);
    bit_pos_ += 8;
  }
  Align();
}

bool PerEncoder::Fail(std::string reason) {
  trace_.SetReason(std::move(reason), bit_position());
  return false;
}

// X.691 11.5.7 (ALIGNED variant): a bit-field when the range is at most 255, one aligned octet
// for exactly 256, two for up to 64K, else a length in octets and the octets.
void PerEncoder::PutConstrainedWholeNumber(uint64_t value, uint64_t range_minus_1) {
  if (range_minus_1 == 0) return;
  if (range_minus_1 < 255) {
    PutBits(value, BitWidth(range_minus_1));
  } else if (range_minus_1 == 255) {
    Align();
    PutBits(value, 8);
  } else if (range_minus_1 < 65536) {
    Align();
    PutBits(value, 16);
  } else {
    const unsigned max_octets = OctetWidth(range_minus_1);
    const unsigned octets = OctetWidth(value);
    PutBits(octets - 1, BitWidth(max_octets - 1));
    Align();
    PutBits(value, octets * 8);
  }
}

void PerEncoder::PutShortLength(uint64_t n) {
  Align();
  if (n < 128) {
    PutBits(n, 8);
  } else {
    PutBits(0x8000 | n, 16);
  }
}

// X.691 11.7: a length in octets, then the minimal octets of value - lb.
void PerEncoder::PutSemiConstrainedWholeNumber(uint64_t value) {
  const unsigned octets = OctetWidth(value);
  PutShortLength(octets);
  PutBits(value, octets * 8);
}

// X.691 11.8: the minimal two's-complement octets, behind a length.
void PerEncoder::PutUnconstrainedWholeNumber(int64_t value) {
  const unsigned octets = SignedOctetWidth(value);
  PutShortLength(octets);
  PutBits(static_cast<uint64_t>(value), octets * 8);
}

// X.691 11.6.
void PerEncoder::PutNormallySmall(uint64_t n) {
  if (n < 64) {
    PutBits(n, 7);  // a zero bit and six bits of n
    return;
  }
  PutBit(true);
  PutSemiConstrainedWholeNumber(n);
}

// X.691 11.9.3.4: lengths that are usually small (the extension bitmap).
void PerEncoder::PutNormallySmallLength(uint64_t n) {
  if (n <= 64) {
    PutBits(n - 1, 7);
    return;
  }
  PutBit(true);
  PutShortLength(n);  // a bitmap of 16K bits would need 16K additions: not a real message
}

bool PerEncoder::PutInteger(int64_t v, const IntegerRange& range) {
  const bool in_root = range.Contains(v);
  if (range.extensible) {
    PutBit(!in_root);
    if (!in_root) {
      PutUnconstrainedWholeNumber(v);
      return true;
    }
  } else if (!in_root) {
    return Fail("INTEGER " + std::to_string(v) + " outside " + RangeText(range));
  }
  if (range.has_lb && range.has_ub) {
    PutConstrainedWholeNumber(static_cast<uint64_t>(v) - static_cast<uint64_t>(range.lb),
                              static_cast<uint64_t>(range.ub) - static_cast<uint64_t>(range.lb));
  } else if (range.has_lb) {
    PutSemiConstrainedWholeNumber(static_cast<uint64_t>(v) - static_cast<uint64_t>(range.lb));
  } else {
    PutUnconstrainedWholeNumber(v);
  }
  return true;
}

bool PerEncoder::PutEnumerated(uint64_t index, uint64_t root_count, bool extensible) {
  if (index < root_count) {
    if (extensible) PutBit(false);
    PutConstrainedWholeNumber(index, root_count - 1);
    return true;
  }
  if (!extensible) return Fail("ENUMERATED index " + std::to_string(index) + " outside the root");
  PutBit(true);
  PutNormallySmall(index - root_count);
  return true;
}

bool PerEncoder::PutChoiceIndex(uint64_t index, uint64_t root_count, bool extensible) {
  if (index < root_count) {
    if (extensible) PutBit(false);
    PutConstrainedWholeNumber(index, root_count - 1);
    return true;
  }
  if (!extensible) return Fail("CHOICE index " + std::to_string(index) + " outside the root");
  PutBit(true);
  PutNormallySmall(index - root_count);
  return true;
}

bool PerEncoder::BeginCounted(uint64_t n, const SizeRange& size, bool align_fixed, bool align_variable,
                              ListCursor& cursor) {
  const bool in_root = size.Contains(n);
  if (size.extensible) {
    PutBit(!in_root);
  } else if (!in_root) {
    return Fail("size " + std::to_string(n) + " outside " + SizeText(size));
  }
  cursor = ListCursor{};
  if (in_root && size.has_ub && size.ub < 65536) {
    if (size.lb == size.ub) {
      if (n > 0 && align_fixed) Align();
    } else {
      PutConstrainedWholeNumber(n - size.lb, size.ub - size.lb);
      if (align_variable) Align();
    }
    cursor.boundary = cursor.count = n;
    return true;
  }
  cursor.fragmented = true;
  NextFragment(cursor, n);
  return true;
}

void PerEncoder::NextFragment(ListCursor& cursor, uint64_t n) {
  const uint64_t remaining = n - cursor.boundary;
  uint64_t chunk;
  if (remaining >= kFragmentUnit) {
    const uint64_t m = std::min<uint64_t>(4, remaining / kFragmentUnit);
    Align();
    PutBits(0xC0 | m, 8);
    chunk = m * kFragmentUnit;
  } else {
    PutShortLength(remaining);
    chunk = remaining;
  }
  cursor.boundary += chunk;
  cursor.count += chunk;
  cursor.last_full = chunk >= kFragmentUnit;
}

bool PerEncoder::BeginList(uint64_t n, const SizeRange& size, ListCursor& cursor) {
  return BeginCounted(n, size, false, false, cursor);
}

void PerEncoder::EndList(ListCursor& cursor, uint64_t n) {
  // After a full fragment a final header must follow, even for zero items (X.691 11.9.3.8.1).
  if (cursor.fragmented && cursor.last_full && cursor.boundary == n) NextFragment(cursor, n);
}

// X.691 17: fixed sizes up to two octets are not aligned, anything else is.
bool PerEncoder::PutOctetString(std::span<const uint8_t> v, const SizeRange& size) {
  ListCursor c;
  const uint64_t n = v.size();
  if (!BeginCounted(n, size, n > 2, true, c)) return false;
  uint64_t i = 0;
  while (i < n) {
    ListItem(c, i, n);
    const uint64_t end = std::min(c.boundary, n);
    PutOctets(v.subspan(i, end - i));
    i = end;
  }
  EndList(c, n);
  return true;
}

// X.691 16: fixed sizes up to 16 bits are not aligned, anything else is.
bool PerEncoder::PutBitString(const BitString& v, const SizeRange& size) {
  if (v.bytes.size() * 8 < v.bit_count) return Fail("BIT STRING holds fewer bytes than its bit count");
  ListCursor c;
  const uint64_t n = v.bit_count;
  if (!BeginCounted(n, size, n > 16, true, c)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    ListItem(c, i, n);
    PutBit(v.Bit(i));
  }
  EndList(c, n);
  return true;
}

// X.691 30.5: each character as its value or its index in the alphabet, in `bits` bits; the
// characters are octet-aligned when the longest string takes 16 bits or more (30.5.7, read as
// Erlang/OTP's asn1 does).
template <typename CharT>
bool PerEncoder::PutKnownMultiplierString(std::basic_string_view<CharT> v, const SizeRange& size,
                                          const PermittedAlphabet& alphabet) {
  const uint64_t n = v.size();
  for (uint64_t i = 0; i < n; ++i) {
    const auto ch = static_cast<char32_t>(static_cast<std::make_unsigned_t<CharT>>(v[i]));
    if (!alphabet.Permits(ch)) {
      return Fail("character " + std::to_string(static_cast<uint32_t>(ch)) + " at " + std::to_string(i) +
                  " not in the permitted alphabet");
    }
  }
  const bool aligned = !size.has_ub || size.ub >= 65536 || size.ub * alphabet.bits >= 16;
  ListCursor c;
  if (!BeginCounted(n, size, aligned, aligned, c)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    ListItem(c, i, n);
    const auto ch = static_cast<char32_t>(static_cast<std::make_unsigned_t<CharT>>(v[i]));
    PutBits(alphabet.use_index ? static_cast<uint64_t>(alphabet.IndexOf(ch)) : ch, alphabet.bits);
  }
  EndList(c, n);
  return true;
}

bool PerEncoder::PutString(std::string_view v, const SizeRange& size, const PermittedAlphabet& alphabet) {
  return PutKnownMultiplierString(v, size, alphabet);
}

bool PerEncoder::PutString(std::u16string_view v, const SizeRange& size, const PermittedAlphabet& alphabet) {
  return PutKnownMultiplierString(v, size, alphabet);
}

bool PerEncoder::PutUnrestrictedString(std::string_view v) {
  return PutOctetString({reinterpret_cast<const uint8_t*>(v.data()), v.size()}, kUnconstrainedSize);
}

// X.691 24: the contents octets of the BER encoding (X.690 8.19) behind a length.
bool PerEncoder::PutObjectIdentifier(const ObjectIdentifier& v) {
  std::vector<uint8_t> contents;
  if (!EncodeOidContents(v, contents)) return Fail("OBJECT IDENTIFIER " + v.ToString() + " cannot be encoded");
  return PutOctetString(contents, kUnconstrainedSize);
}

// X.691 11.2: an open type is an unconstrained OCTET STRING holding a complete encoding, which
// is at least one octet.
bool PerEncoder::PutOpenType(std::span<const uint8_t> encoding) {
  static constexpr uint8_t kEmpty[1] = {0};
  return PutOctetString(encoding.empty() ? std::span<const uint8_t>(kEmpty) : encoding, kUnconstrainedSize);
}

size_t PerEncoder::BeginOpenType() {
  Align();
  const size_t mark = bit_pos_ >> 3;
  PutBits(0, 8);  // room for a one-octet length; EndOpenType makes more if needed
  return mark;
}

void PerEncoder::EndOpenType(size_t mark) {
  if (bit_pos_ - (mark + 1) * 8 == 0) PutBits(0, 8);  // an empty encoding is one zero octet
  Align();
  const size_t length = (bit_pos_ >> 3) - (mark + 1);
  if (length < 128) {
    out_[mark] = static_cast<uint8_t>(length);
  } else if (length < kFragmentUnit) {
    out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(mark) + 1, 0);
    out_[mark] = static_cast<uint8_t>(0x80 | (length >> 8));
    out_[mark + 1] = static_cast<uint8_t>(length & 0xFF);
    bit_pos_ += 8;
  } else {
    // Fragmented: rare enough (16K octets in one open type) to re-encode through a copy.
    std::vector<uint8_t> contents(out_.begin() + static_cast<std::ptrdiff_t>(mark) + 1, out_.end());
    out_.resize(mark);
    bit_pos_ = mark * 8;
    PutOctetString(contents, kUnconstrainedSize);
  }
}

bool PerEncoder::PutExtensionBitmap(std::span<const bool> known_present, const std::vector<UnknownExtension>& unknown) {
  uint64_t count = known_present.size();
  uint64_t previous = 0;
  for (size_t i = 0; i < unknown.size(); ++i) {
    const uint64_t index = unknown[i].index;
    if (index < known_present.size() || (i > 0 && index <= previous)) {
      return Fail("unknown extension index " + std::to_string(index) +
                  " collides with a known addition or is out of order");
    }
    previous = index;
    count = index + 1;
  }
  if (options_.trim_extension_bitmaps && unknown.empty()) {
    while (count > 1 && !known_present[count - 1])
      --count;
  }
  PutNormallySmallLength(count);
  size_t next_unknown = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (i < known_present.size()) {
      PutBit(known_present[i]);
    } else if (next_unknown < unknown.size() && unknown[next_unknown].index == i) {
      PutBit(true);
      ++next_unknown;
    } else {
      PutBit(false);
    }
  }
  return true;
}

void PerEncoder::PutUnknownExtensions(const std::vector<UnknownExtension>& unknown) {
  for (const auto& u : unknown)
    PutOpenType(u.encoding);
}

}  // namespace tessera::signaling::asn1

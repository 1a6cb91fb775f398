#include "tessera/signaling/asn1/per_decoder.h"

#include <algorithm>
#include <string>

#include "asn1/per_common.h"
#include "asn1/per_decoder_random.h"

namespace tessera::signaling::asn1 {

PerDecoder::PerDecoder(std::span<const uint8_t> data)
    : data_(data),
      end_(data.size() * 8),
      decoded_bytes_left_(kDecodedBytesBase + kDecodedBytesPerInputByte * data.size()) {}

bool PerDecoder::Fail(std::string reason) {
  trace_.SetReason(std::move(reason), pos_);
  return false;
}

bool PerDecoder::GetBit(bool& bit) {
  if (random_) [[unlikely]] {
    bit = random_->Lavish(depth_) && RandomBelow(2);
    return true;
  }
  if (pos_ >= end_) return Fail("unexpected end of data");
  bit = (data_[pos_ >> 3] >> (7 - (pos_ & 7))) & 1;
  ++pos_;
  return true;
}

bool PerDecoder::GetBits(unsigned count, uint64_t& value) {
  if (random_) [[unlikely]] {
    value = 0;
    for (unsigned i = 0; i < count; ++i)
      value = (value << 1) | (random_->Lavish(depth_) && RandomBelow(2));
    return true;
  }
  if (count > end_ - pos_) {
    return Fail("unexpected end of data: " + std::to_string(count) + " bits needed, " + std::to_string(end_ - pos_) +
                " left");
  }
  uint64_t v = 0;
  while (count > 0) {
    const unsigned used = pos_ & 7;
    const unsigned avail = 8 - used;
    const unsigned take = count < avail ? count : avail;
    const unsigned bits = (data_[pos_ >> 3] >> (avail - take)) & ((1u << take) - 1);
    v = (v << take) | bits;
    pos_ += take;
    count -= take;
  }
  value = v;
  return true;
}

void PerDecoder::Align() {
  if (random_) [[unlikely]]
    return;
  pos_ = std::min((pos_ + 7) & ~size_t{7}, end_);
}

bool PerDecoder::GetConstrainedWholeNumber(uint64_t range_minus_1, uint64_t& value) {
  if (range_minus_1 == 0) {
    value = 0;
    return true;
  }
  if (range_minus_1 < 255) {
    if (!GetBits(BitWidth(range_minus_1), value)) return false;
  } else if (range_minus_1 == 255) {
    Align();
    if (!GetBits(8, value)) return false;
  } else if (range_minus_1 < 65536) {
    Align();
    if (!GetBits(16, value)) return false;
  } else {
    const unsigned max_octets = OctetWidth(range_minus_1);
    uint64_t octets_minus_1;
    if (!GetBits(BitWidth(max_octets - 1), octets_minus_1)) return false;
    if (octets_minus_1 + 1 > max_octets)
      return Fail("integer length " + std::to_string(octets_minus_1 + 1) + " octets");
    Align();
    if (!GetBits(static_cast<unsigned>(octets_minus_1 + 1) * 8, value)) return false;
  }
  if (value > range_minus_1) return Fail("constrained number " + std::to_string(value) + " beyond its range");
  return true;
}

bool PerDecoder::GetLengthHeader(uint64_t& n, bool& fragment) {
  Align();
  uint64_t first;
  if (!GetBits(8, first)) return false;
  fragment = false;
  if ((first & 0x80) == 0) {
    n = first;
  } else if ((first & 0xC0) == 0x80) {
    uint64_t second;
    if (!GetBits(8, second)) return false;
    n = ((first & 0x3F) << 8) | second;
  } else {
    const uint64_t m = first & 0x3F;
    if (m < 1 || m > 4) return Fail("invalid length fragment header " + std::to_string(first));
    n = m * kFragmentUnit;
    fragment = true;
  }
  return true;
}

bool PerDecoder::GetShortLength(uint64_t& n) {
  bool fragment;
  if (!GetLengthHeader(n, fragment)) return false;
  if (fragment) return Fail("fragmented length where none can occur");
  return true;
}

bool PerDecoder::GetSemiConstrainedWholeNumber(uint64_t& value) {
  uint64_t octets;
  if (!GetShortLength(octets)) return false;
  if (octets > 8) return Fail("integer of " + std::to_string(octets) + " octets does not fit 64 bits");
  value = 0;
  return octets == 0 || GetBits(static_cast<unsigned>(octets) * 8, value);
}

bool PerDecoder::GetUnconstrainedWholeNumber(int64_t& value) {
  uint64_t octets;
  if (!GetShortLength(octets)) return false;
  if (octets == 0) return Fail("integer of zero octets");
  if (octets > 8) return Fail("integer of " + std::to_string(octets) + " octets does not fit 64 bits");
  uint64_t raw;
  if (!GetBits(static_cast<unsigned>(octets) * 8, raw)) return false;
  const unsigned shift = 64 - static_cast<unsigned>(octets) * 8;
  value = shift == 0 ? static_cast<int64_t>(raw) : static_cast<int64_t>(raw << shift) >> shift;
  return true;
}

bool PerDecoder::GetNormallySmall(uint64_t& n) {
  if (random_) [[unlikely]] {
    n = RandomBelow(100);
    return true;
  }
  bool large;
  if (!GetBit(large)) return false;
  if (!large) return GetBits(6, n);
  return GetSemiConstrainedWholeNumber(n);
}

bool PerDecoder::GetNormallySmallLength(uint64_t& n) {
  bool large;
  if (!GetBit(large)) return false;
  if (!large) {
    if (!GetBits(6, n)) return false;
    ++n;
    return true;
  }
  if (!GetShortLength(n)) return false;
  if (n == 0) return Fail("empty extension bitmap");
  return true;
}

bool PerDecoder::GetInteger(int64_t& v, const IntegerRange& range) {
  if (random_) [[unlikely]]
    return RandomInteger(v, range);
  if (range.extensible) {
    bool outside;
    if (!GetBit(outside)) return false;
    if (outside) return GetUnconstrainedWholeNumber(v);
  }
  if (range.has_lb && range.has_ub) {
    uint64_t offset;
    if (!GetConstrainedWholeNumber(static_cast<uint64_t>(range.ub) - static_cast<uint64_t>(range.lb), offset)) {
      return false;
    }
    v = static_cast<int64_t>(static_cast<uint64_t>(range.lb) + offset);
    return true;
  }
  if (range.has_lb) {
    uint64_t offset;
    if (!GetSemiConstrainedWholeNumber(offset)) return false;
    // lb + offset must stay within int64_t; computed modulo 2^64, INT64_MAX - lb is exact.
    if (offset > static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(range.lb)) {
      return Fail("INTEGER beyond 64 bits");
    }
    v = static_cast<int64_t>(static_cast<uint64_t>(range.lb) + offset);
    return true;
  }
  if (!GetUnconstrainedWholeNumber(v)) return false;
  if (!range.Contains(v)) return Fail("INTEGER " + std::to_string(v) + " outside " + RangeText(range));
  return true;
}

bool PerDecoder::GetEnumerated(uint64_t& index, uint64_t root_count, bool extensible, uint64_t known_additions) {
  if (random_) [[unlikely]]
    return RandomIndex(index, root_count, extensible, known_additions);
  bool extension = false;
  if (extensible && !GetBit(extension)) return false;
  if (!extension) return GetConstrainedWholeNumber(root_count - 1, index);
  uint64_t n;
  if (!GetNormallySmall(n)) return false;
  if (n > UINT32_MAX) return Fail("ENUMERATED extension index too large");
  index = root_count + n;
  return true;
}

bool PerDecoder::GetChoiceIndex(uint64_t& index, uint64_t root_count, bool extensible, uint64_t known_additions) {
  return GetEnumerated(index, root_count, extensible, known_additions);
}

bool PerDecoder::CheckRoom(uint64_t items, uint64_t item_bits) {
  if (item_bits == 0) {
    if (items > zero_bit_items_left_) return Fail("too many items that take no bits");
    zero_bit_items_left_ -= items;
    return true;
  }
  if (items > bits_left() / item_bits) {
    return Fail("count " + std::to_string(items) + " needs more than the " + std::to_string(bits_left()) +
                " bits left");
  }
  return true;
}

bool PerDecoder::BeginCounted(const SizeRange& size, bool align_fixed, bool align_variable, uint64_t unit_bits,
                              ListCursor& cursor) {
  cursor = ListCursor{};
  bool outside = false;
  if (size.extensible && !GetBit(outside)) return false;
  if (!outside && size.has_ub && size.ub < 65536) {
    uint64_t n;
    if (size.lb == size.ub) {
      n = size.lb;
      if (n > 0 && align_fixed) Align();
    } else {
      uint64_t offset;
      if (!GetConstrainedWholeNumber(size.ub - size.lb, offset)) return false;
      n = size.lb + offset;
      if (align_variable) Align();
    }
    if (!CheckRoom(n, unit_bits)) return false;
    cursor.boundary = cursor.count = n;
    return true;
  }
  cursor.fragmented = true;
  return NextFragment(cursor, unit_bits);
}

bool PerDecoder::NextFragment(ListCursor& cursor, uint64_t unit_bits) {
  uint64_t chunk;
  bool fragment;
  if (!GetLengthHeader(chunk, fragment)) return false;
  if (!CheckRoom(chunk, unit_bits)) return false;
  cursor.boundary += chunk;
  cursor.count += chunk;
  cursor.last_full = fragment;
  return true;
}

bool PerDecoder::BeginList(const SizeRange& size, uint64_t min_item_bits, ListCursor& cursor) {
  if (random_) [[unlikely]] {
    bool outside = false;
    cursor = ListCursor{};
    cursor.boundary = cursor.count = RandomCount(size, outside);
    return true;
  }
  return BeginCounted(size, false, false, min_item_bits, cursor);
}

bool PerDecoder::EndList(const ListCursor& cursor, const SizeRange& size) {
  if (random_) [[unlikely]]
    return true;
  // Counts sent with an unconstrained length are checked here; constrained ones cannot be
  // outside their range. An extensible constraint admits any count.
  if (cursor.fragmented && !size.extensible && !size.Contains(cursor.count)) {
    return Fail("size " + std::to_string(cursor.count) + " outside " + SizeText(size));
  }
  return true;
}

bool PerDecoder::NextItem(ListCursor& cursor, uint64_t i, uint64_t min_item_bits, bool& has_item) {
  if (random_) [[unlikely]] {
    has_item = i < cursor.boundary;
    return true;
  }
  while (i == cursor.boundary && cursor.fragmented && cursor.last_full) {
    if (!NextFragment(cursor, min_item_bits)) return false;
  }
  has_item = i < cursor.boundary;
  return true;
}

bool PerDecoder::GetOctetString(std::vector<uint8_t>& v, const SizeRange& size) {
  if (random_) [[unlikely]] {
    bool outside = false;
    v.resize(RandomCount(size, outside));
    for (auto& o : v)
      o = static_cast<uint8_t>(RandomBelow(256));
    return true;
  }
  ListCursor c;
  v.clear();
  if (!BeginCounted(size, size.lb > 2, true, 8, c)) return false;
  for (;;) {
    const uint64_t chunk = c.boundary - v.size();
    if (chunk > 0) {
      if ((pos_ & 7) == 0) {
        const auto* p = data_.data() + (pos_ >> 3);
        v.insert(v.end(), p, p + chunk);
        pos_ += chunk * 8;
      } else {
        for (uint64_t k = 0; k < chunk; ++k) {
          uint64_t o;
          if (!GetBits(8, o)) return false;
          v.push_back(static_cast<uint8_t>(o));
        }
      }
    }
    if (!(c.fragmented && c.last_full)) break;
    if (!NextFragment(c, 8)) return false;
  }
  if (c.fragmented && !size.extensible && !size.Contains(v.size())) {
    return Fail("size " + std::to_string(v.size()) + " outside " + SizeText(size));
  }
  return true;
}

bool PerDecoder::GetBitString(BitString& v, const SizeRange& size) {
  if (random_) [[unlikely]] {
    bool outside = false;
    v = BitString{};
    const uint64_t n = RandomCount(size, outside);
    for (uint64_t i = 0; i < n; ++i)
      v.PushBack(RandomBelow(2));
    return true;
  }
  ListCursor c;
  v = BitString{};
  if (!BeginCounted(size, size.lb > 16, true, 1, c)) return false;
  for (;;) {
    const uint64_t chunk = c.boundary - v.bit_count;
    v.bytes.reserve((c.boundary + 7) / 8);
    for (uint64_t k = 0; k < chunk; ++k) {
      bool b;
      if (!GetBit(b)) return false;
      v.PushBack(b);
    }
    if (!(c.fragmented && c.last_full)) break;
    if (!NextFragment(c, 1)) return false;
  }
  if (c.fragmented && !size.extensible && !size.Contains(v.bit_count)) {
    return Fail("size " + std::to_string(v.bit_count) + " outside " + SizeText(size));
  }
  return true;
}

template <typename String>
bool PerDecoder::GetKnownMultiplierString(String& v, const SizeRange& size, const PermittedAlphabet& alphabet) {
  using Char = typename String::value_type;
  const bool aligned = !size.has_ub || size.ub >= 65536 || size.ub * alphabet.bits >= 16;
  ListCursor c;
  v.clear();
  if (!BeginCounted(size, aligned, aligned, alphabet.bits, c)) return false;
  for (;;) {
    const uint64_t chunk = c.boundary - v.size();
    v.reserve(c.boundary);
    for (uint64_t k = 0; k < chunk; ++k) {
      uint64_t code;
      if (!GetBits(alphabet.bits, code)) return false;
      char32_t ch;
      if (alphabet.use_index) {
        if (code >= alphabet.size()) return Fail("character index " + std::to_string(code) + " outside the alphabet");
        ch = alphabet.At(code);
      } else {
        ch = static_cast<char32_t>(code);
        if (!alphabet.Permits(ch)) return Fail("character " + std::to_string(code) + " not in the permitted alphabet");
      }
      v.push_back(static_cast<Char>(ch));
    }
    if (!(c.fragmented && c.last_full)) break;
    if (!NextFragment(c, alphabet.bits)) return false;
  }
  if (c.fragmented && !size.extensible && !size.Contains(v.size())) {
    return Fail("size " + std::to_string(v.size()) + " outside " + SizeText(size));
  }
  return true;
}

bool PerDecoder::GetString(std::string& v, const SizeRange& size, const PermittedAlphabet& alphabet) {
  if (random_) [[unlikely]]
    return RandomString(v, size, alphabet);
  return GetKnownMultiplierString(v, size, alphabet);
}

bool PerDecoder::GetString(std::u16string& v, const SizeRange& size, const PermittedAlphabet& alphabet) {
  if (random_) [[unlikely]]
    return RandomString(v, size, alphabet);
  return GetKnownMultiplierString(v, size, alphabet);
}

bool PerDecoder::GetUnrestrictedString(std::string& v) {
  if (random_) [[unlikely]]
    return RandomString(v, SizeRange{0, 8, true, false}, kVisibleStringAlphabet);
  std::vector<uint8_t> octets;
  if (!GetOctetString(octets, kUnconstrainedSize)) return false;
  v.assign(octets.begin(), octets.end());
  return true;
}

bool PerDecoder::GetObjectIdentifier(ObjectIdentifier& v) {
  if (random_) [[unlikely]] {
    const uint64_t first = RandomBelow(3);
    v.arcs = {first, first < 2 ? RandomBelow(40) : RandomBelow(1000)};
    for (uint64_t i = RandomBelow(5); i > 0; --i)
      v.arcs.push_back(RandomBelow(2) ? RandomBelow(128) : RandomBelow(1u << 31));
    return true;
  }
  std::vector<uint8_t> contents;
  if (!GetOctetString(contents, kUnconstrainedSize)) return false;
  std::string error;
  if (!DecodeOidContents(contents.data(), contents.size(), v, error)) return Fail(error);
  return true;
}

bool PerDecoder::GetOpenType(std::vector<uint8_t>& contents) {
  if (random_) [[unlikely]] {
    contents.resize(1 + RandomBelow(6));
    for (auto& o : contents)
      o = static_cast<uint8_t>(RandomBelow(256));
    return true;
  }
  if (!GetOctetString(contents, kUnconstrainedSize)) return false;
  if (contents.empty()) return Fail("open type with no contents");
  return true;
}

bool PerDecoder::BeginOpenType(OpenScope& scope) {
  if (random_) [[unlikely]] {
    scope = OpenScope{};
    scope.resume = pos_;
    scope.saved_end = end_;
    return true;
  }
  uint64_t length;
  bool fragment;
  if (!GetLengthHeader(length, fragment)) return false;
  if (!fragment) {
    if (length == 0) return Fail("open type with no contents");
    if (!CheckRoom(length, 8)) return false;
    scope.saved_end = end_;
    scope.resume = pos_ + length * 8;
    end_ = scope.resume;
    scope.swapped = false;
    return true;
  }
  // Fragmented (16K octets or more): reassemble the contents, then read from the copy.
  ListCursor c;
  c.fragmented = true;
  if (!CheckRoom(length, 8)) return false;
  c.boundary = c.count = length;
  c.last_full = true;
  scope.buffer.clear();
  for (;;) {
    const uint64_t chunk = c.boundary - scope.buffer.size();
    const auto* p = data_.data() + (pos_ >> 3);
    scope.buffer.insert(scope.buffer.end(), p, p + chunk);
    pos_ += chunk * 8;
    if (!c.last_full) break;
    if (!NextFragment(c, 8)) return false;
  }
  scope.saved_data = data_;
  scope.saved_end = end_;
  scope.resume = pos_;
  scope.swapped = true;
  data_ = scope.buffer;
  pos_ = 0;
  end_ = scope.buffer.size() * 8;
  return true;
}

void PerDecoder::EndOpenType(OpenScope& scope) {
  if (scope.swapped) data_ = scope.saved_data;
  pos_ = scope.resume;
  end_ = scope.saved_end;
}

bool PerDecoder::SkipOpenType() {
  OpenScope scope;
  if (!BeginOpenType(scope)) return false;
  EndOpenType(scope);
  return true;
}

bool PerDecoder::GetExtensionBitmap(ExtensionBitmap& bitmap, uint64_t known_additions) {
  if (random_) [[unlikely]]
    return RandomBitmap(bitmap, known_additions);
  uint64_t count;
  if (!GetNormallySmallLength(count)) return false;
  if (count > bits_left()) return Fail("extension bitmap longer than the data");
  bitmap.data = data_.data();
  bitmap.bit_offset = pos_;
  bitmap.count = count;
  pos_ += count;
  return true;
}

bool PerDecoder::GetUnknownExtensions(const ExtensionBitmap& bitmap, uint64_t known_count,
                                      std::vector<UnknownExtension>& out) {
  if (random_) [[unlikely]] {
    out.clear();
    return true;
  }
  out.clear();
  for (uint64_t i = known_count; i < bitmap.count; ++i) {
    if (!bitmap.Test(i)) continue;
    UnknownExtension u;
    u.index = static_cast<uint32_t>(i);
    if (!GetOpenType(u.encoding)) return false;
    out.push_back(std::move(u));
  }
  return true;
}

bool PerDecoder::Enter() {
  if (++depth_ > kMaxRecursionDepth) {
    --depth_;
    return Fail("nesting deeper than " + std::to_string(kMaxRecursionDepth) + " levels");
  }
  return true;
}

bool PerDecoder::Charge(uint64_t bytes) {
  if (random_) [[unlikely]]
    return true;
  if (bytes > decoded_bytes_left_) {
    return Fail("decoded value exceeds the memory budget for the input's size");
  }
  decoded_bytes_left_ -= bytes;
  return true;
}

}  // namespace tessera::signaling::asn1

#pragma once
// PerEncoder: the aligned variant of BASIC-PER (ITU-T X.691), the encoding H.225.0 and H.245
// use. Generated code calls one routine per kind of ASN.1 type with the PER-visible
// constraints as arguments; every routine checks the value against them and returns false
// (with the reason recorded) instead of writing something a peer would misread.
//
// Owned by one encode call on one thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/signaling/asn1/constraints.h"
#include "tessera/signaling/asn1/per_error.h"
#include "tessera/signaling/asn1/per_types.h"

namespace tessera::signaling::asn1 {

// Where a list is in its length fragments (X.691 11.9.3.8): lists and strings whose length is
// not constrained below 64K are sent in fragments of 16K, 32K, 48K or 64K items, each behind
// its own header. Items from `boundary` on need another header first.
struct ListCursor {
  uint64_t boundary = 0;
  uint64_t count = 0;       // items announced so far
  bool fragmented = false;  // unconstrained length: fragment headers may follow
  bool last_full = false;   // the last header announced a full fragment (another header follows)
};

// X.691 11.9.3.8: the unit of fragmentation.
inline constexpr uint64_t kFragmentUnit = 16384;

// Choices X.691 leaves to the encoder.
struct EncodeOptions {
  // The extension bitmap of a SEQUENCE normally has one bit per addition the type knows
  // (as Erlang/OTP writes it); some stacks (h323plus) stop at the last present addition.
  // Both decode the same; this reproduces the latter octet for octet.
  bool trim_extension_bitmaps = false;
};

class PerEncoder {
 public:
  // Appends to `out`; the encoding starts at its end (which must be octet-aligned: a byte count).
  explicit PerEncoder(std::vector<uint8_t>& out, EncodeOptions options = {});
  PerEncoder(const PerEncoder&) = delete;
  PerEncoder& operator=(const PerEncoder&) = delete;

  // --- bits ---
  void PutBit(bool bit);
  void PutBits(uint64_t value, unsigned count);  // the low `count` bits of value, MSB first; count <= 64
  void Align();                                  // zero bits up to the next octet boundary
  void PutOctets(std::span<const uint8_t> octets);
  size_t bit_position() const { return bit_pos_ - start_bits_; }
  // Pads the last octet; an empty encoding becomes one zero octet (X.691 11.1.3).
  void FinishComplete();

  // --- X.691 primitives (false: the value violates the constraint; the reason is recorded) ---
  void PutBoolean(bool v) { PutBit(v); }
  bool PutInteger(int64_t v, const IntegerRange& range);
  // The value whose PER index is `index` (root values sorted by value first, then additions).
  bool PutEnumerated(uint64_t index, uint64_t root_count, bool extensible);
  // A CHOICE index. For an extension alternative (index >= root_count) the caller then writes
  // the alternative as an open type (BeginOpenType/EndOpenType).
  bool PutChoiceIndex(uint64_t index, uint64_t root_count, bool extensible);
  void PutNormallySmall(uint64_t n);
  bool PutOctetString(std::span<const uint8_t> v, const SizeRange& size);
  bool PutBitString(const BitString& v, const SizeRange& size);
  // Known-multiplier strings (IA5String, NumericString, PrintableString, VisibleString,
  // BMPString) under their effective size and alphabet constraints.
  bool PutString(std::string_view v, const SizeRange& size, const PermittedAlphabet& alphabet);
  bool PutString(std::u16string_view v, const SizeRange& size, const PermittedAlphabet& alphabet);
  // Strings without a known multiplier (GeneralString, UTF8String): length and octets.
  bool PutUnrestrictedString(std::string_view v);
  bool PutObjectIdentifier(const ObjectIdentifier& v);
  // An open type whose contents are already encoded (OpenType, unknown extensions).
  bool PutOpenType(std::span<const uint8_t> encoding);

  // An open type encoded in place: BeginOpenType() returns a mark, the contents are written
  // with the usual calls, EndOpenType(mark) puts the length in front of them.
  size_t BeginOpenType();
  void EndOpenType(size_t mark);

  // SEQUENCE OF / SET OF of `n` items: BeginList writes the length (or its first fragment
  // header); call ListItem before writing item i; EndList after the last one.
  bool BeginList(uint64_t n, const SizeRange& size, ListCursor& cursor);
  void ListItem(ListCursor& cursor, uint64_t i, uint64_t n) {
    if (i == cursor.boundary && cursor.fragmented) NextFragment(cursor, n);
  }
  void EndList(ListCursor& cursor, uint64_t n);

  // The SEQUENCE extension bitmap (X.691 19.7): presence of the known additions, then the
  // unknown ones kept from decoding. The caller then writes each present known addition as an
  // open type, then calls PutUnknownExtensions.
  bool PutExtensionBitmap(std::span<const bool> known_present, const std::vector<UnknownExtension>& unknown);
  void PutUnknownExtensions(const std::vector<UnknownExtension>& unknown);

  // --- errors ---
  bool Fail(std::string reason);
  // Adds a path frame while an error propagates outwards; always returns false.
  bool Field(std::string_view name) {
    trace_.PushName(name);
    return false;
  }
  bool Index(size_t i) {
    trace_.PushIndex(i);
    return false;
  }
  const ErrorTrace& trace() const { return trace_; }

 private:
  void PutConstrainedWholeNumber(uint64_t value, uint64_t range_minus_1);
  void PutSemiConstrainedWholeNumber(uint64_t value);
  void PutUnconstrainedWholeNumber(int64_t value);
  // An unconstrained length determinant for n < 16K (one or two aligned octets).
  void PutShortLength(uint64_t n);
  void PutNormallySmallLength(uint64_t n);
  // The length of a counted value (string or list) and the first fragment header; `align_*`
  // say whether content after a fixed-size or constrained length starts on an octet.
  bool BeginCounted(uint64_t n, const SizeRange& size, bool align_fixed, bool align_variable, ListCursor& cursor);
  void NextFragment(ListCursor& cursor, uint64_t n);
  template <typename CharT>
  bool PutKnownMultiplierString(std::basic_string_view<CharT> v, const SizeRange& size,
                                const PermittedAlphabet& alphabet);

  std::vector<uint8_t>& out_;  // passed in (not owned)
  EncodeOptions options_;
  size_t start_bits_;  // where this encoding started in out_
  size_t bit_pos_;     // absolute bit position in out_
  ErrorTrace trace_;
};

}  // namespace tessera::signaling::asn1

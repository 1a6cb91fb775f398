#pragma once
// The PER-visible constraints (X.691 §9.3) that decide how a value is encoded. The generator
// computes them from the module text and emits them as constexpr constants; the encoder and
// decoder take them as arguments, so there is one runtime routine per kind of type, not one
// per ASN.1 type.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tessera::signaling::asn1 {

// A value-range constraint on INTEGER: lb..ub, either end possibly absent (MIN/MAX or no
// constraint). `extensible` when the constraint has an extension marker ("(0..16383, ...)").
struct IntegerRange {
  int64_t lb = 0;
  int64_t ub = 0;
  bool has_lb = false;
  bool has_ub = false;
  bool extensible = false;

  bool Contains(int64_t v) const { return (!has_lb || v >= lb) && (!has_ub || v <= ub); }
};
inline constexpr IntegerRange kUnconstrainedInteger{};

// A SIZE constraint (strings, SEQUENCE OF, SET OF): lb..ub items; `has_ub` false for MAX or no
// upper bound.
struct SizeRange {
  uint64_t lb = 0;
  uint64_t ub = 0;
  bool has_ub = false;
  bool extensible = false;

  bool Contains(uint64_t n) const { return n >= lb && (!has_ub || n <= ub); }
  bool Fixed() const { return has_ub && lb == ub; }
};
inline constexpr SizeRange kUnconstrainedSize{};

// The effective permitted alphabet of a known-multiplier character string (X.691 §30):
// either the sorted list `chars` (a FROM constraint, NumericString, PrintableString) or, when
// that is empty, every character from `first` to `last` (IA5String 0..127, VisibleString
// 32..126, BMPString 0..65535).
struct PermittedAlphabet {
  std::u32string_view chars;  // sorted ascending, no duplicates; empty = the range below
  char32_t first = 0;
  char32_t last = 0;
  uint8_t bits = 8;        // bits per character in the ALIGNED variant: 1, 2, 4, 8, 16 or 32
  bool use_index = false;  // characters are coded as their index in the alphabet (X.691 30.5.4)

  size_t size() const { return chars.empty() ? static_cast<size_t>(last - first) + 1 : chars.size(); }
  // Index of `c` in the alphabet, or -1 when `c` is not permitted.
  int64_t IndexOf(char32_t c) const;
  char32_t At(size_t index) const { return chars.empty() ? static_cast<char32_t>(first + index) : chars[index]; }
  bool Permits(char32_t c) const { return IndexOf(c) >= 0; }
};

// The character sets of the known-multiplier string types with no FROM constraint.
inline constexpr PermittedAlphabet kIa5StringAlphabet{{}, 0, 127, 8, false};
inline constexpr PermittedAlphabet kVisibleStringAlphabet{{}, 32, 126, 8, false};
inline constexpr PermittedAlphabet kBmpStringAlphabet{{}, 0, 65535, 16, false};
inline constexpr PermittedAlphabet kNumericStringAlphabet{U" 0123456789", 0, 0, 4, true};
inline constexpr PermittedAlphabet kPrintableStringAlphabet{
    U" '()+,-./0123456789:=?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 0, 0, 8, false};

}  // namespace tessera::signaling::asn1

#pragma once
// PerDecoder: reads the aligned variant of BASIC-PER (ITU-T X.691) from untrusted bytes.
//
// Total: every routine checks the bits it needs before reading them, every length or count
// against the bits that are left before allocating, and the nesting of recursive types
// against a fixed depth. Any input gives a value or an error with a reason, a bit offset and
// (added by the generated code as the error unwinds) the path of the failing field.
//
// Owned by one decode call on one thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/signaling/asn1/constraints.h"
#include "tessera/signaling/asn1/per_encoder.h"
#include "tessera/signaling/asn1/per_error.h"
#include "tessera/signaling/asn1/per_types.h"

namespace tessera::signaling::asn1 {

// How deep recursive types may nest (H.245 DataType inside DataType ...). Real messages nest
// two or three levels; the limit keeps hostile input from exhausting the stack.
inline constexpr int kMaxRecursionDepth = 32;
// Items that take no bits at all (a SEQUENCE OF NULL) cost nothing on the wire, so their
// count is capped per decode instead of by the input size.
inline constexpr uint64_t kMaxZeroBitItems = 65536;
// Memory a decode may allocate for list items and boxed values: kDecodedBytesBase plus
// kDecodedBytesPerInputByte per input octet. Counts are bounded by the bits left, but one bit
// can announce a large struct (an H.225.0 CryptoH323Token is ~1.7 kB in memory and at least
// one bit on the wire); without this budget a 64 kB TPKT could demand most of a gigabyte.
// Real messages use a small fraction (a 30-capability TerminalCapabilitySet ~60 per octet).
inline constexpr uint64_t kDecodedBytesBase = uint64_t{1} << 20;
inline constexpr uint64_t kDecodedBytesPerInputByte = 256;

// The extension bitmap of a SEQUENCE (X.691 19.7), read lazily from the input.
struct ExtensionBitmap {
  const uint8_t* data = nullptr;
  size_t bit_offset = 0;
  uint64_t count = 0;
  bool Test(uint64_t i) const {
    const size_t bit = bit_offset + i;
    return i < count && ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
  }
};

// State saved while the decoder reads the contents of an open type.
struct OpenScope {
  std::span<const uint8_t> saved_data;
  size_t saved_end = 0;
  size_t resume = 0;            // where decoding continues after the open type
  std::vector<uint8_t> buffer;  // the reassembled contents of a fragmented open type
  bool swapped = false;
};

class PerDecoder {
 public:
  explicit PerDecoder(std::span<const uint8_t> data);
  PerDecoder(const PerDecoder&) = delete;
  PerDecoder& operator=(const PerDecoder&) = delete;
  ~PerDecoder();

  // For tests: a decoder that reads no input. Every primitive draws a random value within
  // its constraints instead, so Decode() of any generated type builds a random valid value
  // (with every known extension addition and alternative reachable, unknown ones never).
  // `forced_choices` are the alternative indexes the first CHOICEs decoded take, in order.
  // Decode may still fail when recursion goes deeper than kMaxRecursionDepth: draw again.
  static PerDecoder RandomForTest(uint64_t seed, std::vector<uint64_t> forced_choices = {});

  // --- bits ---
  bool GetBit(bool& bit);
  bool GetBits(unsigned count, uint64_t& value);  // count <= 64, MSB first
  void Align();
  size_t bit_position() const { return pos_; }
  size_t bits_left() const { return end_ - pos_; }

  // --- X.691 primitives (false: the input is not a valid encoding; the reason is recorded) ---
  bool GetBoolean(bool& v) { return GetBit(v); }
  bool GetInteger(int64_t& v, const IntegerRange& range);
  // For narrower field types: the constraint guarantees the value fits (extensible ranges
  // use int64_t fields).
  template <typename T>
  bool GetIntegerAs(T& v, const IntegerRange& range) {
    int64_t t;
    if (!GetInteger(t, range)) return false;
    v = static_cast<T>(t);
    return true;
  }
  // The PER index of an ENUMERATED value (extension values follow the root ones; values beyond
  // the `known_additions` of this version are returned too, for the caller to keep).
  bool GetEnumerated(uint64_t& index, uint64_t root_count, bool extensible, uint64_t known_additions = 0);
  // A CHOICE index: `index` < root_count for a root alternative; for an extension alternative
  // `index` is root_count + its number and the caller reads it as an open type.
  bool GetChoiceIndex(uint64_t& index, uint64_t root_count, bool extensible, uint64_t known_additions = 0);
  bool GetNormallySmall(uint64_t& n);
  bool GetOctetString(std::vector<uint8_t>& v, const SizeRange& size);
  bool GetBitString(BitString& v, const SizeRange& size);
  bool GetString(std::string& v, const SizeRange& size, const PermittedAlphabet& alphabet);
  bool GetString(std::u16string& v, const SizeRange& size, const PermittedAlphabet& alphabet);
  bool GetUnrestrictedString(std::string& v);
  bool GetObjectIdentifier(ObjectIdentifier& v);
  // The contents of an open type, undecoded.
  bool GetOpenType(std::vector<uint8_t>& contents);

  // An open type decoded in place: between Begin and End the decoder reads only its contents;
  // End moves past them (ignoring anything the contained value did not use).
  bool BeginOpenType(OpenScope& scope);
  void EndOpenType(OpenScope& scope);

  // SEQUENCE OF / SET OF: BeginList reads the length (or its first fragment header), then
  // NextItem tells whether item i exists, reading later fragment headers. `min_item_bits` is
  // the least an item can take on the wire: counts that the remaining input cannot hold are
  // rejected before anything is allocated.
  bool BeginList(const SizeRange& size, uint64_t min_item_bits, ListCursor& cursor);
  bool NextItem(ListCursor& cursor, uint64_t i, uint64_t min_item_bits, bool& has_item);
  // After the last item: checks a count that came with an unconstrained length.
  bool EndList(const ListCursor& cursor, const SizeRange& size);

  bool GetExtensionBitmap(ExtensionBitmap& bitmap, uint64_t known_additions = 0);
  // Reads the open types of the present additions from `known_count` on (kept undecoded).
  bool GetUnknownExtensions(const ExtensionBitmap& bitmap, uint64_t known_count, std::vector<UnknownExtension>& out);
  // Skips the open type of one present addition (used when a known addition cannot be kept).
  bool SkipOpenType();

  // Recursive types: Enter before decoding a boxed value, Leave after.
  bool Enter();
  void Leave() { --depth_; }
  // Before allocating `bytes` of decoded value (list items, boxed values): fails once the
  // decode's memory budget (kDecodedBytesBase, kDecodedBytesPerInputByte) is spent.
  bool Charge(uint64_t bytes);

  // --- errors ---
  bool Fail(std::string reason);
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
  bool GetConstrainedWholeNumber(uint64_t range_minus_1, uint64_t& value);
  bool GetSemiConstrainedWholeNumber(uint64_t& value);
  bool GetUnconstrainedWholeNumber(int64_t& value);
  // An unconstrained length determinant; `fragment` when it is a 16K-multiple fragment header.
  bool GetLengthHeader(uint64_t& n, bool& fragment);
  // A length where fragmentation cannot occur (integers, OIDs, normally small lengths).
  bool GetShortLength(uint64_t& n);
  bool GetNormallySmallLength(uint64_t& n);
  bool BeginCounted(const SizeRange& size, bool align_fixed, bool align_variable, uint64_t unit_bits,
                    ListCursor& cursor);
  bool NextFragment(ListCursor& cursor, uint64_t unit_bits);
  bool CheckRoom(uint64_t items, uint64_t item_bits);
  template <typename String>
  bool GetKnownMultiplierString(String& v, const SizeRange& size, const PermittedAlphabet& alphabet);

  // Random mode (RandomForTest); implemented in per_decoder_random.cc.
  struct RandomState;
  PerDecoder(std::unique_ptr<RandomState> random);
  uint64_t RandomBelow(uint64_t n);
  uint64_t RandomCount(const SizeRange& size, bool& outside_root);
  bool RandomInteger(int64_t& v, const IntegerRange& range);
  bool RandomIndex(uint64_t& index, uint64_t root_count, bool extensible, uint64_t known_additions);
  bool RandomBitmap(ExtensionBitmap& bitmap, uint64_t known_additions);
  template <typename String>
  bool RandomString(String& v, const SizeRange& size, const PermittedAlphabet& alphabet);

  std::span<const uint8_t> data_;  // passed in (not owned), or an OpenScope's buffer
  size_t pos_ = 0;                 // bit position in data_
  size_t end_ = 0;                 // bits that may be read (narrowed inside open types)
  int depth_ = 0;
  uint64_t zero_bit_items_left_ = kMaxZeroBitItems;
  uint64_t decoded_bytes_left_ = kDecodedBytesBase;
  ErrorTrace trace_;
  std::unique_ptr<RandomState> random_;  // owned; null when decoding real input
};

}  // namespace tessera::signaling::asn1

#pragma once
// Value types shared by every generated ASN.1 module: what a NULL, a BIT STRING, an OBJECT
// IDENTIFIER, an open type and an extension unknown to this version look like in C++, plus
// Box<T>, which breaks the cycles of recursive types (H.245's DataType contains itself).
//
// Plain values: copyable, comparable with ==, no hidden sharing. Any thread may use them; a
// value is owned by whoever holds it.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera::signaling::asn1 {

// ASN.1 NULL: present or not; carries nothing.
struct Null {
  bool operator==(const Null&) const = default;
};

// BIT STRING: `bit_count` bits, first bit in the most significant bit of bytes[0]. The unused
// low bits of the last byte are kept zero by every constructor and by the decoder.
struct BitString {
  std::vector<uint8_t> bytes;
  size_t bit_count = 0;

  BitString() = default;
  // The first `bits` bits of `data` (unused trailing bits are cleared).
  BitString(std::vector<uint8_t> data, size_t bits);
  static BitString FromBits(std::initializer_list<bool> bits);

  bool Bit(size_t i) const { return (bytes[i / 8] >> (7 - i % 8)) & 1; }
  void SetBit(size_t i, bool value);
  void PushBack(bool value);
  bool operator==(const BitString& other) const = default;
};

// OBJECT IDENTIFIER as its arcs, e.g. {0, 0, 8, 2250, 0, 7}.
struct ObjectIdentifier {
  std::vector<uint64_t> arcs;

  ObjectIdentifier() = default;
  ObjectIdentifier(std::initializer_list<uint64_t> a) : arcs(a) {}
  explicit ObjectIdentifier(std::vector<uint64_t> a) : arcs(std::move(a)) {}
  std::string ToString() const;  // "0.0.8.2250.0.7"
  bool operator==(const ObjectIdentifier& other) const = default;
};

// An open type the module leaves undefined (TYPE-IDENTIFIER.&Type, used by H.235 for tokens):
// the complete aligned-PER encoding of some value, carried without interpretation.
struct OpenType {
  std::vector<uint8_t> encoding;
  bool operator==(const OpenType& other) const = default;
};

// A SEQUENCE extension addition that this version of the module does not know (sent by a peer
// on a newer version): its position among the additions and its open-type contents, kept so
// that re-encoding the value reproduces it.
struct UnknownExtension {
  uint32_t index = 0;  // position in the extension bitmap (>= the number of known additions)
  std::vector<uint8_t> encoding;
  bool operator==(const UnknownExtension& other) const = default;
};

// A CHOICE alternative added after this version of the module, kept the same way.
struct UnknownAlternative {
  uint32_t index = 0;  // extension alternative number (>= the number of known ones)
  std::vector<uint8_t> encoding;
  bool operator==(const UnknownAlternative& other) const = default;
};

// Box<T>: a T on the heap with value semantics (deep copy, == compares values). The generator
// uses it only where a type contains itself by value. A moved-from Box reads as a default T.
template <typename T>
class Box {
 public:
  Box() = default;
  Box(const T& v) : p_(std::make_unique<T>(v)) {}        // NOLINT: implicit by design
  Box(T&& v) : p_(std::make_unique<T>(std::move(v))) {}  // NOLINT
  Box(const Box& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Box(Box&& o) noexcept = default;
  Box& operator=(const Box& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Box& operator=(Box&& o) noexcept = default;
  ~Box() = default;

  T& operator*() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  const T& operator*() const { return p_ ? *p_ : Default(); }
  T* operator->() { return &**this; }
  const T* operator->() const { return &**this; }
  bool operator==(const Box& o) const { return **this == *o; }

 private:
  static const T& Default() {
    static const T kDefault{};
    return kDefault;
  }
  std::unique_ptr<T> p_;  // owned; null means a default T
};

}  // namespace tessera::signaling::asn1

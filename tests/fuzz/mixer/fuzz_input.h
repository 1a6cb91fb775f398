#pragma once
// Reads typed values off a fuzzer's byte string; past the end everything reads as zero.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tessera::fuzzing {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t U16() { return static_cast<uint16_t>(Byte() | (Byte() << 8)); }
  int Int(int lo, int hi) { return lo + static_cast<int>(U16() % static_cast<unsigned>(hi - lo + 1)); }
  bool Bool() { return Byte() & 1; }
  // Any double, NaN and infinities included, one time in four; otherwise a fraction in [-0.1, 1.1].
  double Double() {
    if ((Byte() & 3) == 0) {
      double d = 0;
      uint8_t raw[8];
      for (auto& b : raw)
        b = Byte();
      std::memcpy(&d, raw, sizeof d);
      return d;
    }
    return -0.1 + 1.2 * U16() / 65535.0;
  }
  std::string_view Rest() {
    const std::string_view s(reinterpret_cast<const char*>(data_ + pos_), size_ - pos_);
    pos_ = size_;
    return s;
  }
  bool empty() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace tessera::fuzzing

#pragma once
// Reads bits MSB first from a byte span; reading past the end sets a flag and yields 0.

#include <cstddef>
#include <cstdint>
#include <span>

namespace tessera::codecs::payload {

class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> data) : data_(data) {}
  uint32_t Read(int bits) {
    uint32_t v = 0;
    for (int i = 0; i < bits; ++i) {
      if (position_ >= data_.size() * 8) {
        overrun_ = true;
        return 0;
      }
      v = (v << 1) | ((data_[position_ / 8] >> (7 - position_ % 8)) & 1u);
      ++position_;
    }
    return v;
  }
  bool overrun() const { return overrun_; }
  size_t position() const { return position_; }

 private:
  std::span<const uint8_t> data_;
  size_t position_ = 0;
  bool overrun_ = false;
};

}  // namespace tessera::codecs::payload

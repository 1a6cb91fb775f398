#pragma once
// MSB-first bit reader with Exp-Golomb codes, over an RBSP whose emulation prevention bytes
// have been removed (UnescapeRbsp). Every read checks the remaining length and returns
// nullopt past the end, so a truncated parameter set fails cleanly.
//
// Thread safety: a value used by one thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tessera::codecs {

class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> data) : data_(data) {}

  // 1..32 bits.
  std::optional<uint32_t> ReadBits(int count) {
    if (count < 1 || count > 32 || remaining_bits() < static_cast<size_t>(count)) return std::nullopt;
    uint64_t value = 0;
    for (int i = 0; i < count; ++i) {
      const uint8_t byte = data_[bit_pos_ >> 3];
      value = (value << 1) | ((byte >> (7 - (bit_pos_ & 7))) & 1u);
      ++bit_pos_;
    }
    return static_cast<uint32_t>(value);
  }

  // ue(v); codes longer than 32 bits are refused (no legal field needs them).
  std::optional<uint32_t> ReadExpGolomb() {
    int zeros = 0;
    while (true) {
      const auto bit = ReadBits(1);
      if (!bit) return std::nullopt;
      if (*bit) break;
      if (++zeros > 31) return std::nullopt;
    }
    if (zeros == 0) return 0u;
    const auto suffix = ReadBits(zeros);
    if (!suffix) return std::nullopt;
    return static_cast<uint32_t>((uint64_t{1} << zeros) - 1 + *suffix);
  }

  // se(v).
  std::optional<int32_t> ReadSignedExpGolomb() {
    const auto k = ReadExpGolomb();
    if (!k) return std::nullopt;
    const int64_t v = (*k & 1u) ? (int64_t{*k} + 1) / 2 : -(int64_t{*k} / 2);
    return static_cast<int32_t>(v);
  }

  size_t remaining_bits() const { return data_.size() * 8 - bit_pos_; }

 private:
  std::span<const uint8_t> data_;
  size_t bit_pos_ = 0;
};

// Copies `escaped` into `out` without the emulation prevention bytes (the 03 of 00 00 03),
// stopping when `out` is full. Returns the number of bytes written.
inline size_t UnescapeRbsp(std::span<const uint8_t> escaped, std::span<uint8_t> out) {
  size_t n = 0;
  int zeros = 0;
  for (size_t i = 0; i < escaped.size() && n < out.size(); ++i) {
    const uint8_t b = escaped[i];
    if (zeros >= 2 && b == 0x03) {
      zeros = 0;
      continue;
    }
    zeros = b == 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return n;
}

}  // namespace tessera::codecs

#pragma once
// Key material that must never reach a log, an error message or a core dump longer than
// needed: a fixed-size byte buffer that is wiped when it dies and has no printer (writing
// one to a stream or formatting it does not compile).
//
// Thread safety: a value type; one owner.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tessera::mcu::rtp {

class SecretBytes {
 public:
  static constexpr size_t kCapacity = 64;

  SecretBytes() = default;
  // Copies at most kCapacity bytes; size() tells how many were kept.
  explicit SecretBytes(std::span<const uint8_t> bytes);
  SecretBytes(const SecretBytes& other);
  SecretBytes& operator=(const SecretBytes& other);
  ~SecretBytes();

  std::span<const uint8_t> bytes() const { return {data_.data(), size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Constant-time comparison (no early exit on the first difference).
  bool Equals(const SecretBytes& other) const;
  void Wipe();

 private:
  std::array<uint8_t, kCapacity> data_{};
  size_t size_ = 0;
};

}  // namespace tessera::mcu::rtp

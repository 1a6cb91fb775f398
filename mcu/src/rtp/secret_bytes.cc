#include "tessera/mcu/rtp/secret_bytes.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

namespace tessera::mcu::rtp {

SecretBytes::SecretBytes(std::span<const uint8_t> bytes) : size_(std::min(bytes.size(), kCapacity)) {
  if (size_) std::memcpy(data_.data(), bytes.data(), size_);
}

SecretBytes::SecretBytes(const SecretBytes& other) : data_(other.data_), size_(other.size_) {}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    Wipe();
    data_ = other.data_;
    size_ = other.size_;
  }
  return *this;
}

SecretBytes::~SecretBytes() {
  Wipe();
}

void SecretBytes::Wipe() {
  // OPENSSL_cleanse is not optimised away like a memset before destruction would be.
  OPENSSL_cleanse(data_.data(), data_.size());
  size_ = 0;
}

bool SecretBytes::Equals(const SecretBytes& other) const {
  if (size_ != other.size_) return false;
  return CRYPTO_memcmp(data_.data(), other.data_.data(), size_) == 0;
}

}  // namespace tessera::mcu::rtp

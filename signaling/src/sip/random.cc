#include "sip/random.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <random>

namespace tessera::signaling::sip {

void RandomBytes(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    // The CSPRNG failing is not something to limp on from: identifiers would repeat.
    std::abort();
  }
}

std::string RandomHex(size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint8_t buf[64];
  std::string out;
  out.reserve(bytes * 2);
  while (bytes > 0) {
    const size_t n = bytes < sizeof buf ? bytes : sizeof buf;
    RandomBytes({buf, n});
    for (size_t i = 0; i < n; ++i) {
      out += kHex[buf[i] >> 4];
      out += kHex[buf[i] & 15];
    }
    bytes -= n;
  }
  return out;
}

uint64_t RandomBetween(uint64_t lo, uint64_t hi) {
  uint64_t r = 0;
  RandomBytes({reinterpret_cast<uint8_t*>(&r), sizeof r});
  return hi <= lo ? lo : lo + r % (hi - lo + 1);
}

}  // namespace tessera::signaling::sip

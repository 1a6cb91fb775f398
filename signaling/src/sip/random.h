#pragma once
// Unpredictable identifiers for tags, branches, Call-IDs, cnonces and nonces. They come from
// OpenSSL's CSPRNG: a guessable Call-ID and tag pair would let anyone hang up a call.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tessera::signaling::sip {

void RandomBytes(std::span<uint8_t> out);
// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string RandomHex(size_t bytes);
// Uniform in [lo, hi].
uint64_t RandomBetween(uint64_t lo, uint64_t hi);

}  // namespace tessera::signaling::sip

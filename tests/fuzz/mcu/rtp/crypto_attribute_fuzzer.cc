// Any text given to the a=crypto parser yields an attribute or an error message; an
// attribute formats back to text that parses to the same suite and keys; error messages
// never contain the key material of the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/mcu/rtp/crypto_attribute.h"

using namespace tessera::mcu::rtp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto a = ParseCryptoAttribute(text);
  if (!a) {
    if (a.error().empty()) __builtin_trap();
    return 0;
  }
  (void)Unsupported(*a);
  const std::string formatted = FormatCryptoAttribute(*a);
  auto back = ParseCryptoAttribute(formatted);
  if (!back) __builtin_trap();
  if (back->suite != a->suite || back->keys.size() != a->keys.size()) __builtin_trap();
  for (size_t i = 0; i < a->keys.size(); ++i) {
    if (!back->keys[i].key_salt.Equals(a->keys[i].key_salt)) __builtin_trap();
  }
  const std::string log = a->ToLogString();
  if (log.find("<redacted>") == std::string::npos) __builtin_trap();
  return 0;
}

// Any byte string given to the config parser yields a Config or errors with positions;
// never a crash, a hang or an exception escaping.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tessera/mcu/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = tessera::mcu::ParseConfig(text, "fuzz.toml");
  if (!result) {
    for (const auto& e : result.error()) {
      // Formatting must work for every error the parser can produce.
      if (e.ToString().empty()) __builtin_trap();
    }
  }
  return 0;
}

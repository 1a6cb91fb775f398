#pragma once
// Shared by the config parser tests: parse text expected to fail and list its errors.

#include <string>
#include <string_view>
#include <vector>

#include "tessera/mcu/config.h"

namespace tessera::mcu {

// Parses `text` expecting failure; returns the errors as "file:line:col: key '...': message".
inline std::vector<std::string> Errors(std::string_view text) {
  auto r = ParseConfig(text, "t.toml");
  std::vector<std::string> out;
  if (r) return out;
  for (const auto& e : r.error())
    out.push_back(e.ToString());
  return out;
}

}  // namespace tessera::mcu

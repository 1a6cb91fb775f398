// Invariants of the TOML ASCII rewrite (mcu/src/config/toml_ascii.h): the output is pure
// ASCII with the same number of lines; ASCII input comes back unchanged; every column maps
// back inside the original line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/toml_ascii.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tessera::mcu::config_internal::AsciiToml;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = AsciiToml::From(in);
  bool input_ascii = true;
  for (char c : in)
    input_ascii &= static_cast<unsigned char>(c) < 0x80;
  if (!r) {
    if (input_ascii) __builtin_trap();  // ASCII is never rejected by the rewrite
    if (r.error().line < 1 || r.error().column < 1) __builtin_trap();
    return 0;
  }
  const std::string& out = r->text();
  size_t in_lines = 0, out_lines = 0;
  for (char c : in)
    in_lines += c == '\n';
  for (char c : out) {
    if (static_cast<unsigned char>(c) >= 0x80) __builtin_trap();
    out_lines += c == '\n';
  }
  if (in_lines != out_lines) __builtin_trap();
  if (input_ascii && out != in) __builtin_trap();
  int line = 1, column = 1;
  for (char c : out) {
    const int original = r->OriginalColumn(line, column);
    if (original < 1 || original > column) __builtin_trap();
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return 0;
}

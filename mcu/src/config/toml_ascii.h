#pragma once
// Rewrites TOML text so that toml++ sees only ASCII, with the same meaning.
//
// Why: toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable() in its Unicode whitespace
// classifier for many non-ASCII code points, on more paths than a tokenizer can predict
// (marzer/tomlplusplus#190, #295; found by tests/fuzz/config_fuzzer). The classifier is
// only ever called on non-ASCII input, so giving toml++ pure ASCII removes the bug whole.
//
// How, preserving meaning:
//   - in "basic" and """multi-line basic""" strings, each non-ASCII character becomes a
//     \uXXXX or \UXXXXXXXX escape;
//   - 'literal' and '''multi-line literal''' strings that hold non-ASCII become the
//     equivalent basic strings (backslashes and double quotes escaped);
//   - in comments, each non-ASCII character becomes '?';
//   - anywhere else non-ASCII is not valid TOML: an error with the original position.
// Invalid UTF-8 is an error too. Lines are kept; columns in toml++'s positions are mapped
// back to the original text with OriginalColumn().

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"

namespace tessera::mcu::config_internal {

struct TomlTextError {
  int line = 0;
  int column = 0;  // in characters (code points), 1-based
  std::string message;
};

class AsciiToml {
 public:
  static Result<AsciiToml, TomlTextError> From(std::string_view text);

  const std::string& text() const { return text_; }
  // Maps a 1-based column of text() on `line` to the column (in characters) of the original.
  int OriginalColumn(int line, int column) const;

 private:
  // `length` ASCII characters at transformed column `column` stand for one original character
  // at `original_column`.
  struct Replacement {
    int column;
    int length;
    int original_column;
  };
  std::string text_;
  std::vector<std::vector<Replacement>> lines_;  // index = line - 1; only lines with replacements
  friend class AsciiTomlBuilder;
};

}  // namespace tessera::mcu::config_internal

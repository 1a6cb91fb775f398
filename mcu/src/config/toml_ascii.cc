#include "config/toml_ascii.h"

#include <fmt/format.h>

namespace tessera::mcu::config_internal {
namespace {

// Decodes one UTF-8 sequence at the start of `s` (strict: no overlongs, no surrogates,
// nothing above U+10FFFF). Returns {code point, length} or nullopt.
struct Decoded {
  char32_t code_point;
  size_t length;
};
std::optional<Decoded> DecodeUtf8(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return Decoded{c, 1};
  if (c >= 0xC2 && c <= 0xDF && cont(1)) return Decoded{char32_t((c & 0x1F) << 6 | (b(1) & 0x3F)), 2};
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    const char32_t cp = (c & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    return Decoded{cp, 3};
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    const char32_t cp = (c & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
    if (cp < 0x10000 || cp > 0x10FFFF) return std::nullopt;
    return Decoded{cp, 4};
  }
  return std::nullopt;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

class AsciiTomlBuilder {
 public:
  explicit AsciiTomlBuilder(std::string_view in) : in_(in) { out_.text_.reserve(in.size()); }

  Result<AsciiToml, TomlTextError> Run() {
    while (pos_ < in_.size()) {
      std::optional<TomlTextError> error;
      switch (state_) {
        case State::kNormal:
          error = Normal();
          break;
        case State::kComment:
          error = Comment();
          break;
        case State::kBasic:
          error = Basic(/*multi=*/false);
          break;
        case State::kMultiBasic:
          error = Basic(/*multi=*/true);
          break;
        case State::kLiteral:
          CopyLiteral(/*multi=*/false);
          break;
        case State::kMultiLiteral:
          CopyLiteral(/*multi=*/true);
          break;
        case State::kLiteralAsBasic:
          error = LiteralAsBasic(/*multi=*/false);
          break;
        case State::kMultiLiteralAsBasic:
          error = LiteralAsBasic(/*multi=*/true);
          break;
      }
      if (error) return MakeUnexpected(std::move(*error));
    }
    return std::move(out_);
  }

 private:
  enum class State {
    kNormal,
    kComment,
    kBasic,
    kMultiBasic,
    kLiteral,
    kMultiLiteral,
    kLiteralAsBasic,
    kMultiLiteralAsBasic
  };

  bool At(std::string_view s) const { return in_.substr(pos_, s.size()) == s; }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < in_.size() ? in_[pos_ + ahead] : '\0'; }

  TomlTextError ErrorHere(std::string message) const { return {line_, column_, std::move(message)}; }

  // Copies one ASCII character; newlines end single-line strings and comments.
  void CopyAscii() {
    const char c = in_[pos_++];
    out_.text_ += c;
    if (c == '\n') {
      ++line_;
      column_ = 1;
      out_column_ = 1;
      if (state_ == State::kComment || state_ == State::kBasic || state_ == State::kLiteral ||
          state_ == State::kLiteralAsBasic) {
        state_ = State::kNormal;  // an unterminated single-line string is toml++'s error to report
      }
    } else {
      ++column_;
      ++out_column_;
    }
  }

  // Emits `ascii` in place of the `consumed` input bytes that form one original character.
  void Replace(std::string_view ascii, size_t consumed) {
    if (out_.lines_.size() < static_cast<size_t>(line_)) out_.lines_.resize(line_);
    out_.lines_[line_ - 1].push_back({out_column_, static_cast<int>(ascii.size()), column_});
    out_.text_ += ascii;
    out_column_ += static_cast<int>(ascii.size());
    ++column_;
    pos_ += consumed;
  }

  // The non-ASCII character at pos_, decoded; error if it is not valid UTF-8.
  Result<Decoded, TomlTextError> NonAscii() const {
    auto d = DecodeUtf8(in_.substr(pos_));
    if (!d) return MakeUnexpected(ErrorHere("invalid UTF-8"));
    return *d;
  }

  std::optional<TomlTextError> Normal() {
    const unsigned char c = static_cast<unsigned char>(Peek());
    if (c >= 0x80) {
      if (!DecodeUtf8(in_.substr(pos_))) return ErrorHere("invalid UTF-8");
      return ErrorHere("non-ASCII character outside a string or comment");
    }
    if (c == '#') {
      state_ = State::kComment;
    } else if (At("\"\"\"")) {
      Emit3('"', State::kMultiBasic);
      return std::nullopt;
    } else if (c == '"') {
      state_ = State::kBasic;
    } else if (At("'''")) {
      const size_t end = in_.find("'''", pos_ + 3);
      const bool convert =
          !IsAscii(in_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_));
      if (convert) {
        for (int i = 0; i < 3; ++i)
          ReplaceSame('"');
        state_ = State::kMultiLiteralAsBasic;
      } else {
        Emit3('\'', State::kMultiLiteral);
      }
      return std::nullopt;
    } else if (c == '\'') {
      const size_t end = in_.find_first_of("'\n", pos_ + 1);
      const bool convert =
          !IsAscii(in_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_));
      if (convert) {
        ReplaceSame('"');
        state_ = State::kLiteralAsBasic;
        return std::nullopt;
      }
      state_ = State::kLiteral;
    }
    CopyAscii();
    return std::nullopt;
  }

  // Opening or closing triple quotes: three characters, copied as they are.
  void Emit3(char quote, State next) {
    for (int i = 0; i < 3; ++i) {
      out_.text_ += quote;
      ++pos_;
      ++column_;
      ++out_column_;
    }
    state_ = next;
  }
  // One ASCII character replaced by another (a quote style change): no column shift.
  void ReplaceSame(char c) {
    out_.text_ += c;
    ++pos_;
    ++column_;
    ++out_column_;
  }

  std::optional<TomlTextError> Comment() {
    if (static_cast<unsigned char>(Peek()) < 0x80) {
      CopyAscii();
      return std::nullopt;
    }
    auto d = NonAscii();
    if (!d) return d.error();
    // One '?' per character keeps columns; nothing after a comment on its line matters.
    out_.text_ += '?';
    pos_ += d->length;
    ++column_;
    ++out_column_;
    return std::nullopt;
  }

  std::optional<TomlTextError> EscapeNonAscii() {
    auto d = NonAscii();
    if (!d) return d.error();
    const std::string escape = d->code_point <= 0xFFFF ? fmt::format("\\u{:04X}", static_cast<uint32_t>(d->code_point))
                                                       : fmt::format("\\U{:08X}", static_cast<uint32_t>(d->code_point));
    Replace(escape, d->length);
    return std::nullopt;
  }

  std::optional<TomlTextError> Basic(bool multi) {
    const char c = Peek();
    if (static_cast<unsigned char>(c) >= 0x80) return EscapeNonAscii();
    if (c == '\\') {
      if (static_cast<unsigned char>(Peek(1)) >= 0x80) {
        CopyAscii();
        return ErrorHere("invalid escape sequence in a string");
      }
      CopyAscii();
      if (pos_ < in_.size()) CopyAscii();  // the escaped character (or the newline of a line-ending backslash)
      return std::nullopt;
    }
    if (multi && At("\"\"\"")) {
      Emit3('"', State::kNormal);
      while (Peek() == '"')
        CopyAscii();  // up to two quotes may end the content (toml++ checks)
      return std::nullopt;
    }
    if (!multi && c == '"') {
      CopyAscii();
      state_ = State::kNormal;
      return std::nullopt;
    }
    CopyAscii();
    return std::nullopt;
  }

  void CopyLiteral(bool multi) {
    if (multi && At("'''")) {
      Emit3('\'', State::kNormal);
      while (Peek() == '\'')
        CopyAscii();
      return;
    }
    if (!multi && Peek() == '\'') {
      CopyAscii();
      state_ = State::kNormal;
      return;
    }
    CopyAscii();
  }

  std::optional<TomlTextError> LiteralAsBasic(bool multi) {
    const char c = Peek();
    if (static_cast<unsigned char>(c) >= 0x80) return EscapeNonAscii();
    if (multi && At("'''")) {
      // '''' or ''''' : the quotes before the closing three belong to the content.
      size_t run = 3;
      while (run < 5 && Peek(run) == '\'')
        ++run;
      for (size_t i = 3; i < run; ++i)
        ReplaceSame('\'');
      for (int i = 0; i < 3; ++i)
        ReplaceSame('"');
      state_ = State::kNormal;
      return std::nullopt;
    }
    if (!multi && c == '\'') {
      ReplaceSame('"');
      state_ = State::kNormal;
      return std::nullopt;
    }
    if (c == '\\') {
      Replace("\\\\", 1);
      return std::nullopt;
    }
    if (c == '"') {
      Replace("\\\"", 1);
      return std::nullopt;
    }
    CopyAscii();
    return std::nullopt;
  }

  std::string_view in_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;      // original, in characters
  int out_column_ = 1;  // transformed, in bytes (= characters: it is ASCII)
  State state_ = State::kNormal;
  AsciiToml out_;
};

Result<AsciiToml, TomlTextError> AsciiToml::From(std::string_view text) {
  return AsciiTomlBuilder(text).Run();
}

int AsciiToml::OriginalColumn(int line, int column) const {
  if (line < 1 || static_cast<size_t>(line) > lines_.size()) return column;
  int shift = 0;
  for (const Replacement& r : lines_[line - 1]) {
    if (column < r.column) break;
    if (column < r.column + r.length) return r.original_column;
    shift += r.length - 1;
  }
  return column - shift;
}

}  // namespace tessera::mcu::config_internal

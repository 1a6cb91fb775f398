#pragma once
// Character classes and small scanners of the RFC 3261 §25 grammar, shared by the URI,
// header and message parsers. Everything works on string_view and never reads past its end.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/signaling/sip/uri.h"

namespace tessera::signaling::sip::grammar {

inline bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool IsAlnum(char c) {
  return IsAlpha(c) || IsDigit(c);
}
inline bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool IsWs(char c) {
  return c == ' ' || c == '\t';
}
// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
bool IsTokenChar(char c);
// word chars (Call-ID): token chars plus ( ) < > : \ " / [ ] ? { }
bool IsWordChar(char c);
// unreserved = alphanum / mark; mark = - _ . ! ~ * ' ( )
bool IsUnreserved(char c);

bool IsToken(std::string_view s);

inline char ToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string Lower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view Trim(std::string_view s);

// A cursor over a header value with the SWS/LWS rules of §25.1 (folding is already undone
// by the message parser, so LWS here is just SP/HTAB).
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  size_t pos() const { return pos_; }
  std::string_view rest() const { return s_.substr(pos_); }
  std::string_view Slice(size_t from, size_t to) const { return s_.substr(from, to - from); }
  void Advance(size_t n = 1) { pos_ = n > s_.size() - pos_ ? s_.size() : pos_ + n; }
  void SkipWs() {
    while (!done() && IsWs(s_[pos_]))
      ++pos_;
  }
  // Consumes `c` (after optional whitespace, and whitespace after it) if present.
  bool Separator(char c) {
    const size_t save = pos_;
    SkipWs();
    if (peek() == c) {
      ++pos_;
      SkipWs();
      return true;
    }
    pos_ = save;
    return false;
  }
  bool Consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  std::string_view Token() {
    const size_t start = pos_;
    while (!done() && IsTokenChar(s_[pos_]))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }
  // Reads while `pred` holds.
  template <typename Pred>
  std::string_view While(Pred pred) {
    const size_t start = pos_;
    while (!done() && pred(s_[pos_]))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }
  // A quoted-string starting at the current '"'; returns its content between the quotes
  // with quoted-pairs left as written, or nullopt if it is unterminated or contains CR/LF.
  std::optional<std::string_view> QuotedString();

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Parses ";name[=value]" parameters until the end of `sc` or a character that cannot start
// one. Values are token, host (IPv6 allowed, with or without brackets) or quoted-string.
// Returns an error message for an empty or malformed parameter.
std::optional<std::string> ParseParams(Scanner& sc, ParamList& out);

// Splits a header value at top-level commas (outside quoted strings and <...>).
// Returns false if a quote or angle bracket is unbalanced.
bool SplitList(std::string_view value, std::vector<std::string_view>& out);

// Decimal digits into uint64 with overflow detection; nullopt on non-digits or overflow.
std::optional<uint64_t> ParseUint(std::string_view digits, uint64_t max);

}  // namespace tessera::signaling::sip::grammar

#include "sip/grammar.h"

#include <array>

namespace tessera::signaling::sip::grammar {
namespace {

constexpr std::array<bool, 256> MakeTable(std::string_view extra, bool alnum) {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    t[c] = alnum && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'));
  }
  for (char c : extra)
    t[static_cast<unsigned char>(c)] = true;
  return t;
}

constexpr auto kToken = MakeTable("-.!%*_+`'~", true);
constexpr auto kWord = MakeTable("-.!%*_+`'~()<>:\\\"/[]?{}", true);
constexpr auto kUnreserved = MakeTable("-_.!~*'()", true);

}  // namespace

bool IsTokenChar(char c) {
  return kToken[static_cast<unsigned char>(c)];
}
bool IsWordChar(char c) {
  return kWord[static_cast<unsigned char>(c)];
}
bool IsUnreserved(char c) {
  return kUnreserved[static_cast<unsigned char>(c)];
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = ToLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsWs(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && IsWs(s.back()))
    s.remove_suffix(1);
  return s;
}

std::optional<std::string_view> Scanner::QuotedString() {
  if (peek() != '"') return std::nullopt;
  const size_t start = ++pos_;
  while (pos_ < s_.size()) {
    const char c = s_[pos_];
    if (c == '"') {
      const std::string_view content = s_.substr(start, pos_ - start);
      ++pos_;
      return content;
    }
    if (c == '\r' || c == '\n') return std::nullopt;
    if (c == '\\') {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      if (pos_ + 1 >= s_.size()) return std::nullopt;
      const unsigned char next = static_cast<unsigned char>(s_[pos_ + 1]);
      if (next == '\r' || next == '\n' || next > 0x7f) return std::nullopt;
      pos_ += 2;
      continue;
    }
    ++pos_;
  }
  return std::nullopt;
}

namespace {

bool IsParamValueChar(char c) {
  // token chars plus what a host may contain: ':' and brackets for IPv6.
  return IsTokenChar(c) || c == ':' || c == '[' || c == ']';
}

}  // namespace

std::optional<std::string> ParseParams(Scanner& sc, ParamList& out) {
  while (sc.Separator(';')) {
    const std::string_view name = sc.Token();
    if (name.empty()) return std::string("empty parameter");
    Param p{std::string(name), std::nullopt};
    if (sc.Separator('=')) {
      if (sc.peek() == '"') {
        const size_t start = sc.pos();
        if (!sc.QuotedString()) return "unterminated quoted string in parameter '" + p.name + "'";
        // Keep the quotes: the value is written back exactly as received.
        p.value = std::string(sc.Slice(start, sc.pos()));
      } else {
        const std::string_view v = sc.While(IsParamValueChar);
        if (v.empty()) return "parameter '" + p.name + "' has an empty value";
        p.value = std::string(v);
      }
    }
    out.Add(std::move(p));
  }
  return std::nullopt;
}

bool SplitList(std::string_view value, std::vector<std::string_view>& out) {
  size_t start = 0;
  bool in_quotes = false;
  bool in_angle = false;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (in_quotes) {
      if (c == '\\' && i + 1 < value.size()) {
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      if (in_angle) return false;
      in_angle = true;
    } else if (c == '>') {
      if (!in_angle) return false;
      in_angle = false;
    } else if (c == ',' && !in_angle) {
      out.push_back(Trim(value.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (in_quotes || in_angle) return false;
  out.push_back(Trim(value.substr(start)));
  return true;
}

std::optional<uint64_t> ParseUint(std::string_view digits, uint64_t max) {
  if (digits.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

}  // namespace tessera::signaling::sip::grammar

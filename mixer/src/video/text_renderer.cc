// UTF-8 decoding and initials (no FreeType here; see freetype_text_renderer.cc).
#include "tessera/mixer/video/text_renderer.h"

namespace tessera::mixer {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000;
}

}  // namespace

std::vector<char32_t> DecodeUtf8(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    int extra;
    char32_t c;
    char32_t min;
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      extra = 1, c = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2, c = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3, c = b & 0x07, min = 0x10000;
    } else {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    size_t j = 1;
    for (; j <= static_cast<size_t>(extra); ++j) {
      if (i + j >= s.size() || (static_cast<uint8_t>(s[i + j]) & 0xC0) != 0x80) break;
      c = (c << 6) | (static_cast<uint8_t>(s[i + j]) & 0x3F);
    }
    if (j <= static_cast<size_t>(extra)) {  // truncated: replace what was consumed
      out.push_back(kReplacement);
      i += j;
      continue;
    }
    out.push_back(c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? kReplacement : c);
    i += j;
  }
  return out;
}

std::string Initials(std::string_view utf8_name) {
  const std::vector<char32_t> text = DecodeUtf8(utf8_name);
  char32_t first = 0, last = 0;
  bool in_word = false;
  for (char32_t c : text) {
    if (IsSpace(c)) {
      in_word = false;
      continue;
    }
    if (!in_word) {
      if (first == 0) {
        first = c;
      } else {
        last = c;
      }
      in_word = true;
    }
  }
  std::string out;
  for (char32_t c : {first, last}) {
    if (c == 0) continue;
    if (c >= 'a' && c <= 'z') c = c - 'a' + 'A';
    AppendUtf8(c, out);
  }
  return out;
}

}  // namespace tessera::mixer

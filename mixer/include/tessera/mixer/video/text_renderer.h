#pragma once
// Text rendering for labels and placeholder initials: a line of UTF-8 to an 8-bit coverage
// bitmap, rendered once per change (a name, a tile size) and blended per frame by the
// compositor. FreeType (Debian's libfreetype-dev) does the glyphs; the font is a file, by
// default DejaVu Sans Bold from fonts-dejavu-core.
//
// Thread safety: a renderer (its FreeType library and face) belongs to one thread at a
// time: the conference strand that builds scenes. Never on the per-frame path.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"

namespace tessera::mixer {

inline constexpr const char* kDefaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

// Coverage of each pixel, 0 (transparent) to 255 (ink); rows of `width` bytes.
struct AlphaBitmap {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

class TextRenderer {
 public:
  virtual ~TextRenderer() = default;

  // One line of `utf8` with an em height of `pixel_size` pixels. The bitmap is as wide as
  // the text advances and as high as the font's ascent plus descent, baseline included, so
  // lines of different text line up. Text wider than `max_width` is cut at a character and
  // ends with an ellipsis (…); invalid UTF-8 shows as U+FFFD. An empty string or a size
  // below 4 pixels gives an empty bitmap. Any thread: one renderer serves every room.
  virtual AlphaBitmap Render(std::string_view utf8, int pixel_size, int max_width) = 0;
};

// A FreeType renderer for the font file at `font_path`; the error names the file and what
// FreeType said.
Result<std::unique_ptr<TextRenderer>, std::string> CreateFreeTypeTextRenderer(const std::string& font_path);

// Decodes UTF-8 into code points, each invalid or truncated sequence (and any overlong
// form, surrogate or value past U+10FFFF) becoming one U+FFFD.
std::vector<char32_t> DecodeUtf8(std::string_view utf8);

// Up to two initials for a placeholder: the first character of the first and of the last
// word ("Ada Lovelace" -> "AL", "Grace" -> "G", "  " -> ""), ASCII letters upper-cased.
std::string Initials(std::string_view utf8_name);

}  // namespace tessera::mixer

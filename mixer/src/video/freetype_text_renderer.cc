// TextRenderer on FreeType: one FT_Library and one FT_Face per renderer.
#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <mutex>

#include "tessera/mixer/video/text_renderer.h"

namespace tessera::mixer {
namespace {

constexpr char32_t kEllipsis = 0x2026;

class FreeTypeTextRenderer final : public TextRenderer {
 public:
  FreeTypeTextRenderer(FT_Library library, FT_Face face) : library_(library), face_(face) {}
  ~FreeTypeTextRenderer() override {
    FT_Done_Face(face_);
    FT_Done_FreeType(library_);
  }
  FreeTypeTextRenderer(const FreeTypeTextRenderer&) = delete;
  FreeTypeTextRenderer& operator=(const FreeTypeTextRenderer&) = delete;

  AlphaBitmap Render(std::string_view utf8, int pixel_size, int max_width) override {
    // One FT_Face must not be used by two threads at once, and the rooms of a server share
    // this renderer from their own strands. Labels are rendered when a scene changes, never
    // per frame, so the lock is not on the media path's per-frame work.
    std::lock_guard lock(mutex_);
    AlphaBitmap out;
    if (pixel_size < 4 || max_width <= 0 || FT_Set_Pixel_Sizes(face_, 0, static_cast<FT_UInt>(pixel_size)) != 0) {
      return out;
    }
    std::vector<char32_t> text = DecodeUtf8(utf8);
    if (text.empty()) return out;
    // Cut at a character and add an ellipsis until it fits.
    if (Advance(text) > max_width) {
      const int ellipsis = Advance({kEllipsis});
      while (!text.empty() && Advance(text) + ellipsis > max_width)
        text.pop_back();
      while (!text.empty() && text.back() == ' ')
        text.pop_back();
      if (text.empty() && ellipsis > max_width) return out;
      text.push_back(kEllipsis);
    }
    const int ascent = static_cast<int>((face_->size->metrics.ascender + 63) >> 6);
    const int descent = static_cast<int>((-face_->size->metrics.descender + 63) >> 6);
    out.width = std::min(std::max(1, Advance(text)), max_width);
    out.height = ascent + descent;
    out.pixels.assign(static_cast<size_t>(out.width) * out.height, 0);
    Draw(text, ascent, out);
    return out;
  }

 private:
  // Width in pixels of the text: advances plus kerning, in 26.6 fixed point.
  int Advance(const std::vector<char32_t>& text) {
    FT_Pos pen = 0;
    FT_UInt previous = 0;
    for (char32_t c : text) {
      const FT_UInt glyph = FT_Get_Char_Index(face_, c);
      if (previous != 0 && glyph != 0 && FT_HAS_KERNING(face_)) {
        FT_Vector k;
        if (FT_Get_Kerning(face_, previous, glyph, FT_KERNING_DEFAULT, &k) == 0) pen += k.x;
      }
      if (FT_Load_Glyph(face_, glyph, FT_LOAD_DEFAULT) == 0) pen += face_->glyph->advance.x;
      previous = glyph;
    }
    return static_cast<int>((pen + 63) >> 6);
  }

  void Draw(const std::vector<char32_t>& text, int baseline, AlphaBitmap& out) {
    FT_Pos pen = 0;
    FT_UInt previous = 0;
    for (char32_t c : text) {
      const FT_UInt glyph = FT_Get_Char_Index(face_, c);
      if (previous != 0 && glyph != 0 && FT_HAS_KERNING(face_)) {
        FT_Vector k;
        if (FT_Get_Kerning(face_, previous, glyph, FT_KERNING_DEFAULT, &k) == 0) pen += k.x;
      }
      previous = glyph;
      if (FT_Load_Glyph(face_, glyph, FT_LOAD_RENDER) != 0) continue;
      const FT_GlyphSlot slot = face_->glyph;
      const FT_Bitmap& bitmap = slot->bitmap;
      const int x0 = static_cast<int>(pen >> 6) + slot->bitmap_left;
      const int y0 = baseline - slot->bitmap_top;
      if (bitmap.pixel_mode == FT_PIXEL_MODE_GRAY) {
        for (unsigned row = 0; row < bitmap.rows; ++row) {
          const int y = y0 + static_cast<int>(row);
          if (y < 0 || y >= out.height) continue;
          for (unsigned col = 0; col < bitmap.width; ++col) {
            const int x = x0 + static_cast<int>(col);
            if (x < 0 || x >= out.width) continue;
            uint8_t& dst = out.pixels[static_cast<size_t>(y) * out.width + x];
            dst = std::max(dst, bitmap.buffer[static_cast<ptrdiff_t>(row) * bitmap.pitch + col]);
          }
        }
      }
      pen += slot->advance.x;
    }
  }

  std::mutex mutex_;
  FT_Library library_;
  FT_Face face_;
};

}  // namespace

Result<std::unique_ptr<TextRenderer>, std::string> CreateFreeTypeTextRenderer(const std::string& font_path) {
  FT_Library library = nullptr;
  if (FT_Error e = FT_Init_FreeType(&library); e != 0) {
    return MakeUnexpected("FreeType failed to start (error " + std::to_string(e) + ")");
  }
  FT_Face face = nullptr;
  if (FT_Error e = FT_New_Face(library, font_path.c_str(), 0, &face); e != 0) {
    FT_Done_FreeType(library);
    return MakeUnexpected("cannot load font '" + font_path + "' (FreeType error " + std::to_string(e) + ")");
  }
  if (!FT_IS_SCALABLE(face)) {
    FT_Done_Face(face);
    FT_Done_FreeType(library);
    return MakeUnexpected("font '" + font_path + "' is not scalable");
  }
  return std::unique_ptr<TextRenderer>(std::make_unique<FreeTypeTextRenderer>(library, face));
}

}  // namespace tessera::mixer

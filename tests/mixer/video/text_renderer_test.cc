// Text rendering with FreeType and the real DejaVu font (fonts-dejavu-core), UTF-8
// decoding and initials.
#include "tessera/mixer/video/text_renderer.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tessera::mixer {
namespace {

int Ink(const AlphaBitmap& b) {
  return static_cast<int>(std::count_if(b.pixels.begin(), b.pixels.end(), [](uint8_t v) { return v > 128; }));
}

class FreeTypeText : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = CreateFreeTypeTextRenderer(kDefaultFontPath);
    ASSERT_TRUE(r.has_value()) << r.error();
    renderer_ = std::move(*r);
  }
  std::unique_ptr<TextRenderer> renderer_;
};

TEST_F(FreeTypeText, RendersInkOnALineAsHighAsTheFont) {
  const AlphaBitmap hi = renderer_->Render("Hi", 32, 1000);
  EXPECT_GT(hi.width, 20);
  EXPECT_GE(hi.height, 32);
  EXPECT_LE(hi.height, 48);
  EXPECT_GT(Ink(hi), 100);
  // Same height for text with and without descenders, so labels line up.
  EXPECT_EQ(renderer_->Render("gy", 32, 1000).height, hi.height);
  EXPECT_GT(renderer_->Render("Hi there", 32, 1000).width, hi.width);
}

TEST_F(FreeTypeText, LongTextIsCutWithAnEllipsisToFit) {
  const AlphaBitmap full = renderer_->Render("Margaret Hamilton, Apollo Guidance Computer", 20, 10000);
  const AlphaBitmap cut = renderer_->Render("Margaret Hamilton, Apollo Guidance Computer", 20, 150);
  EXPECT_GT(full.width, 150);
  EXPECT_LE(cut.width, 150);
  EXPECT_GT(cut.width, 100);
  EXPECT_GT(Ink(cut), 50);
}

TEST_F(FreeTypeText, NonLatinAndInvalidUtf8RenderWithoutFailing) {
  EXPECT_GT(Ink(renderer_->Render("Édith Ωmega Ж", 24, 1000)), 50);
  EXPECT_GT(renderer_->Render("bad \xff\xfe bytes", 24, 1000).width, 0);
  EXPECT_EQ(renderer_->Render("", 24, 1000).width, 0);
  EXPECT_EQ(renderer_->Render("tiny", 2, 1000).width, 0);
}

TEST(FreeTypeTextErrors, AMissingFontNamesTheFile) {
  auto r = CreateFreeTypeTextRenderer("/nonexistent/font.ttf");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("/nonexistent/font.ttf"), std::string::npos);
}

TEST(Utf8, DecodesValidTextAndReplacesEachBadSequenceOnce) {
  EXPECT_EQ(DecodeUtf8("aé€😀"), (std::vector<char32_t>{'a', 0xE9, 0x20AC, 0x1F600}));
  EXPECT_EQ(DecodeUtf8("\xff"), (std::vector<char32_t>{0xFFFD}));
  EXPECT_EQ(DecodeUtf8("\xe2\x82"), (std::vector<char32_t>{0xFFFD}));            // truncated
  EXPECT_EQ(DecodeUtf8("\xc0\xaf"), (std::vector<char32_t>{0xFFFD}));            // overlong '/'
  EXPECT_EQ(DecodeUtf8("\xed\xa0\x80x"), (std::vector<char32_t>{0xFFFD, 'x'}));  // surrogate
  EXPECT_EQ(DecodeUtf8("\xf4\x90\x80\x80"), (std::vector<char32_t>{0xFFFD}));    // past U+10FFFF
  EXPECT_EQ(DecodeUtf8("\xe2x"), (std::vector<char32_t>{0xFFFD, 'x'}));
}

TEST(Initials, FirstLettersOfFirstAndLastWord) {
  EXPECT_EQ(Initials("Ada Lovelace"), "AL");
  EXPECT_EQ(Initials("grace brewster murray hopper"), "GH");
  EXPECT_EQ(Initials("Linus"), "L");
  EXPECT_EQ(Initials("  "), "");
  EXPECT_EQ(Initials(""), "");
  EXPECT_EQ(Initials("Édith Piaf"), "ÉP");
  EXPECT_EQ(Initials("  Room 4  "), "R4");
}

}  // namespace
}  // namespace tessera::mixer

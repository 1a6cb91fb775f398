#include "config/toml_ascii.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tessera::mcu::config_internal {
namespace {

std::string Ascii(std::string_view in) {
  auto r = AsciiToml::From(in);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? r->text() : "";
}

TEST(AsciiToml, AsciiInputIsUnchanged) {
  const std::string in = "a = 'x\\\\y' # c\n[t]\nb = \"\"\"q\n\"\"\"\n";
  EXPECT_EQ(Ascii(in), in);
}

TEST(AsciiToml, BasicStringsGetUnicodeEscapes) {
  EXPECT_EQ(Ascii("a = \"é😀\"\n"), "a = \"\\u00E9\\U0001F600\"\n");
}

TEST(AsciiToml, LiteralStringsWithNonAsciiBecomeBasicStrings) {
  EXPECT_EQ(Ascii("a = 'é\\\"'\n"), "a = \"\\u00E9\\\\\\\"\"\n");
  EXPECT_EQ(Ascii("a = '''é'''''\n"), "a = \"\"\"\\u00E9''\"\"\"\n");
  EXPECT_EQ(Ascii("a = 'plain'\n"), "a = 'plain'\n");
}

TEST(AsciiToml, CommentsAreMaskedCharacterForCharacter) {
  EXPECT_EQ(Ascii("a = 1 # é😀x\n"), "a = 1 # ??x\n");
}

TEST(AsciiToml, NonAsciiElsewhereAndBadUtf8AreErrorsAtTheOriginalPosition) {
  auto outside = AsciiToml::From("a = 1\nbé = 2\n");
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().line, 2);
  EXPECT_EQ(outside.error().column, 2);
  for (const char* bad : {"a = \"\xc0\xaf\"", "a = \"\xed\xa0\x80\"", "a = \"\xf4\x90\x80\x80\"", "a = \"\xe2\x82\""}) {
    auto r = AsciiToml::From(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message, "invalid UTF-8");
  }
  auto escape = AsciiToml::From("a = \"\\é\"");
  ASSERT_FALSE(escape);
  EXPECT_EQ(escape.error().message, "invalid escape sequence in a string");
}

TEST(AsciiToml, ColumnsMapBackToCharactersOfTheOriginal) {
  auto r = AsciiToml::From("x = \"éé\" y\n");
  ASSERT_TRUE(r);
  // Transformed: x = "\u00E9\u00E9" y  -> 'y' at column 20; in the original it is column 10.
  EXPECT_EQ(r->text(), "x = \"\\u00E9\\u00E9\" y\n");
  EXPECT_EQ(r->OriginalColumn(1, 20), 10);
  EXPECT_EQ(r->OriginalColumn(1, 8), 6);  // inside the first escape -> the first é
  EXPECT_EQ(r->OriginalColumn(1, 3), 3);
  EXPECT_EQ(r->OriginalColumn(2, 7), 7);  // a line without rewrites
}

}  // namespace
}  // namespace tessera::mcu::config_internal

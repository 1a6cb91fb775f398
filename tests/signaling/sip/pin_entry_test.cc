#include "tessera/signaling/sip/pin_entry.h"

#include <gtest/gtest.h>

namespace tessera::signaling::sip {
namespace {

std::optional<std::string> Key(PinEntry& p, std::string_view digits) {
  std::optional<std::string> last;
  for (char d : digits) {
    auto entry = p.OnDigit(d);
    if (entry) last = entry;
  }
  return last;
}

TEST(PinEntry, HashEndsAnEntryAndStarStartsItAgain) {
  PinEntry p;
  EXPECT_EQ(Key(p, "12"), std::nullopt);
  EXPECT_EQ(Key(p, "*34#"), "34");
  EXPECT_FALSE(p.has_digits());
  EXPECT_EQ(Key(p, "#"), std::nullopt);  // an empty entry is not a try
  EXPECT_EQ(Key(p, "5A6#"), "56");       // A-D are ignored
}

TEST(PinEntry, AnEntryEndsAtTwelveDigitsOrOnTimeout) {
  PinEntry p;
  EXPECT_EQ(Key(p, "123456789012"), "123456789012");
  EXPECT_EQ(Key(p, "98"), std::nullopt);
  EXPECT_EQ(p.OnTimeout(), "98");
  EXPECT_EQ(p.OnTimeout(), std::nullopt);
}

TEST(PinEntry, ThirdWrongEntryAllowsNoMore) {
  PinEntry p(3);
  EXPECT_TRUE(p.OnWrong());
  EXPECT_TRUE(p.OnWrong());
  EXPECT_FALSE(p.OnWrong());
  EXPECT_EQ(p.wrong_attempts(), 3);
}

}  // namespace
}  // namespace tessera::signaling::sip

#include "tessera/base/log.h"

#include <gtest/gtest.h>

#include <thread>

namespace tessera::log {
namespace {

TEST(LogLevel, ParsesEveryNameItPrints) {
  for (Level l : {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError, Level::kOff}) {
    EXPECT_EQ(ParseLevel(LevelName(l)), l);
  }
  EXPECT_EQ(ParseLevel("loud"), std::nullopt);
}

TEST(LogTags, ListParsesToBits) {
  EXPECT_EQ(ParseTagList("rtp"), static_cast<uint32_t>(Tag::kRtp));
  EXPECT_EQ(ParseTagList(" rtp , sip "), static_cast<uint32_t>(Tag::kRtp) | static_cast<uint32_t>(Tag::kSip));
  EXPECT_EQ(ParseTagList("all"), kAllTags);
  EXPECT_EQ(ParseTagList(""), 0u);
}

TEST(LogTags, UnknownTagIsNamed) {
  std::string bad;
  EXPECT_EQ(ParseTagList("rtp,bogus", &bad), std::nullopt);
  EXPECT_EQ(bad, "bogus");
}

TEST(LogTags, DebugOutputFollowsTagsAndLevel) {
  constexpr Component rtp{"test.rtp", Tag::kRtp};
  constexpr Component untagged{"test"};
  SetLevel(Level::kDebug);
  SetDebugTags(static_cast<uint32_t>(Tag::kSip));
  EXPECT_FALSE(DebugEnabled(rtp));
  EXPECT_TRUE(DebugEnabled(untagged));
  SetDebugTags(static_cast<uint32_t>(Tag::kRtp));
  EXPECT_TRUE(DebugEnabled(rtp));
  SetLevel(Level::kInfo);
  EXPECT_FALSE(DebugEnabled(rtp));
  EXPECT_FALSE(DebugEnabled(untagged));
  SetDebugTags(kAllTags);
}

TEST(RateLimit, LetsOneThroughPerIntervalAndCountsTheRest) {
  RateLimit limit(std::chrono::milliseconds(50));
  EXPECT_TRUE(limit.Allow());
  EXPECT_EQ(limit.suppressed(), 0u);
  EXPECT_FALSE(limit.Allow());
  EXPECT_FALSE(limit.Allow());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));  // the interval itself is under test
  EXPECT_TRUE(limit.Allow());
  EXPECT_EQ(limit.suppressed(), 2u);
}

}  // namespace
}  // namespace tessera::log

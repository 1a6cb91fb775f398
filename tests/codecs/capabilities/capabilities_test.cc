#include "tessera/codecs/capabilities.h"

#include <gtest/gtest.h>

namespace tessera::codecs {
namespace {

H264ProfileLevelId Pli(std::string_view hex) {
  auto p = H264ProfileLevelId::Parse(hex);
  EXPECT_TRUE(p) << hex;
  return p.value_or(H264ProfileLevelId{});
}

TEST(H264ProfileLevelId, TellsProfilesApartAsRfc6184TableFiveDoes) {
  struct Case {
    const char* hex;
    H264ProfileKind kind;
    int level;
  };
  for (const Case& c : {
           Case{"42e01f", H264ProfileKind::kConstrainedBaseline, 31},  // baresip, WebRTC
           Case{"42c01e", H264ProfileKind::kConstrainedBaseline, 30},
           Case{"4d801f", H264ProfileKind::kConstrainedBaseline, 31},  // Main with constraint_set0
           Case{"42801f", H264ProfileKind::kBaseline, 31},             // linphone
           Case{"42001f", H264ProfileKind::kBaseline, 31},
           Case{"4d001f", H264ProfileKind::kMain, 31},
           Case{"4d401f", H264ProfileKind::kMain, 31},
           Case{"58001e", H264ProfileKind::kExtended, 30},
           Case{"640029", H264ProfileKind::kHigh, 41},
           Case{"640c1f", H264ProfileKind::kConstrainedHigh, 31},
           Case{"6e0028", H264ProfileKind::kOther, 40},               // High 10
           Case{"42f00b", H264ProfileKind::kConstrainedBaseline, 9},  // level 1b: 11 + constraint_set3
           Case{"42e00b", H264ProfileKind::kConstrainedBaseline, 11},
           Case{"640009", H264ProfileKind::kHigh, 9},
       }) {
    const H264ProfileLevelId p = Pli(c.hex);
    EXPECT_EQ(p.kind(), c.kind) << c.hex << " is " << H264ProfileKindName(p.kind());
    EXPECT_EQ(p.level(), c.level) << c.hex;
    EXPECT_EQ(p.ToString(), c.hex);
  }
}

TEST(H264ProfileLevelId, ParsesExactlySixHexDigits) {
  EXPECT_EQ(Pli("42E01F").ToString(), "42e01f");
  EXPECT_FALSE(H264ProfileLevelId::Parse("42e01"));
  EXPECT_FALSE(H264ProfileLevelId::Parse("42e01f0"));
  EXPECT_FALSE(H264ProfileLevelId::Parse("42g01f"));
  EXPECT_FALSE(H264ProfileLevelId::Parse(""));
}

TEST(DefaultCapabilities, ListEveryCodecWithAClockAndParameters) {
  const auto video = DefaultVideoCapabilities();
  ASSERT_FALSE(video.empty());
  for (const Capability& c : video) {
    EXPECT_TRUE(IsVideo(c.codec));
    EXPECT_EQ(c.clock_rate, 90000);
    EXPECT_FALSE(std::holds_alternative<std::monostate>(c.params)) << CodecName(c.codec);
  }
  const auto audio = DefaultAudioCapabilities();
  ASSERT_EQ(audio.size(), 4u);
  EXPECT_EQ(audio[0].codec, CodecId::kOpus);
  EXPECT_EQ(audio[0].clock_rate, 48000);
  EXPECT_EQ(audio[0].channels, 2);
  EXPECT_TRUE(std::get<OpusParams>(audio[0].params).useinbandfec);
  EXPECT_EQ(audio[1].codec, CodecId::kG722);
  EXPECT_EQ(audio[1].clock_rate, 8000);  // RFC 3551's historical G.722 clock
}

}  // namespace
}  // namespace tessera::codecs

#include "tessera/codecs/video/h264_levels.h"

#include <gtest/gtest.h>

namespace tessera::codecs::h264 {
namespace {

TEST(H264Levels, LowestLevelHoldsCommonFormats) {
  struct Case {
    int w, h, fps;
    int64_t bps;
    bool high;
    int level;
  };
  for (const Case& c : {
           Case{176, 144, 15, 64'000, false, 10},       // QCIF: 99 MBs, 1485 MB/s
           Case{320, 180, 30, 300'000, false, 13},      // 240 MBs x 30 = 7200 MB/s > 1.2
           Case{352, 288, 30, 768'000, false, 13},      // CIF at 30: 11880 MB/s
           Case{352, 288, 30, 1'500'000, false, 20},    // ...but 1.3 caps 768 kbit/s
           Case{640, 360, 30, 800'000, false, 30},      // 920 MBs > 792 (2.1)
           Case{1280, 720, 30, 2'500'000, false, 31},   // 3600 MBs
           Case{1280, 720, 60, 4'000'000, false, 32},   // 216000 MB/s
           Case{1920, 1080, 30, 5'000'000, false, 40},  // 8160 MBs
           Case{1920, 1080, 30, 22'000'000, true, 40},  // High: 1.25 x 20 Mbit/s
           Case{1920, 1080, 30, 26'000'000, true, 41},
           Case{3840, 2160, 30, 20'000'000, false, 51},
       }) {
    const auto level = LowestLevelFor(c.w, c.h, c.fps, c.bps, c.high);
    ASSERT_TRUE(level) << c.w << "x" << c.h;
    EXPECT_EQ(level->level_idc, c.level) << c.w << "x" << c.h << "@" << c.fps << " " << c.bps;
  }
}

TEST(H264Levels, OneDimensionMayNotExceedTheSquareRootBound) {
  // 8 x MaxFS for level 3.0 is 12960: a 2048x64 strip (128 x 4 MBs = 512 MBs) passes the
  // frame size test but 128^2 > 12960, so it needs a higher level.
  const auto level30 = LimitsOf(30);
  ASSERT_TRUE(level30);
  EXPECT_FALSE(LevelHolds(*level30, 2048, 64, 15, 100'000, false));
  EXPECT_TRUE(LevelHolds(*level30, 1024, 64, 15, 100'000, false));
}

TEST(H264Levels, NothingHoldsBeyondLevel62) {
  EXPECT_FALSE(LowestLevelFor(8192, 8192, 120, 1'000'000, false));
  EXPECT_FALSE(LimitsOf(33));
  EXPECT_EQ(MaxBitrateBps(*LimitsOf(31), false), 14'000'000);
  EXPECT_EQ(MaxBitrateBps(*LimitsOf(31), true), 17'500'000);
  EXPECT_EQ(LimitsOf(9)->max_br_kbps, 128);  // 1b
}

}  // namespace
}  // namespace tessera::codecs::h264

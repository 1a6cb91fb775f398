#include "tessera/codecs/video/h264_levels.h"

#include <array>

namespace tessera::codecs::h264 {
namespace {

// ITU-T H.264 (08/2021) Table A-1, in level order (1b sits between 1 and 1.1).
constexpr std::array<LevelLimits, 20> kLevels = {{
    {10, 1485, 99, 396, 64},
    {9, 1485, 99, 396, 128},  // 1b
    {11, 3000, 396, 900, 192},
    {12, 6000, 396, 2376, 384},
    {13, 11880, 396, 2376, 768},
    {20, 11880, 396, 2376, 2000},
    {21, 19800, 792, 4752, 4000},
    {22, 20250, 1620, 8100, 4000},
    {30, 40500, 1620, 8100, 10000},
    {31, 108000, 3600, 18000, 14000},
    {32, 216000, 5120, 20480, 20000},
    {40, 245760, 8192, 32768, 20000},
    {41, 245760, 8192, 32768, 50000},
    {42, 522240, 8704, 34816, 50000},
    {50, 589824, 22080, 110400, 135000},
    {51, 983040, 36864, 184320, 240000},
    {52, 2073600, 36864, 184320, 240000},
    {60, 4177920, 139264, 696320, 240000},
    {61, 8355840, 139264, 696320, 480000},
    {62, 16711680, 139264, 696320, 800000},
}};

int Mbs(int pixels) {
  return (pixels + 15) / 16;
}

}  // namespace

std::span<const LevelLimits> AllLevels() {
  return kLevels;
}

std::optional<LevelLimits> LimitsOf(int level_idc) {
  for (const LevelLimits& l : kLevels)
    if (l.level_idc == level_idc) return l;
  return std::nullopt;
}

int64_t MaxBitrateBps(const LevelLimits& level, bool high_profile) {
  const int64_t bps = int64_t{level.max_br_kbps} * 1000;
  return high_profile ? bps * 5 / 4 : bps;
}

bool LevelHolds(const LevelLimits& level, int width, int height, int fps, int64_t bitrate_bps, bool high_profile) {
  const int64_t w = Mbs(width), h = Mbs(height);
  const int64_t fs = w * h;
  // A.3.1 (f)/(g): neither dimension may exceed sqrt(8 * MaxFS) macroblocks.
  const int64_t max_side_sq = int64_t{8} * level.max_fs;
  return fs <= level.max_fs && w * w <= max_side_sq && h * h <= max_side_sq && fs * fps <= level.max_mbps &&
         bitrate_bps <= MaxBitrateBps(level, high_profile);
}

std::optional<LevelLimits> LowestLevelFor(int width, int height, int fps, int64_t bitrate_bps, bool high_profile) {
  for (const LevelLimits& l : kLevels) {
    if (l.level_idc == 9) continue;  // 1b needs profile-specific signalling; never chosen
    if (LevelHolds(l, width, height, fps, bitrate_bps, high_profile)) return l;
  }
  return std::nullopt;
}

}  // namespace tessera::codecs::h264

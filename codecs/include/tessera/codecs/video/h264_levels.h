#pragma once
// H.264 level limits (ITU-T H.264 Table A-1) as data, for choosing an encoder's level and
// for turning a peer's profile-level-id / max-fs / max-mbps / max-br into encoder limits.
//
// level_idc is the SPS value: 10 = level 1, 11 = 1.1, ..., 52 = 5.2; level 1b is given as
// 9 here (in an SPS or profile-level-id it is 11 with constraint_set3_flag in Baseline,
// Constrained Baseline and Main, and 9 in High; see capabilities.h).
//
// Thread safety: constant data and pure functions.

#include <cstdint>
#include <optional>
#include <span>

namespace tessera::codecs::h264 {

struct LevelLimits {
  int level_idc;
  int64_t max_mbps;  // macroblocks per second
  int max_fs;        // macroblocks per frame
  int max_dpb_mbs;
  int max_br_kbps;  // Baseline/Main; High allows 1.25 times (cpb_br_nal_factor)
};

std::span<const LevelLimits> AllLevels();
// nullopt for a level_idc that is not in Table A-1.
std::optional<LevelLimits> LimitsOf(int level_idc);

// Bits per second a profile may use at a level (High: 1.25 x MaxBR).
int64_t MaxBitrateBps(const LevelLimits& level, bool high_profile);

// The lowest level whose frame size (including the 8 x MaxFS bound on each dimension),
// macroblock rate and bitrate hold the given stream; nullopt if none does.
std::optional<LevelLimits> LowestLevelFor(int width, int height, int fps, int64_t bitrate_bps, bool high_profile);

// Whether a level holds the stream (same tests as LowestLevelFor).
bool LevelHolds(const LevelLimits& level, int width, int height, int fps, int64_t bitrate_bps, bool high_profile);

}  // namespace tessera::codecs::h264

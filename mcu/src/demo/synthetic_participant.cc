#include "tessera/mcu/demo/synthetic_participant.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>

namespace tessera::mcu::demo {
namespace {

// Distinct, saturated colours in BT.601 limited-range YUV (red, green, blue, yellow,
// magenta, cyan, orange, purple), so tiles are told apart at a glance and by tests.
struct Yuv {
  uint8_t y, u, v;
};
constexpr std::array<Yuv, 8> kColours = {{
    {81, 90, 240},    // red
    {145, 54, 34},    // green
    {41, 240, 110},   // blue
    {210, 16, 146},   // yellow
    {106, 202, 222},  // magenta
    {170, 166, 16},   // cyan
    {151, 44, 201},   // orange
    {74, 177, 165},   // purple
}};

// Tones well apart and not harmonics of each other, so each voice can be found in a mix.
constexpr std::array<double, 8> kTonesHz = {440.0, 660.0, 880.0, 1100.0, 1320.0, 550.0, 770.0, 990.0};

// Each participant talks in its own slot of a repeating cycle, so speakers take turns.
constexpr int64_t kTalkSlotMs = 3000;

}  // namespace

SyntheticParticipant::SyntheticParticipant(SyntheticParticipantSpec spec)
    : spec_(std::move(spec)),
      y_(kColours[spec_.index % kColours.size()].y),
      u_(kColours[spec_.index % kColours.size()].u),
      v_(kColours[spec_.index % kColours.size()].v),
      tone_hz_(kTonesHz[spec_.index % kTonesHz.size()] + 7.0 * static_cast<double>(spec_.index / 8)) {}

void SyntheticParticipant::DrawFrame(int64_t time_ms, I420MutableView f) const {
  if (f.empty()) return;
  for (int r = 0; r < f.height; ++r)
    std::memset(f.y + static_cast<ptrdiff_t>(r) * f.stride_y, y_, f.width);
  for (int r = 0; r < f.chroma_height(); ++r) {
    std::memset(f.u + static_cast<ptrdiff_t>(r) * f.stride_u, u_, f.chroma_width());
    std::memset(f.v + static_cast<ptrdiff_t>(r) * f.stride_v, v_, f.chroma_width());
  }
  const uint8_t contrast = y_ > 128 ? 16 : 235;
  // A vertical bar sweeping left to right every 4 s (luma only: keeps the tile's hue).
  const int bar_width = std::max(2, f.width / 16);
  const int period_ms = 4000;
  const int bar_x = static_cast<int>((time_ms % period_ms) * (f.width - bar_width) / period_ms);
  for (int r = 0; r < f.height; ++r)
    std::memset(f.y + static_cast<ptrdiff_t>(r) * f.stride_y + bar_x, contrast, bar_width);
  // A square bouncing diagonally.
  const int side = std::max(2, std::min(f.width, f.height) / 5);
  const auto bounce = [](int64_t t, int range, int64_t period) {
    if (range <= 0) return 0;
    const int64_t phase = t % (2 * period);
    const int64_t pos = phase < period ? phase : 2 * period - phase;
    return static_cast<int>(pos * range / period);
  };
  const int sx = bounce(time_ms, f.width - side, 2300 + 100 * spec_.index);
  const int sy = bounce(time_ms, f.height - side, 1700 + 70 * spec_.index);
  const uint8_t square = 255 - contrast;
  for (int r = sy; r < sy + side; ++r)
    std::memset(f.y + static_cast<ptrdiff_t>(r) * f.stride_y + sx, square, side);
}

bool SyntheticParticipant::TalkingAt(int64_t time_ms) const {
  // Cycle of 4 slots; participant i talks in slot (i % 4), for a length that varies by
  // participant between 2 and 3 s of its 3 s slot; later participants (index >= 4) share.
  const int64_t cycle = 4 * kTalkSlotMs;
  const int64_t t = ((time_ms % cycle) + cycle) % cycle;
  const int64_t slot_start = (spec_.index % 4) * kTalkSlotMs;
  const int64_t length = 2000 + (spec_.index * 331) % 1000;
  return t >= slot_start && t < slot_start + length;
}

void SyntheticParticipant::FillAudio(int64_t first_sample, std::span<int16_t> out) const {
  constexpr double kAmplitude = 8000.0;  // about -12 dBFS: loud enough to win the mix, far from clipping
  const double step = 2.0 * std::numbers::pi * tone_hz_ / kSampleRate;
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t n = first_sample + static_cast<int64_t>(i);
    if (!TalkingAt(n * 1000 / kSampleRate)) {
      out[i] = 0;
      continue;
    }
    // Tones are whole hertz, so the phase repeats every second: reducing the sample index
    // modulo the rate keeps precision over days of running without a discontinuity.
    const double phase = step * static_cast<double>(n % kSampleRate);
    out[i] = static_cast<int16_t>(std::lround(kAmplitude * std::sin(phase)));
  }
}

}  // namespace tessera::mcu::demo

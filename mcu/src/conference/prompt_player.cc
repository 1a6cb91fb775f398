#include "tessera/mcu/conference/prompt_player.h"

#include <cmath>

namespace tessera::mcu::conference {

namespace {

constexpr int kRate = 48000;
constexpr double kAmplitude = 8000;  // about -12 dBFS

struct Segment {
  int ms;
  double hz;  // 0 = silence
};
constexpr Segment kEnterPin[] = {{150, 600}, {100, 0}, {150, 900}, {2500, 0}};
constexpr Segment kWrongPin[] = {{150, 700}, {50, 0}, {150, 500}, {50, 0}, {150, 350}, {400, 0}};
constexpr Segment kGoodbye[] = {{600, 400}, {60000, 0}};

std::span<const Segment> SegmentsOf(Prompt p) {
  switch (p) {
    case Prompt::kEnterPin:
      return kEnterPin;
    case Prompt::kWrongPin:
      return kWrongPin;
    case Prompt::kGoodbye:
      return kGoodbye;
    case Prompt::kNone:
      break;
  }
  return {};
}

}  // namespace

void PromptPlayer::Play(Prompt prompt) {
  prompt_ = prompt;
  position_ = 0;
  phase_ = 0;
}

std::span<const int16_t> PromptPlayer::Next() {
  for (int i = 0; i < kFrameSamples; ++i) {
    std::span<const Segment> segments = SegmentsOf(prompt_);
    int64_t total = 0;
    for (const Segment& s : segments)
      total += int64_t{s.ms} * kRate / 1000;
    if (total > 0 && position_ >= total) {
      // kEnterPin repeats; kWrongPin hands over to it; kGoodbye stays silent (it is long).
      if (prompt_ == Prompt::kWrongPin) prompt_ = Prompt::kEnterPin;
      position_ = 0;
      segments = SegmentsOf(prompt_);
    }
    double hz = 0;
    int64_t start = 0;
    for (const Segment& s : segments) {
      const int64_t length = int64_t{s.ms} * kRate / 1000;
      if (position_ < start + length) {
        hz = s.hz;
        break;
      }
      start += length;
    }
    if (hz > 0) {
      phase_ += 2 * M_PI * hz / kRate;
      if (phase_ > 2 * M_PI) phase_ -= 2 * M_PI;
      frame_[static_cast<size_t>(i)] = static_cast<int16_t>(kAmplitude * std::sin(phase_));
    } else {
      frame_[static_cast<size_t>(i)] = 0;
    }
    ++position_;
  }
  return frame_;
}

}  // namespace tessera::mcu::conference

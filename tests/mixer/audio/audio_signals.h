#pragma once
// Test signals for the audio mixer: tones, speech-like bursts with syllable pauses, room
// noise, all 48 kHz mono int16, generated frame by frame.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace tessera::mixer::testing_audio {

constexpr double kPi = 3.14159265358979323846;

// A sine of `amplitude` (peak) at `hz`, continuous across frames.
class Tone {
 public:
  Tone(double hz, double amplitude) : step_(2 * kPi * hz / 48000), amplitude_(amplitude) {}
  std::vector<int16_t> Next(size_t n) {
    std::vector<int16_t> out(n);
    for (auto& s : out) {
      s = static_cast<int16_t>(std::lround(amplitude_ * std::sin(phase_)));
      phase_ += step_;
    }
    return out;
  }

 private:
  double phase_ = 0, step_, amplitude_;
};

// Speech-like: a voiced buzz at `hz` whose loudness follows syllables (about 4 per second)
// with short dips between them, never quite silent within a sentence.
class Talk {
 public:
  Talk(double hz, double amplitude, uint32_t seed) : tone_(hz, 1.0), amplitude_(amplitude), rng_(seed) {}
  std::vector<int16_t> Next(size_t n) {
    std::vector<int16_t> out = tone_.Next(n);
    std::normal_distribution<double> noise(0, 0.05);
    for (auto& s : out) {
      const double syllable = 0.55 + 0.45 * std::sin(2 * kPi * 4.0 * t_ / 48000.0);
      s = static_cast<int16_t>(std::lround(amplitude_ * syllable * (s / 1.0 + noise(rng_))));
      ++t_;
    }
    return out;
  }

 private:
  Tone tone_;
  double amplitude_;
  std::mt19937 rng_;
  uint64_t t_ = 0;
};

// Low-level broadband noise (a room, a fan) at about `amplitude` RMS.
class RoomNoise {
 public:
  RoomNoise(double amplitude, uint32_t seed) : noise_(0, amplitude), rng_(seed) {}
  std::vector<int16_t> Next(size_t n) {
    std::vector<int16_t> out(n);
    for (auto& s : out)
      s = static_cast<int16_t>(std::lround(noise_(rng_)));
    return out;
  }

 private:
  std::normal_distribution<double> noise_;
  std::mt19937 rng_;
};

inline double Rms(const int16_t* s, size_t n) {
  double e = 0;
  for (size_t i = 0; i < n; ++i)
    e += static_cast<double>(s[i]) * s[i];
  return std::sqrt(e / n);
}

// Energy of `hz` in the frame (Goertzel), normalised so a full-scale sine gives about 1.
inline double ToneLevel(const int16_t* s, size_t n, double hz) {
  const double w = 2 * kPi * hz / 48000;
  double re = 0, im = 0;
  for (size_t i = 0; i < n; ++i) {
    re += s[i] * std::cos(w * i);
    im += s[i] * std::sin(w * i);
  }
  return 2 * std::sqrt(re * re + im * im) / n / 32768;
}

}  // namespace tessera::mixer::testing_audio

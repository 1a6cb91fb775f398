#include "tessera/testing/tone_power.h"

#include <cmath>
#include <cstddef>

namespace tessera::testing {

double TonePower(const std::vector<int16_t>& samples, int sample_rate, double hz) {
  if (samples.empty()) return 0;
  const double w = 2 * M_PI * hz / sample_rate;
  const double coeff = 2 * std::cos(w);
  double s1 = 0, s2 = 0, energy = 0;
  for (int16_t x : samples) {
    const double s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += double(x) * x;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return energy > 0 ? power / (energy * static_cast<double>(samples.size()) / 2) : 0;
}

double MeanTonePower(const std::vector<int16_t>& samples, int sample_rate, double hz) {
  const size_t window = static_cast<size_t>(sample_rate / 4);
  double sum = 0;
  int windows = 0;
  for (size_t at = 0; at + window <= samples.size(); at += window, ++windows)
    sum += TonePower(std::vector<int16_t>(samples.begin() + static_cast<std::ptrdiff_t>(at),
                                          samples.begin() + static_cast<std::ptrdiff_t>(at + window)),
                     sample_rate, hz);
  return windows ? sum / windows : 0;
}

}  // namespace tessera::testing

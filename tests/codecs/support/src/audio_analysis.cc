#include "tessera/codecs_testing/audio_analysis.h"

#include <cmath>
#include <numbers>

namespace tessera::codecs_testing {

std::vector<int16_t> Sine(double frequency_hz, int sample_rate, size_t samples, double amplitude) {
  std::vector<int16_t> out(samples);
  for (size_t i = 0; i < samples; ++i)
    out[i] = static_cast<int16_t>(std::lround(
        amplitude * std::sin(2.0 * std::numbers::pi * frequency_hz * static_cast<double>(i) / sample_rate)));
  return out;
}

double ToneFrequency(std::span<const int16_t> signal, int sample_rate) {
  double first = -1, last = -1;
  int crossings = 0;
  for (size_t i = 1; i < signal.size(); ++i) {
    const double a = signal[i - 1], b = signal[i];
    if ((a < 0 && b >= 0) || (a >= 0 && b < 0)) {
      const double t = static_cast<double>(i - 1) + (a == b ? 0.0 : a / (a - b));
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  if (crossings < 3 || last <= first) return 0;
  return (crossings - 1) / 2.0 / ((last - first) / sample_rate);
}

Alignment Align(std::span<const int16_t> reference, std::span<const int16_t> test, size_t start, size_t length,
                int max_delay) {
  Alignment best;
  double best_corr = -1e300;
  for (int d = 0; d <= max_delay; ++d) {
    if (start + length > reference.size() || start + length + static_cast<size_t>(d) > test.size()) break;
    double corr = 0;
    for (size_t i = start; i < start + length; ++i)
      corr += static_cast<double>(reference[i]) * test[i + static_cast<size_t>(d)];
    if (corr > best_corr) {
      best_corr = corr;
      best.delay = d;
    }
  }
  double signal = 0, noise = 0;
  for (size_t i = start; i < start + length && i + static_cast<size_t>(best.delay) < test.size(); ++i) {
    const double r = reference[i], t = test[i + static_cast<size_t>(best.delay)];
    signal += r * r;
    noise += (r - t) * (r - t);
  }
  best.snr_db = noise <= 0 ? 200.0 : 10.0 * std::log10(signal / noise);
  return best;
}

double RmsLevel(std::span<const int16_t> signal) {
  if (signal.empty()) return 0;
  double sum = 0;
  for (int16_t s : signal)
    sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(signal.size()));
}

}  // namespace tessera::codecs_testing

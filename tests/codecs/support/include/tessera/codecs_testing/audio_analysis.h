#pragma once
// Test tones and their analysis for audio codec round trips: a sine, its frequency as the
// codec returned it, and the signal-to-noise ratio after finding the codec's delay.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tessera::codecs_testing {

std::vector<int16_t> Sine(double frequency_hz, int sample_rate, size_t samples, double amplitude = 16000.0);

// Frequency of a (near) pure tone from its zero crossings, interpolated between samples.
double ToneFrequency(std::span<const int16_t> signal, int sample_rate);

struct Alignment {
  int delay = 0;      // test[i + delay] lines up with reference[i]
  double snr_db = 0;  // 10 log10(sum ref^2 / sum (ref - test)^2) at that delay
};
// Searches delays 0..max_delay for the best cross-correlation over `length` samples of
// reference starting at `start`.
Alignment Align(std::span<const int16_t> reference, std::span<const int16_t> test, size_t start, size_t length,
                int max_delay);

double RmsLevel(std::span<const int16_t> signal);

}  // namespace tessera::codecs_testing

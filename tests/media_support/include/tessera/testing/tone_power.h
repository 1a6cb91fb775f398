#pragma once
// How much of a recording's power is one tone: what the mix tests use to tell who is heard.

#include <cstdint>
#include <vector>

namespace tessera::testing {

// Relative power of `hz` in 16-bit mono samples (Goertzel, normalised by the signal's
// energy): about 1 for a pure tone at `hz`, about 0 when it is absent.
double TonePower(const std::vector<int16_t>& samples, int sample_rate, double hz);

// TonePower averaged over 250 ms windows: a tone that wanders by a fraction of a hertz over
// seconds (a sender's clock against the mixer's, jitter-buffer stretching) escapes one long
// Goertzel window but not short ones.
double MeanTonePower(const std::vector<int16_t>& samples, int sample_rate, double hz);

}  // namespace tessera::testing

#pragma once
// State of PerDecoder's random mode (RandomForTest); private to the runtime.

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "tessera/signaling/asn1/per_decoder.h"

namespace tessera::signaling::asn1 {

struct PerDecoder::RandomState {
  // Draws after which optional parts are left out and lists take their lower bound, so that
  // a value stays small however deep and wide its type (H.225.0 RAS messages are both).
  static constexpr uint64_t kLavishDraws = 1500;

  std::mt19937_64 rng;
  uint64_t draws = 0;

  bool Lavish(int depth) const { return depth < 3 && draws < kLavishDraws; }
  std::deque<uint64_t> forced_choices;
  std::deque<std::vector<uint8_t>> bitmaps;  // storage the ExtensionBitmaps point into
};

}  // namespace tessera::signaling::asn1

// PerDecoder's random mode (RandomForTest): instead of reading input, each primitive draws a
// value within its constraints, so that the generated Decode functions build random valid
// values of any type for the round-trip and cross-check tests. Edge values (bounds, empty and
// longest sizes, values outside an extensible root) are drawn more often than uniformly.

#include <algorithm>
#include <limits>
#include <string>

#include "asn1/per_decoder_random.h"

namespace tessera::signaling::asn1 {

PerDecoder::PerDecoder(std::unique_ptr<RandomState> random) : random_(std::move(random)) {}

PerDecoder::~PerDecoder() = default;

PerDecoder PerDecoder::RandomForTest(uint64_t seed, std::vector<uint64_t> forced_choices) {
  auto state = std::make_unique<RandomState>();
  state->rng.seed(seed);
  state->forced_choices.assign(forced_choices.begin(), forced_choices.end());
  return PerDecoder(std::move(state));
}

uint64_t PerDecoder::RandomBelow(uint64_t n) {
  ++random_->draws;
  if (n == 0) return random_->rng();  // the whole 64-bit range
  return std::uniform_int_distribution<uint64_t>(0, n - 1)(random_->rng);
}

// A count within `size`: mostly small, sometimes a bound, sometimes (extensible sizes) just
// outside the root.
uint64_t PerDecoder::RandomCount(const SizeRange& size, bool& outside_root) {
  outside_root = false;
  const uint64_t lb = size.lb;
  const uint64_t ub = size.has_ub ? size.ub : lb + 40;
  if (!random_->Lavish(depth_)) return lb;
  if (size.extensible && size.has_ub && RandomBelow(8) == 0) {
    outside_root = true;
    return ub + 1 + RandomBelow(3);
  }
  switch (RandomBelow(6)) {
    case 0:
      return lb;
    case 1:
      return std::min<uint64_t>(ub, lb + 300);  // the largest size, within reason
    default:
      return lb + RandomBelow(std::min<uint64_t>(ub - lb, 4) + 1);
  }
}

bool PerDecoder::RandomInteger(int64_t& v, const IntegerRange& range) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (range.extensible && RandomBelow(8) == 0) {
    // Outside the root: below the lower bound or above the upper one.
    if (range.has_ub && range.ub < kMax - 1000 && (!range.has_lb || RandomBelow(2) || range.lb == kMin)) {
      v = range.ub + 1 + static_cast<int64_t>(RandomBelow(1000));
      return true;
    }
    if (range.has_lb && range.lb > kMin + 1000) {
      v = range.lb - 1 - static_cast<int64_t>(RandomBelow(1000));
      return true;
    }
  }
  const int64_t lo = range.has_lb ? range.lb : kMin;
  const int64_t hi = range.has_ub ? range.ub : kMax;
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  switch (RandomBelow(8)) {
    case 0:
      v = lo;
      return true;
    case 1:
      v = hi;
      return true;
    case 2:  // near the lower end
      v = static_cast<int64_t>(static_cast<uint64_t>(lo) + RandomBelow(std::min<uint64_t>(span, 300) + 1));
      return true;
    default:
      v = static_cast<int64_t>(static_cast<uint64_t>(lo) +
                               (span == UINT64_MAX ? RandomBelow(0) : RandomBelow(span + 1)));
      return true;
  }
}

bool PerDecoder::RandomIndex(uint64_t& index, uint64_t root_count, bool extensible, uint64_t known_additions) {
  if (!random_->forced_choices.empty()) {
    index = random_->forced_choices.front();
    random_->forced_choices.pop_front();
    return true;
  }
  if (extensible && known_additions > 0 && RandomBelow(4) == 0) {
    index = root_count + RandomBelow(known_additions);
  } else {
    index = RandomBelow(root_count);
  }
  return true;
}

bool PerDecoder::RandomBitmap(ExtensionBitmap& bitmap, uint64_t known_additions) {
  // One bit per known addition (never an unknown one), each present with probability 1/3,
  // and none once the value is large or deep (RandomState::Lavish).
  const uint64_t count = std::max<uint64_t>(known_additions, 1);
  auto& bits = random_->bitmaps.emplace_back((count + 7) / 8, 0);
  for (uint64_t i = 0; i < known_additions; ++i) {
    if (random_->Lavish(depth_) && RandomBelow(3) == 0) bits[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
  }
  bitmap.data = bits.data();
  bitmap.bit_offset = 0;
  bitmap.count = count;
  return true;
}

template <typename String>
bool PerDecoder::RandomString(String& v, const SizeRange& size, const PermittedAlphabet& alphabet) {
  using Char = typename String::value_type;
  bool outside = false;
  const uint64_t n = RandomCount(size, outside);
  v.clear();
  for (uint64_t i = 0; i < n; ++i)
    v.push_back(static_cast<Char>(alphabet.At(RandomBelow(alphabet.size()))));
  return true;
}

template bool PerDecoder::RandomString(std::string&, const SizeRange&, const PermittedAlphabet&);
template bool PerDecoder::RandomString(std::u16string&, const SizeRange&, const PermittedAlphabet&);

}  // namespace tessera::signaling::asn1

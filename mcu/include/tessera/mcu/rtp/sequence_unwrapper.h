#pragma once
// Unwrapping 16-bit RTP sequence numbers and 32-bit timestamps into 64-bit counters, so
// the rest of the media path compares and subtracts without thinking about wrap-around.
//
// Each value is placed at the unwrapped position closest to the previous one (within half
// the range), which handles reordering across the wrap in both directions. The first value
// is returned as is (plus an offset so that early reordering cannot go negative).
//
// Thread safety: a plain value type; owned by one stream on one thread.

#include <cstdint>
#include <optional>

namespace tessera::mcu::rtp {

template <typename T>
class Unwrapper {
 public:
  static constexpr int64_t kRange = int64_t{1} << (8 * sizeof(T));
  // A start far from zero keeps early values that arrive "before" the first one positive.
  static constexpr int64_t kStart = kRange * 4;

  int64_t Unwrap(T value) {
    if (!last_) {
      last_ = kStart + value;
      return *last_;
    }
    const T last_low = static_cast<T>(*last_);
    // Forward distance modulo the range, interpreted as signed (closest position).
    int64_t delta = static_cast<int64_t>(static_cast<T>(value - last_low));
    if (delta >= kRange / 2) delta -= kRange;
    const int64_t unwrapped = *last_ + delta;
    // Only move forward: a late packet must not drag the reference back.
    if (delta > 0) last_ = unwrapped;
    return unwrapped;
  }
  // What Unwrap would return, without moving the reference.
  int64_t Peek(T value) const {
    if (!last_) return kStart + value;
    const T last_low = static_cast<T>(*last_);
    int64_t delta = static_cast<int64_t>(static_cast<T>(value - last_low));
    if (delta >= kRange / 2) delta -= kRange;
    return *last_ + delta;
  }
  void Reset() { last_.reset(); }
  std::optional<int64_t> last() const { return last_; }

 private:
  std::optional<int64_t> last_;
};

using SequenceNumberUnwrapper = Unwrapper<uint16_t>;
using TimestampUnwrapper = Unwrapper<uint32_t>;

// a is newer than b in modulo-2^16 order (RFC 1982 serial arithmetic).
inline bool IsNewerSequenceNumber(uint16_t a, uint16_t b) {
  return a != b && static_cast<uint16_t>(a - b) < 0x8000;
}

}  // namespace tessera::mcu::rtp

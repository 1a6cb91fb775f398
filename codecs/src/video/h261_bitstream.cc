#include "tessera/codecs/video/h261_bitstream.h"

#include <cstring>

namespace tessera::codecs::h261 {
namespace {

// Bit `i` (MSB first) of the data; 0 past the end.
inline uint32_t Bit(std::span<const uint8_t> d, size_t i) {
  return i / 8 < d.size() ? (d[i >> 3] >> (7 - (i & 7))) & 1u : 0u;
}

int LeadingZeros(uint8_t b) {
  int n = 0;
  while (n < 8 && (b & (0x80 >> n)) == 0)
    ++n;
  return n;
}
int TrailingZeros(uint8_t b) {
  int n = 0;
  while (n < 8 && (b & (1 << n)) == 0)
    ++n;
  return n;
}

}  // namespace

std::optional<PictureInfo> ScanPicture(std::span<const uint8_t> picture) {
  // Start codes are 15 zeros then a one (GBSC), then GN (4 bits): GN 0 is the picture
  // start code. They are not byte aligned, but 15 zeros always cover a whole zero byte,
  // so only the neighbourhood of zero bytes is looked at (memchr skips the rest), which
  // keeps the scan far cheaper than decoding. H.261's codes cannot emulate them.
  const uint8_t* d = picture.data();
  const size_t n = picture.size();
  PictureInfo info;
  bool have_psc = false;
  int expected_gn = 1;
  size_t i = 0;
  size_t min_bit = 0;  // a zero run may not reach back into the last code's GN
  while (i < n) {
    const void* zero = std::memchr(d + i, 0, n - i);
    if (zero == nullptr) break;
    const size_t first = static_cast<size_t>(static_cast<const uint8_t*>(zero) - d);
    size_t j = first;
    while (j < n && d[j] == 0)
      ++j;
    if (j == n) break;
    const size_t one = j * 8 + static_cast<size_t>(LeadingZeros(d[j]));  // the 1 after the zeros
    size_t run_start = first * 8 - static_cast<size_t>(first > 0 ? TrailingZeros(d[first - 1]) : 0);
    if (run_start < min_bit) run_start = min_bit;
    i = j + 1;
    if (one - run_start < 15) continue;
    if (one + 4 >= n * 8) break;
    const uint32_t gn = (Bit(picture, one + 1) << 3) | (Bit(picture, one + 2) << 2) | (Bit(picture, one + 3) << 1) |
                        Bit(picture, one + 4);
    min_bit = one + 5;
    i = min_bit / 8;  // the next code cannot start earlier
    if (!have_psc) {
      // The picture start code must come first (a few stray bits of padding at most).
      if (gn != 0 || one > 32) return std::nullopt;
      // TR (5 bits), then PTYPE: split screen, document camera, freeze release, format.
      const size_t format_bit = one + 4 + 5 + 4;
      if (format_bit >= n * 8) return std::nullopt;
      info.cif = Bit(picture, format_bit) != 0;
      have_psc = true;
      continue;
    }
    if (gn == 0) break;  // the next picture
    if (static_cast<int>(gn) == expected_gn) {
      ++info.gobs;
      expected_gn += info.cif ? 1 : 2;
    }
  }
  if (!have_psc) return std::nullopt;
  info.complete = info.gobs == (info.cif ? 12 : 3);
  return info;
}

}  // namespace tessera::codecs::h261

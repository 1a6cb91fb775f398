#include "tessera/codecs/video/h261_bitstream.h"

namespace tessera::codecs::h261 {
namespace {

// Bit `i` (MSB first) of the data.
inline uint32_t Bit(std::span<const uint8_t> d, size_t i) {
  return (d[i >> 3] >> (7 - (i & 7))) & 1u;
}

}  // namespace

std::optional<PictureInfo> ScanPicture(std::span<const uint8_t> picture) {
  const size_t bits = picture.size() * 8;
  // Start codes are 15 zeros then a one (GBSC), then GN (4 bits): GN 0 is the picture
  // start code. They are not byte aligned; the VLCs cannot emulate them.
  size_t zeros = 0;
  PictureInfo info;
  bool have_psc = false;
  int expected_gn = 1;
  for (size_t i = 0; i < bits; ++i) {
    const uint32_t b = Bit(picture, i);
    if (b == 0) {
      ++zeros;
      continue;
    }
    const bool start = zeros >= 15;
    zeros = 0;
    if (!start) continue;
    if (i + 4 >= bits) break;
    const uint32_t gn =
        (Bit(picture, i + 1) << 3) | (Bit(picture, i + 2) << 2) | (Bit(picture, i + 3) << 1) | Bit(picture, i + 4);
    if (!have_psc) {
      // The picture start code must come first (a few stray bits of padding at most).
      if (gn != 0 || i > 32) return std::nullopt;
      // TR (5 bits), then PTYPE: split screen, document camera, freeze release, format.
      const size_t format_bit = i + 4 + 5 + 4;
      if (format_bit >= bits) return std::nullopt;
      info.cif = Bit(picture, format_bit) != 0;
      have_psc = true;
      i += 4;
      continue;
    }
    if (gn == 0) break;  // the next picture
    if (static_cast<int>(gn) == expected_gn) {
      ++info.gobs;
      expected_gn += info.cif ? 1 : 2;
    }
    i += 4;
  }
  if (!have_psc) return std::nullopt;
  info.complete = info.gobs == (info.cif ? 12 : 3);
  return info;
}

}  // namespace tessera::codecs::h261

#pragma once
// G.711 mu-law and A-law (ITU-T G.711) as table lookups: 16-bit linear in, one byte out,
// and back. Encoding looks up the top 14 (mu-law) or 12 (A-law magnitude) bits, the
// precision G.711 defines, in tables computed at compile time from the ITU-T G.191
// reference algorithm; decoding is a 256-entry table.
//
// Peers agree: A-law encoding is bit-exact with spandsp; mu-law differs from spandsp only
// on negative inputs lying exactly on a decision level (one per code); decoding is
// bit-exact with FFmpeg and spandsp. FFmpeg's encoder tables round decision levels their
// own way (1.5% of inputs land on the neighbouring code). The tests check all of this.
//
// Thread safety: pure functions over constant tables.

#include <cstdint>
#include <span>

namespace tessera::codecs::g711 {

uint8_t LinearToUlaw(int16_t sample);
uint8_t LinearToAlaw(int16_t sample);
int16_t UlawToLinear(uint8_t code);
int16_t AlawToLinear(uint8_t code);

// Span forms; `out` must be as long as `in`.
void EncodeUlaw(std::span<const int16_t> in, std::span<uint8_t> out);
void EncodeAlaw(std::span<const int16_t> in, std::span<uint8_t> out);
void DecodeUlaw(std::span<const uint8_t> in, std::span<int16_t> out);
void DecodeAlaw(std::span<const uint8_t> in, std::span<int16_t> out);

}  // namespace tessera::codecs::g711

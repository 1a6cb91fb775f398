// G.711 by table. The tables are computed at compile time from the reference algorithm of
// ITU-T G.191, so there is no hand-typed table to get wrong and no start-up cost.
#include "tessera/codecs/audio/g711.h"

#include <array>

namespace tessera::codecs::g711 {
namespace {

constexpr int kUlawBias = 0x84;

// The encoders of ITU-T G.191's g711.c (the ITU's reference for G.711). Negative samples
// take the one's complement (~x, i.e. -x - 1) before quantising, which decides the inputs
// lying exactly on a decision level; Sun's widely copied g711.c negates instead and so
// differs on one input per code.

// mu-law of the 14-bit value x = sample >> 2 (depends on nothing else: ~s >> 2 == ~(s >> 2)).
constexpr uint8_t Ulaw14(int x) {
  int magnitude = (x < 0 ? ~x : x) + 33;
  if (magnitude > 0x1FFF) magnitude = 0x1FFF;
  int segment = 1;
  for (int i = magnitude >> 6; i != 0; i >>= 1)
    ++segment;
  const int high = 0x8 - segment;
  const int low = 0xF - ((magnitude >> segment) & 0xF);
  const int code = (high << 4) | low;
  return static_cast<uint8_t>(x >= 0 ? code | 0x80 : code);
}

// A-law of the 12-bit value x = sample >> 4.
constexpr uint8_t Alaw12(int x) {
  int ix = x < 0 ? ~x : x;
  if (ix > 15) {
    int exponent = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      ++exponent;
    }
    ix -= 16;
    ix += exponent << 4;
  }
  if (x >= 0) ix |= 0x80;
  return static_cast<uint8_t>(ix ^ 0x55);
}

constexpr int16_t UlawDecode(uint8_t code) {
  const int u = ~code & 0xFF;
  int t = ((u & 0x0F) << 3) + kUlawBias;
  t <<= (u & 0x70) >> 4;
  return static_cast<int16_t>((u & 0x80) ? (kUlawBias - t) : (t - kUlawBias));
}

constexpr int16_t AlawDecode(uint8_t code) {
  const int a = code ^ 0x55;
  int t = (a & 0x0F) << 4;
  const int seg = (a & 0x70) >> 4;
  if (seg == 0) {
    t += 8;
  } else {
    t += 0x108;
    if (seg > 1) t <<= seg - 1;
  }
  return static_cast<int16_t>((a & 0x80) ? t : -t);
}

// Indexed by the 14-/13-bit value offset to be non-negative.
constexpr auto kUlawEncode = [] {
  std::array<uint8_t, 1 << 14> t{};
  for (int i = 0; i < (1 << 14); ++i)
    t[static_cast<size_t>(i)] = Ulaw14(i - (1 << 13));
  return t;
}();
constexpr auto kAlawEncode = [] {
  std::array<uint8_t, 1 << 12> t{};
  for (int i = 0; i < (1 << 12); ++i)
    t[static_cast<size_t>(i)] = Alaw12(i - (1 << 11));
  return t;
}();
constexpr auto kUlawDecode = [] {
  std::array<int16_t, 256> t{};
  for (int i = 0; i < 256; ++i)
    t[static_cast<size_t>(i)] = UlawDecode(static_cast<uint8_t>(i));
  return t;
}();
constexpr auto kAlawDecode = [] {
  std::array<int16_t, 256> t{};
  for (int i = 0; i < 256; ++i)
    t[static_cast<size_t>(i)] = AlawDecode(static_cast<uint8_t>(i));
  return t;
}();

// Spot checks against G.711 Tables 1a/2a: decode levels at the segment ends.
static_assert(UlawDecode(0xFF) == 0 && UlawDecode(0x80) == 32124 && UlawDecode(0x00) == -32124);
static_assert(AlawDecode(0xD5) == 8 && AlawDecode(0xAA) == 32256 && AlawDecode(0x2A) == -32256);
static_assert(Ulaw14(0) == 0xFF && Alaw12(0) == 0xD5 && Ulaw14(-1) == 0x7F && Alaw12(-1) == 0x55);

}  // namespace

uint8_t LinearToUlaw(int16_t sample) {
  return kUlawEncode[static_cast<size_t>((sample >> 2) + (1 << 13))];
}
uint8_t LinearToAlaw(int16_t sample) {
  return kAlawEncode[static_cast<size_t>((sample >> 4) + (1 << 11))];
}
int16_t UlawToLinear(uint8_t code) {
  return kUlawDecode[code];
}
int16_t AlawToLinear(uint8_t code) {
  return kAlawDecode[code];
}

void EncodeUlaw(std::span<const int16_t> in, std::span<uint8_t> out) {
  for (size_t i = 0; i < in.size() && i < out.size(); ++i)
    out[i] = LinearToUlaw(in[i]);
}
void EncodeAlaw(std::span<const int16_t> in, std::span<uint8_t> out) {
  for (size_t i = 0; i < in.size() && i < out.size(); ++i)
    out[i] = LinearToAlaw(in[i]);
}
void DecodeUlaw(std::span<const uint8_t> in, std::span<int16_t> out) {
  for (size_t i = 0; i < in.size() && i < out.size(); ++i)
    out[i] = UlawToLinear(in[i]);
}
void DecodeAlaw(std::span<const uint8_t> in, std::span<int16_t> out) {
  for (size_t i = 0; i < in.size() && i < out.size(); ++i)
    out[i] = AlawToLinear(in[i]);
}

}  // namespace tessera::codecs::g711

#pragma once
// Shared body of the video decoder fuzz targets. The input is a sequence of access units:
// each prefixed by 2 bytes, big endian: bit 15 = report data lost before this unit, bits
// 0..14 = its length (clipped to what is left). Seeds are real streams in that framing
// (tests/data/codecs/make_fixtures.py fuzzseed).
//
// Invariants: any input gives a frame or an error, never a crash, a leak or a hang; a
// returned picture lies inside the limits and every one of its bytes is readable (read
// here, so ASan sees an overread of a bad view); after an error the decoder asks for a
// keyframe.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "tessera/codecs/video/video_decoder.h"

namespace tessera::codecs::fuzz {

// Pictures up to 1280x720 keep each run fast; the size checks are exercised all the same.
inline constexpr int64_t kFuzzMaxPixels = 1280 * 720;

inline uint32_t TouchPicture(const I420View& p) {
  uint32_t sum = 0;
  for (int y = 0; y < p.height; ++y)
    for (int x = 0; x < p.width; ++x)
      sum += p.y[static_cast<ptrdiff_t>(y) * p.stride_y + x];
  for (int y = 0; y < p.chroma_height(); ++y)
    for (int x = 0; x < p.chroma_width(); ++x)
      sum += p.u[static_cast<ptrdiff_t>(y) * p.stride_u + x] + p.v[static_cast<ptrdiff_t>(y) * p.stride_v + x];
  return sum;
}

inline void FuzzVideoDecoder(VideoDecoder& decoder, const uint8_t* data, size_t size) {
  size_t pos = 0;
  uint32_t ts = 0;
  volatile uint32_t sink = 0;
  while (pos + 2 <= size) {
    const unsigned header = (unsigned{data[pos]} << 8) | data[pos + 1];
    pos += 2;
    const size_t length = std::min<size_t>(header & 0x7fff, size - pos);
    if (header & 0x8000) decoder.NotifyDataLost();
    auto r = decoder.Decode({data + pos, length}, ts);
    pos += length;
    ts += 3000;
    if (!r) {
      if (r.error().code != CodecErrorCode::kInvalidArgument && !decoder.NeedsKeyframe()) __builtin_trap();
      continue;
    }
    if (!r->has_value()) continue;
    const I420View& p = (*r)->picture;
    if (p.empty() || int64_t{p.width} * p.height > kFuzzMaxPixels) __builtin_trap();
    if ((*r)->intact == decoder.NeedsKeyframe()) __builtin_trap();
    sink = sink + TouchPicture(p);
  }
}

inline std::unique_ptr<VideoDecoder> MakeFuzzDecoder(CodecId codec, VideoDecoderImplementation implementation) {
  auto d = CreateVideoDecoder({.codec = codec, .implementation = implementation, .max_pixels = kFuzzMaxPixels});
  if (!d) __builtin_trap();
  return std::move(*d);
}

}  // namespace tessera::codecs::fuzz

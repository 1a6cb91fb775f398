#include "server/png.h"

#include <libyuv/convert_argb.h>
#include <libyuv/scale.h>
#include <zlib.h>

#include <vector>

namespace tessera::mcu {
namespace {

void PutU32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

void Chunk(std::string& out, const char type[4], const std::string& data) {
  PutU32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out.append(type, 4);
  out += data;
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(out.data() + start), static_cast<uInt>(out.size() - start));
  PutU32(out, static_cast<uint32_t>(crc));
}

}  // namespace

std::string EncodePngRgb(std::span<const uint8_t> rgb, int width, int height) {
  const size_t row = static_cast<size_t>(width) * 3;
  if (width <= 0 || height <= 0 || rgb.size() < row * static_cast<size_t>(height)) return {};
  // Each row: filter type 0 (none), then its pixels.
  std::vector<uint8_t> raw;
  raw.reserve((row + 1) * static_cast<size_t>(height));
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);
    raw.insert(raw.end(), rgb.begin() + static_cast<std::ptrdiff_t>(row * y),
               rgb.begin() + static_cast<std::ptrdiff_t>(row * (y + 1)));
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, raw.data(), static_cast<uLong>(raw.size()),
                Z_BEST_SPEED) != Z_OK)
    return {};
  packed.resize(packed_size);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  PutU32(ihdr, static_cast<uint32_t>(width));
  PutU32(ihdr, static_cast<uint32_t>(height));
  ihdr += '\x08';                // bit depth
  ihdr += '\x02';                // colour type: RGB
  ihdr += std::string(3, '\0');  // deflate, filter method 0, no interlace
  Chunk(png, "IHDR", ihdr);
  Chunk(png, "IDAT", packed);
  Chunk(png, "IEND", {});
  return png;
}

std::string EncodePngI420(const I420View& picture, int width, int height) {
  if (picture.empty() || width <= 0 || height <= 0) return {};
  I420Buffer scaled(width, height);
  I420MutableView dst = scaled.view();
  libyuv::I420Scale(picture.y, picture.stride_y, picture.u, picture.stride_u, picture.v, picture.stride_v,
                    picture.width, picture.height, dst.y, dst.stride_y, dst.u, dst.stride_u, dst.v, dst.stride_v, width,
                    height, libyuv::kFilterBox);
  std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3);
  // libyuv's "RAW" is R, G, B in memory (its "RGB24" is B, G, R).
  const I420View s = scaled.const_view();
  libyuv::I420ToRAW(s.y, s.stride_y, s.u, s.stride_u, s.v, s.stride_v, rgb.data(), width * 3, width, height);
  return EncodePngRgb(rgb, width, height);
}

}  // namespace tessera::mcu

#pragma once
// A minimal PNG writer for the layout preview: 8-bit RGB, no interlace, filter 0, one
// zlib stream in one IDAT chunk. Pure functions; any thread.

#include <cstdint>
#include <span>
#include <string>

#include "tessera/base/video_frame.h"

namespace tessera::mcu {

// `rgb` holds width * height * 3 bytes, rows top to bottom, R G B order.
std::string EncodePngRgb(std::span<const uint8_t> rgb, int width, int height);
// `picture` scaled to width x height (box filter) and encoded; empty for an empty picture.
std::string EncodePngI420(const I420View& picture, int width, int height);

}  // namespace tessera::mcu

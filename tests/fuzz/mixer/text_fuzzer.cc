// Participant names are chosen by whoever calls in (a SIP display name, an H.323 alias):
// any bytes must decode, give initials, and render through FreeType within the width
// asked for, without a crash.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "tessera/mixer/video/text_renderer.h"

using namespace tessera::mixer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<TextRenderer> renderer = [] {
    auto r = CreateFreeTypeTextRenderer(kDefaultFontPath);
    return r ? std::move(*r) : nullptr;
  }();
  if (size < 2) return 0;
  const int pixel_size = data[0] % 64;
  const int max_width = data[1] * 4;
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  const auto decoded = DecodeUtf8(text);
  if (decoded.size() > text.size()) __builtin_trap();
  if (Initials(text).size() > 8) __builtin_trap();
  if (renderer != nullptr && text.size() < 512) {
    const AlphaBitmap b = renderer->Render(text, pixel_size, max_width);
    if (b.width > max_width || b.pixels.size() != static_cast<size_t>(b.width) * b.height) __builtin_trap();
  }
  return 0;
}

#pragma once
// Overlay: a pre-rendered I420 picture with per-pixel alpha (a name label, placeholder
// initials), built once per change and blended per frame with the blend kernel.

#include <cstdint>

#include "tessera/mixer/aligned_array.h"
#include "tessera/mixer/video/color.h"
#include "tessera/mixer/video/layout.h"
#include "tessera/mixer/video/text_renderer.h"

namespace tessera::mixer {

struct Overlay {
  int width = 0;   // even
  int height = 0;  // even
  // Luma colour and alpha (width x height), chroma colours and alpha (width/2 x height/2),
  // rows packed.
  AlignedArray<uint8_t> y, a, u, v, a_uv;
  bool empty() const { return width == 0 || height == 0; }
};

// Text over a box: `box_alpha` of `box` behind the text, `pad` pixels around it, the text
// in `ink`. With box_alpha 0 only the text shows (placeholder initials).
void BuildTextOverlay(const AlphaBitmap& text, Yuv ink, Yuv box, uint8_t box_alpha, int pad, Overlay& out);

}  // namespace tessera::mixer

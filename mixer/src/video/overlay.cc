#include "video/overlay.h"

#include <algorithm>
#include <cmath>

namespace tessera::mixer {

void BuildTextOverlay(const AlphaBitmap& text, Yuv ink, Yuv box, uint8_t box_alpha, int pad, Overlay& out) {
  out.width = (text.width + 2 * pad + 1) / 2 * 2;
  out.height = (text.height + 2 * pad + 1) / 2 * 2;
  if (text.width == 0 || text.height == 0) {
    out.width = out.height = 0;
    return;
  }
  const size_t luma = static_cast<size_t>(out.width) * out.height;
  const size_t chroma = luma / 4;
  for (auto* plane : {&out.y, &out.a})
    plane->Resize(luma);
  for (auto* plane : {&out.u, &out.v, &out.a_uv})
    plane->Resize(chroma);
  // Per pixel: the text over the box as one layer. alpha = 1 - (1 - box)(1 - ink coverage);
  // colour = the alpha-weighted mix (so blending once equals blending box, then text).
  const double box_a = box_alpha / 255.0;
  std::vector<double> alpha(luma), ink_share(luma);
  for (int yy = 0; yy < out.height; ++yy) {
    for (int xx = 0; xx < out.width; ++xx) {
      const int tx = xx - pad, ty = yy - pad;
      const double cover = tx >= 0 && ty >= 0 && tx < text.width && ty < text.height ? text.at(tx, ty) / 255.0 : 0;
      const double a = 1 - (1 - box_a) * (1 - cover);
      const size_t i = static_cast<size_t>(yy) * out.width + xx;
      alpha[i] = a;
      ink_share[i] = a > 0 ? cover / a : 0;
      out.a[i] = static_cast<uint8_t>(std::lround(a * 255));
      out.y[i] = static_cast<uint8_t>(std::lround(box.y + (ink.y - box.y) * ink_share[i]));
    }
  }
  const int cw = out.width / 2;
  for (int cy = 0; cy < out.height / 2; ++cy) {
    for (int cx = 0; cx < cw; ++cx) {
      double sum_a = 0, sum_ink = 0;
      for (int k = 0; k < 4; ++k) {
        const size_t i = static_cast<size_t>(2 * cy + k / 2) * out.width + 2 * cx + k % 2;
        sum_a += alpha[i];
        sum_ink += alpha[i] * ink_share[i];
      }
      const double share = sum_a > 0 ? sum_ink / sum_a : 0;
      const size_t o = static_cast<size_t>(cy) * cw + cx;
      out.a_uv[o] = static_cast<uint8_t>(std::lround(sum_a / 4 * 255));
      out.u[o] = static_cast<uint8_t>(std::lround(box.u + (ink.u - box.u) * share));
      out.v[o] = static_cast<uint8_t>(std::lround(box.v + (ink.v - box.v) * share));
    }
  }
}

}  // namespace tessera::mixer

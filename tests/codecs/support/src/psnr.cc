#include "tessera/codecs_testing/psnr.h"

#include <cmath>
#include <cstdint>

namespace tessera::codecs_testing {
namespace {

double SquaredError(const uint8_t* a, int stride_a, const uint8_t* b, int stride_b, int w, int h) {
  double sum = 0;
  for (int y = 0; y < h; ++y) {
    const uint8_t* ra = a + static_cast<ptrdiff_t>(y) * stride_a;
    const uint8_t* rb = b + static_cast<ptrdiff_t>(y) * stride_b;
    int64_t row = 0;
    for (int x = 0; x < w; ++x) {
      const int d = ra[x] - rb[x];
      row += d * d;
    }
    sum += static_cast<double>(row);
  }
  return sum;
}

double ToPsnr(double sse, double samples) {
  if (sse <= 0) return 100.0;
  return std::min(100.0, 10.0 * std::log10(255.0 * 255.0 * samples / sse));
}

}  // namespace

double PsnrY(const I420View& a, const I420View& b) {
  if (a.width != b.width || a.height != b.height) return 0;
  return ToPsnr(SquaredError(a.y, a.stride_y, b.y, b.stride_y, a.width, a.height),
                static_cast<double>(a.width) * a.height);
}

double PsnrI420(const I420View& a, const I420View& b) {
  if (a.width != b.width || a.height != b.height) return 0;
  const int cw = a.chroma_width(), ch = a.chroma_height();
  const double sse = SquaredError(a.y, a.stride_y, b.y, b.stride_y, a.width, a.height) +
                     SquaredError(a.u, a.stride_u, b.u, b.stride_u, cw, ch) +
                     SquaredError(a.v, a.stride_v, b.v, b.stride_v, cw, ch);
  return ToPsnr(sse, static_cast<double>(a.width) * a.height + 2.0 * cw * ch);
}

}  // namespace tessera::codecs_testing

#pragma once
// Peak signal-to-noise ratio between two I420 pictures of the same size, in dB (capped at
// 100 dB for identical pictures), over luma only or over all three planes weighted by size.

#include "tessera/base/video_frame.h"

namespace tessera::codecs_testing {

double PsnrY(const I420View& a, const I420View& b);
double PsnrI420(const I420View& a, const I420View& b);

}  // namespace tessera::codecs_testing

#include "tessera/mcu/stream/media_tap.h"

#include <algorithm>

namespace tessera::mcu::stream {

void VideoTap::Push(std::span<const uint8_t> access_unit, bool keyframe, int64_t time_us, int width, int height,
                    int fps) {
  if (skipping_ && !keyframe) return;
  VideoTapFrame* slot = ring_.Back();
  if (!slot) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    skipping_ = true;
    keyframe_wanted_.store(true, std::memory_order_relaxed);
    return;
  }
  skipping_ = false;
  if (keyframe) keyframe_wanted_.store(false, std::memory_order_relaxed);
  slot->data.assign(access_unit.begin(), access_unit.end());  // allocates only to grow
  slot->keyframe = keyframe;
  slot->time_us = time_us;
  slot->width = width;
  slot->height = height;
  slot->fps = fps;
  ring_.Commit();
}

void AudioTap::Push(std::span<const int16_t> samples, int64_t time_us) {
  AudioTapFrame* slot = ring_.Back();
  if (!slot) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const size_t n = std::min(samples.size(), AudioTapFrame::kSamples);
  std::copy_n(samples.begin(), n, slot->samples.begin());
  std::fill(slot->samples.begin() + static_cast<std::ptrdiff_t>(n), slot->samples.end(), int16_t{0});
  slot->time_us = time_us;
  ring_.Commit();
}

}  // namespace tessera::mcu::stream

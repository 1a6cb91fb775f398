#pragma once
// Packet-loss concealment for the codecs without their own (G.711, G.722): the last
// decoded frame is played again, fading by half per lost frame and reaching silence at the
// third, ramped across each frame so there is no click. A lost 20 ms frame of speech is
// then barely noticed, and a long gap goes quiet instead of buzzing.
//
// Thread safety: part of one decoder, used on its thread.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tessera::codecs {

class FadeConcealer {
 public:
  static constexpr size_t kMaxHistory = 960;  // 60 ms at 16 kHz

  // Remembers the frame just decoded and ends any fade.
  void Remember(std::span<const int16_t> frame) {
    history_size_ = std::min(frame.size(), history_.size());
    std::copy_n(frame.end() - static_cast<ptrdiff_t>(history_size_), history_size_, history_.begin());
    lost_ = 0;
    position_ = 0;
  }

  // Writes `samples` of concealment into `out`.
  void Conceal(std::span<int16_t> out) {
    const float start = Gain(lost_), end = Gain(lost_ + 1);
    ++lost_;
    if (history_size_ == 0 || start == 0.0f) {
      std::fill(out.begin(), out.end(), int16_t{0});
      return;
    }
    const float step = out.size() > 1 ? (end - start) / static_cast<float>(out.size()) : 0.0f;
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<int16_t>(static_cast<float>(history_[position_]) * (start + step * static_cast<float>(i)));
      position_ = (position_ + 1) % history_size_;
    }
  }

 private:
  static float Gain(int lost) { return lost >= 3 ? 0.0f : 1.0f / static_cast<float>(1 << lost); }

  std::array<int16_t, kMaxHistory> history_{};
  size_t history_size_ = 0;
  size_t position_ = 0;
  int lost_ = 0;
};

}  // namespace tessera::codecs

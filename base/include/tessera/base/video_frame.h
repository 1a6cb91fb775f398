#pragma once
// I420 (YUV 4:2:0 planar) frames as the whole pipeline passes them: decoders produce them,
// the compositor scales them into the canvas, encoders consume the canvas. Views are
// pointer + stride (style.md practice 3), so they describe an AVFrame, a libyuv buffer or a
// sub-rectangle (tile) of the canvas without copying.
//
// Thread safety: views are plain values; an I420Buffer is owned by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace tessera {

// Read-only view of an I420 picture. Chroma planes are ((width+1)/2) x ((height+1)/2).
struct I420View {
  const uint8_t* y = nullptr;
  const uint8_t* u = nullptr;
  const uint8_t* v = nullptr;
  int stride_y = 0;
  int stride_u = 0;
  int stride_v = 0;
  int width = 0;
  int height = 0;

  bool empty() const { return y == nullptr || width <= 0 || height <= 0; }
  int chroma_width() const { return (width + 1) / 2; }
  int chroma_height() const { return (height + 1) / 2; }
};

// Writable view (a canvas, or a tile of it).
struct I420MutableView {
  uint8_t* y = nullptr;
  uint8_t* u = nullptr;
  uint8_t* v = nullptr;
  int stride_y = 0;
  int stride_u = 0;
  int stride_v = 0;
  int width = 0;
  int height = 0;

  bool empty() const { return y == nullptr || width <= 0 || height <= 0; }
  int chroma_width() const { return (width + 1) / 2; }
  int chroma_height() const { return (height + 1) / 2; }
  I420View AsConst() const { return {y, u, v, stride_y, stride_u, stride_v, width, height}; }
  // The rectangle (x, y, w, h) of this picture; x and y must be even (4:2:0 siting).
  I420MutableView SubRect(int x, int top, int w, int h) const {
    return {y + static_cast<ptrdiff_t>(top) * stride_y + x,
            u + static_cast<ptrdiff_t>(top / 2) * stride_u + x / 2,
            v + static_cast<ptrdiff_t>(top / 2) * stride_v + x / 2,
            stride_y,
            stride_u,
            stride_v,
            w,
            h};
  }
};

// An owned I420 picture: one allocation, every plane and row start 64-byte aligned so SIMD
// kernels never split cache lines. Allocate once (at configure time), reuse per frame.
class I420Buffer {
 public:
  I420Buffer() = default;
  I420Buffer(int width, int height) { Allocate(width, height); }

  void Allocate(int width, int height) {
    width_ = width;
    height_ = height;
    stride_y_ = Align(width);
    stride_uv_ = Align((width + 1) / 2);
    const size_t y_size = static_cast<size_t>(stride_y_) * height;
    const size_t uv_size = static_cast<size_t>(stride_uv_) * ((height + 1) / 2);
    const size_t total = y_size + 2 * uv_size;
    memory_.reset(static_cast<uint8_t*>(std::aligned_alloc(kAlignment, total == 0 ? kAlignment : total)));
    u_offset_ = y_size;
    v_offset_ = y_size + uv_size;
  }

  int width() const { return width_; }
  int height() const { return height_; }
  I420MutableView view() {
    uint8_t* base = memory_.get();
    return {base, base + u_offset_, base + v_offset_, stride_y_, stride_uv_, stride_uv_, width_, height_};
  }
  I420View const_view() const {
    const uint8_t* base = memory_.get();
    return {base, base + u_offset_, base + v_offset_, stride_y_, stride_uv_, stride_uv_, width_, height_};
  }

  static constexpr int kAlignment = 64;

 private:
  static int Align(int n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t[], Free> memory_;
  int width_ = 0;
  int height_ = 0;
  int stride_y_ = 0;
  int stride_uv_ = 0;
  size_t u_offset_ = 0;
  size_t v_offset_ = 0;
};

}  // namespace tessera

#pragma once
// AlignedArray<T>: a growable array whose storage starts on a 64-byte boundary (a cache
// line and a ZMM register), zero-filled when it grows. Kernel inputs and scratch rows use
// it so SIMD loads never split cache lines, and Resize() to a size seen before never
// allocates: buffers are sized when a layout or a source changes, not per frame.
//
// Thread safety: a plain value type; one owner at a time.

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <type_traits>

namespace tessera::mixer {

template <typename T>
class AlignedArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  static constexpr size_t kAlignment = 64;

  AlignedArray() = default;
  explicit AlignedArray(size_t n) { Resize(n); }
  AlignedArray(AlignedArray&&) noexcept = default;
  AlignedArray& operator=(AlignedArray&&) noexcept = default;

  // Keeps the first min(size, n) elements; new elements are zero. Allocates only when n
  // exceeds the capacity.
  void Resize(size_t n) {
    if (n > capacity_) {
      const size_t bytes = (n * sizeof(T) + kAlignment - 1) / kAlignment * kAlignment;
      void* p = std::aligned_alloc(kAlignment, bytes);
      if (p == nullptr) throw std::bad_alloc();
      std::memset(p, 0, bytes);
      if (size_ > 0) std::memcpy(p, data_.get(), size_ * sizeof(T));
      data_.reset(static_cast<T*>(p));
      capacity_ = bytes / sizeof(T);
    } else if (n > size_) {
      std::memset(static_cast<void*>(data_.get() + size_), 0, (n - size_) * sizeof(T));
    }
    size_ = n;
  }
  void Clear() { size_ = 0; }

  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_.get()[i]; }
  const T& operator[](size_t i) const { return data_.get()[i]; }
  std::span<T> span() { return {data_.get(), size_}; }
  std::span<const T> span() const { return {data_.get(), size_}; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace tessera::mixer

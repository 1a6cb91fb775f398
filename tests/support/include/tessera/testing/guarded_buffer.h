#pragma once
// GuardedBuffer<T>: n elements that end exactly where an inaccessible page begins, so a
// kernel that reads or writes one element past the end crashes the test instead of passing
// silently (style.md practice 2). The start is then only as aligned as n * sizeof(T) makes
// it, which also exercises unaligned loads.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>

namespace tessera::testing {

template <typename T>
class GuardedBuffer {
 public:
  explicit GuardedBuffer(size_t n) : n_(n) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t bytes = n * sizeof(T);
    data_pages_ = (bytes + page - 1) / page;
    mapping_size_ = (data_pages_ + 1) * page;
    void* m = mmap(nullptr, mapping_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("mmap failed");
    mapping_ = static_cast<uint8_t*>(m);
    if (mprotect(mapping_ + data_pages_ * page, page, PROT_NONE) != 0) throw std::runtime_error("mprotect failed");
    data_ = reinterpret_cast<T*>(mapping_ + data_pages_ * page - bytes);
  }
  ~GuardedBuffer() { munmap(mapping_, mapping_size_); }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;

  T* data() { return data_; }
  size_t size() const { return n_; }
  std::span<T> span() { return {data_, n_}; }

 private:
  size_t n_;
  size_t data_pages_ = 0;
  size_t mapping_size_ = 0;
  uint8_t* mapping_ = nullptr;
  T* data_ = nullptr;
};

}  // namespace tessera::testing

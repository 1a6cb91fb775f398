#include "tessera/mcu/transport/symmetric_latch.h"

#include <cstring>

namespace tessera::mcu::transport {

bool SymmetricLatch::OnValidPacket(const Endpoint& from, rtp::TimePoint now) {
  if (latched_ && *latched_ == from) {
    last_seen_ = now;
    return false;
  }
  if (latched_ && now - last_seen_ < relatch_after_) {
    ++foreign_;
    return false;
  }
  if (latched_) ++relatches_;
  latched_ = from;
  last_seen_ = now;
  return true;
}

void AtomicEndpoint::Store(const std::optional<Endpoint>& endpoint) {
  uint64_t words[kWords] = {};
  uint32_t size = 0;
  if (endpoint && endpoint->size() <= sizeof(words)) {
    size = static_cast<uint32_t>(endpoint->size());
    std::memcpy(words, endpoint->data(), size);
  }
  // Odd sequence: a write is in progress; readers retry.
  const uint32_t s = sequence_.load(std::memory_order_relaxed);
  sequence_.store(s + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  size_.store(size, std::memory_order_relaxed);
  for (size_t i = 0; i < kWords; ++i)
    words_[i].store(words[i], std::memory_order_relaxed);
  sequence_.store(s + 2, std::memory_order_release);
}

std::optional<Endpoint> AtomicEndpoint::Load() const {
  uint64_t words[kWords];
  uint32_t size;
  while (true) {
    const uint32_t before = sequence_.load(std::memory_order_acquire);
    if (before & 1) continue;
    size = size_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < kWords; ++i)
      words[i] = words_[i].load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (sequence_.load(std::memory_order_relaxed) == before) break;
  }
  if (size == 0) return std::nullopt;
  Endpoint e;
  std::memcpy(e.data(), words, size);
  e.resize(size);
  return e;
}

}  // namespace tessera::mcu::transport

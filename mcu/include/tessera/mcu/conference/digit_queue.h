#pragma once
// SpscRing: a bounded lock-free queue between one producer thread and one consumer thread;
// when full, further items are dropped and counted rather than block a media strand.
//
// DigitQueue: DTMF digits a participant keyed, from the room's audio strand (the only
// producer) to the control plane (the only consumer, under the conference manager's mutex).

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace tessera::mcu::conference {

template <typename T, uint32_t kCapacity>
class SpscRing {
 public:
  // Producer. False (and counted) when full.
  bool Push(const T& item) {
    const uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) >= kCapacity) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    slots_[tail % kCapacity] = item;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }
  // Consumer. False when empty.
  bool Pop(T& item) {
    const uint32_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return false;
    item = slots_[head % kCapacity];
    head_.store(head + 1, std::memory_order_release);
    return true;
  }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  std::array<T, kCapacity> slots_{};
  std::atomic<uint32_t> head_{0};
  std::atomic<uint32_t> tail_{0};
  std::atomic<uint64_t> dropped_{0};
};

class DigitQueue {
 public:
  // Audio strand.
  void Push(char digit) { (void)ring_.Push(digit); }
  // Control plane: every digit queued so far, oldest first.
  std::string TakeAll() {
    std::string digits;
    for (char d = 0; ring_.Pop(d);)
      digits.push_back(d);
    return digits;
  }
  uint64_t dropped() const { return ring_.dropped(); }

 private:
  SpscRing<char, 32> ring_;
};

}  // namespace tessera::mcu::conference

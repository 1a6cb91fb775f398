#pragma once
// DigitQueue: DTMF digits a participant keyed, from the room's audio strand (the only
// producer) to the control plane (the only consumer, under the conference manager's
// mutex). Lock-free and bounded: when the control plane does not read, further digits are
// dropped and counted rather than block a media strand.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace tessera::mcu::conference {

class DigitQueue {
 public:
  // Audio strand.
  void Push(char digit) {
    const uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) >= kCapacity) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    slots_[tail % kCapacity] = digit;
    tail_.store(tail + 1, std::memory_order_release);
  }
  // Control plane: every digit queued so far, oldest first.
  std::string TakeAll() {
    std::string digits;
    uint32_t head = head_.load(std::memory_order_relaxed);
    const uint32_t tail = tail_.load(std::memory_order_acquire);
    for (; head != tail; ++head)
      digits.push_back(slots_[head % kCapacity]);
    head_.store(head, std::memory_order_release);
    return digits;
  }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  static constexpr uint32_t kCapacity = 32;
  std::array<char, kCapacity> slots_{};
  std::atomic<uint32_t> head_{0};
  std::atomic<uint32_t> tail_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace tessera::mcu::conference

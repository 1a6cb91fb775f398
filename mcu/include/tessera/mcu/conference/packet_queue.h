#pragma once
// PacketQueue: the hand-over of received datagrams from the network thread to the room's
// strand, without a lock and without allocating: a single-producer single-consumer ring of
// fixed-size slots, allocated once when the participant is created.
//
// The network thread (after SRTP removal) pushes; the room strand drains it on every tick.
// A full ring drops the new datagram and counts it (a stalled room must never make the
// network thread wait, and the jitter buffer treats the gap as loss).
//
// Thread safety: Push from one thread (the network thread owning the transport), Front/Pop
// from one other (the room strand). overflows() from any.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::conference {

class PacketQueue {
 public:
  static constexpr size_t kMaxPacket = 2048;  // RtpTransport::kMaxDatagram

  struct Packet {
    rtp::TimePoint arrival{};
    uint16_t size = 0;
    bool rtcp = false;
    alignas(16) uint8_t data[kMaxPacket];
    std::span<uint8_t> bytes() { return {data, size}; }
  };

  // `capacity` is rounded up to a power of two.
  explicit PacketQueue(size_t capacity) {
    size_t n = 1;
    while (n < capacity) n <<= 1;
    slots_ = std::make_unique<Packet[]>(n);
    mask_ = n - 1;
  }

  // Producer. False (and counted) when the ring is full or the packet too large.
  bool Push(std::span<const uint8_t> data, bool rtcp, rtp::TimePoint arrival) {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (data.size() > kMaxPacket || head - tail_.load(std::memory_order_acquire) > mask_) {
      overflows_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    Packet& slot = slots_[head & mask_];
    slot.arrival = arrival;
    slot.size = static_cast<uint16_t>(data.size());
    slot.rtcp = rtcp;
    std::memcpy(slot.data, data.data(), data.size());
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer: the oldest packet, or null when empty; valid until Pop().
  Packet* Front() {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) return nullptr;
    return &slots_[tail & mask_];
  }
  void Pop() { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  size_t capacity() const { return mask_ + 1; }
  uint64_t overflows() const { return overflows_.load(std::memory_order_relaxed); }

 private:
  std::unique_ptr<Packet[]> slots_;
  size_t mask_ = 0;
  alignas(64) std::atomic<uint64_t> head_{0};  // written by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};  // written by the consumer
  std::atomic<uint64_t> overflows_{0};
};

}  // namespace tessera::mcu::conference

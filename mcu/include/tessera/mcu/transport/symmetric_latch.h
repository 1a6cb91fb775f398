#pragma once
// Symmetric RTP (RFC 4961) for endpoints behind NAT: send to the address the endpoint's
// packets come from, not to the one its SDP announced.
//
// Only packets the upper layer accepted (parsed, routed, SRTP-authenticated) may move the
// latch, so a stranger cannot steal a stream by sending junk. The first valid packet
// latches; after that, a valid packet from another address moves the latch only when the
// latched address has been silent for `relatch_after` (a NAT rebinding or a roaming
// phone), never while it is alive (a spoofer racing the endpoint).
//
// Thread safety: owned by the transport on the network thread.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "tessera/mcu/rtp/ntp_time.h"
#include "tessera/mcu/transport/udp_batch_io.h"

namespace tessera::mcu::transport {

class SymmetricLatch {
 public:
  explicit SymmetricLatch(std::chrono::milliseconds relatch_after = std::chrono::milliseconds(2000))
      : relatch_after_(relatch_after) {}

  // A valid packet arrived from `from`; returns true if the latched address changed.
  bool OnValidPacket(const Endpoint& from, rtp::TimePoint now);
  std::optional<Endpoint> latched() const { return latched_; }
  uint64_t relatches() const { return relatches_; }
  uint64_t foreign_packets() const { return foreign_; }  // valid, from elsewhere, not latched
  void Reset() { latched_.reset(); }

 private:
  std::chrono::milliseconds relatch_after_;
  std::optional<Endpoint> latched_;
  rtp::TimePoint last_seen_{};
  uint64_t relatches_ = 0;
  uint64_t foreign_ = 0;
};

// An endpoint written by one thread and read by others without a lock (a seqlock over
// atomics): the network thread latches, the media threads send.
class AtomicEndpoint {
 public:
  void Store(const std::optional<Endpoint>& endpoint);
  std::optional<Endpoint> Load() const;

 private:
  static constexpr size_t kWords = 4;  // 32 bytes: a sockaddr_in6 (28) fits
  std::atomic<uint32_t> sequence_{0};
  std::atomic<uint32_t> size_{0};  // 0: none
  std::array<std::atomic<uint64_t>, kWords> words_{};
};

}  // namespace tessera::mcu::transport

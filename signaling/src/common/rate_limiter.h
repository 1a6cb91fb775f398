#pragma once
// Token buckets keyed by source address: how many requests (or failed authentications) one
// address may make per second, with a burst. The table is bounded: when it is full, idle
// entries (full buckets) are dropped first, then everything — a flood of spoofed sources
// can reset the limits but never exhaust memory.
//
// Thread: owned by one object on the control thread.

#include <boost/asio/ip/address.hpp>

#include <array>
#include <chrono>
#include <string>
#include <unordered_map>

namespace tessera::signaling {

class SourceRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // `rate` tokens per second, at most `burst` saved; rate 0 = unlimited.
  SourceRateLimiter(double rate, double burst, size_t max_entries = 65536)
      : rate_(rate), burst_(burst), max_entries_(max_entries) {}

  // Takes one token for `address`; false if none is left.
  bool Allow(const boost::asio::ip::address& address, Clock::time_point now);
  // True if `address` has no token left (without taking one).
  bool Exhausted(const boost::asio::ip::address& address, Clock::time_point now);
  size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  static std::string Key(const boost::asio::ip::address& a);
  Bucket& Refill(const boost::asio::ip::address& address, Clock::time_point now);

  double rate_;
  double burst_;
  size_t max_entries_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace tessera::signaling

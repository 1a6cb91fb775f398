#include "common/rate_limiter.h"

#include <algorithm>

namespace tessera::signaling {

std::string SourceRateLimiter::Key(const boost::asio::ip::address& a) {
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    return std::string(b.begin(), b.end());
  }
  const auto b = a.to_v6().to_bytes();
  return std::string(b.begin(), b.end());
}

SourceRateLimiter::Bucket& SourceRateLimiter::Refill(const boost::asio::ip::address& address, Clock::time_point now) {
  std::string key = Key(address);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_entries_) {
      std::erase_if(buckets_, [&](const auto& e) {
        const double seconds = std::chrono::duration<double>(now - e.second.last).count();
        return e.second.tokens + seconds * rate_ >= burst_;
      });
      if (buckets_.size() >= max_entries_) buckets_.clear();
    }
    it = buckets_.emplace(std::move(key), Bucket{burst_, now}).first;
    return it->second;
  }
  Bucket& b = it->second;
  const double seconds = std::chrono::duration<double>(now - b.last).count();
  if (seconds > 0) {
    b.tokens = std::min(burst_, b.tokens + seconds * rate_);
    b.last = now;
  }
  return b;
}

bool SourceRateLimiter::Allow(const boost::asio::ip::address& address, Clock::time_point now) {
  if (rate_ <= 0) return true;
  Bucket& b = Refill(address, now);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

bool SourceRateLimiter::Exhausted(const boost::asio::ip::address& address, Clock::time_point now) {
  if (rate_ <= 0) return false;
  return Refill(address, now).tokens < 1.0;
}

}  // namespace tessera::signaling

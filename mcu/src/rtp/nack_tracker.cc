#include "tessera/mcu/rtp/nack_tracker.h"

#include <algorithm>

namespace tessera::mcu::rtp {
namespace {

size_t RoundUpToPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p < n)
    p <<= 1;
  return p;
}

}  // namespace

NackTracker::NackTracker(const NackConfig& config) : config_(config), reorder_grace_(config.reorder_grace) {
  config_.max_list_size = std::max<size_t>(1, config_.max_list_size);
  entries_.resize(RoundUpToPowerOfTwo(config_.max_list_size));
  mask_ = entries_.size() - 1;
}

void NackTracker::Reset() {
  head_ = 0;
  count_ = 0;
  alive_ = 0;
  highest_.reset();
  lost_through_.reset();
}

void NackTracker::PopFront() {
  head_ = (head_ + 1) & mask_;
  --count_;
}

void NackTracker::TrimFront() {
  while (count_ > 0 && !At(0).present)
    PopFront();
}

void NackTracker::GiveUp(int64_t sequence_number) {
  ++stats_.gave_up;
  if (!lost_through_ || sequence_number > *lost_through_) lost_through_ = sequence_number;
}

NackTracker::Arrival NackTracker::OnPacket(int64_t sequence_number, TimePoint now) {
  if (!highest_) {
    highest_ = sequence_number;
    return Arrival::kInOrder;
  }
  if (sequence_number > *highest_) {
    const int64_t gap = sequence_number - *highest_ - 1;
    if (gap > 0) {
      if (count_ + static_cast<size_t>(gap) > config_.max_list_size) {
        // Too many to ask for: abandon the whole list and the new gap at once.
        ++stats_.overflows;
        stats_.gave_up += alive_ + static_cast<uint64_t>(gap);
        lost_through_ = sequence_number - 1;
        head_ = 0;
        count_ = 0;
        alive_ = 0;
      } else {
        for (int64_t s = *highest_ + 1; s < sequence_number; ++s) {
          Entry& e = entries_[(head_ + count_) & mask_];
          e = Entry{s, now, now, 0, true};
          ++count_;
          ++alive_;
        }
      }
    }
    highest_ = sequence_number;
    return Arrival::kInOrder;
  }
  // Older than the highest: it may fill a gap. Entries are sorted, so search.
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (At(mid).sequence_number < sequence_number) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < count_ && At(lo).sequence_number == sequence_number && At(lo).present) {
    const bool requested = At(lo).retries > 0;
    At(lo).present = false;
    --alive_;
    ++stats_.recovered;
    TrimFront();
    return requested ? Arrival::kRetransmitted : Arrival::kReordered;
  }
  return Arrival::kOld;
}

size_t NackTracker::Collect(TimePoint now, std::chrono::microseconds rtt, std::span<uint16_t> out) {
  const auto retry_interval = std::max<std::chrono::microseconds>(rtt, config_.min_retry_interval);
  size_t n = 0;
  for (size_t i = 0; i < count_; ++i) {
    Entry& e = At(i);
    if (!e.present) continue;
    if (e.retries >= config_.max_retries || now - e.detected > config_.max_age) {
      e.present = false;
      --alive_;
      GiveUp(e.sequence_number);
      continue;
    }
    const bool due = e.retries == 0 ? now - e.detected >= reorder_grace_ : now - e.last_sent >= retry_interval;
    if (!due || n >= out.size()) continue;
    out[n++] = static_cast<uint16_t>(e.sequence_number);
    ++e.retries;
    e.last_sent = now;
    ++stats_.requested;
  }
  TrimFront();
  return n;
}

void NackTracker::DropBefore(int64_t sequence_number) {
  while (count_ > 0 && At(0).sequence_number < sequence_number) {
    if (At(0).present) --alive_;
    PopFront();
  }
}

}  // namespace tessera::mcu::rtp

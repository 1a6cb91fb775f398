#include "tessera/signaling/sip/timer.h"

#include <algorithm>

namespace tessera::signaling::sip {

TimerService::Id TimerHeap::Add(TimerService::Clock::time_point deadline, std::function<void()> callback) {
  const TimerService::Id id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  heap_.push({deadline, id});
  // Cancelled entries stay in the heap until they reach the top; rebuild when they dominate.
  if (heap_.size() > 1024 && heap_.size() > 4 * callbacks_.size()) {
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> live;
    while (!heap_.empty()) {
      if (callbacks_.contains(heap_.top().id)) live.push(heap_.top());
      heap_.pop();
    }
    heap_.swap(live);
  }
  return id;
}

void TimerHeap::Cancel(TimerService::Id id) {
  callbacks_.erase(id);
}

void TimerHeap::DropCancelledTop() {
  while (!heap_.empty() && !callbacks_.contains(heap_.top().id))
    heap_.pop();
}

size_t TimerHeap::RunDue(TimerService::Clock::time_point now) {
  size_t ran = 0;
  while (true) {
    DropCancelledTop();
    if (heap_.empty() || heap_.top().deadline > now) return ran;
    const TimerService::Id id = heap_.top().id;
    heap_.pop();
    auto it = callbacks_.find(id);
    std::function<void()> callback = std::move(it->second);
    callbacks_.erase(it);
    callback();  // may add or cancel timers
    ++ran;
  }
}

std::optional<TimerService::Clock::time_point> TimerHeap::NextDeadline() {
  DropCancelledTop();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().deadline;
}

TimerService::Id AsioTimerService::Start(Clock::duration delay, std::function<void()> callback) {
  const Id id = heap_.Add(Clock::now() + delay, std::move(callback));
  Arm();
  return id;
}

void AsioTimerService::Arm() {
  const auto next = heap_.NextDeadline();
  if (!next) return;
  if (armed_for_ && *armed_for_ <= *next) return;  // already armed early enough
  armed_for_ = *next;
  timer_.expires_at(*next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed earlier, or shutting down
    armed_for_.reset();
    heap_.RunDue(Clock::now());
    Arm();
  });
}

void AsioTimerService::CancelAll() {
  heap_.Clear();
  timer_.cancel();
  armed_for_.reset();
}

void ManualTimerService::Advance(Clock::duration d) {
  const Clock::time_point end = now_ + d;
  while (true) {
    const auto next = heap_.NextDeadline();
    if (!next || *next > end) break;
    now_ = std::max(now_, *next);
    heap_.RunDue(now_);
  }
  now_ = end;
}

bool ManualTimerService::AdvanceToNext() {
  const auto next = heap_.NextDeadline();
  if (!next) return false;
  now_ = std::max(now_, *next);
  heap_.RunDue(now_);
  return true;
}

void Timer::Start(TimerService::Clock::duration delay, std::function<void()> callback) {
  Cancel();
  id_ = service_->Start(delay, [this, callback = std::move(callback)] {
    id_ = 0;  // fired: the callback may restart it
    callback();
  });
}

void Timer::Cancel() {
  if (id_ != 0) service_->Cancel(id_);
  id_ = 0;
}

}  // namespace tessera::signaling::sip

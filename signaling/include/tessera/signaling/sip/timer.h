#pragma once
// Timers for the SIP state machines. TimerService is the clock and the scheduler; the
// transaction, dialog and session code only ever sees this interface, so tests drive
// timers A–M and session expiry with ManualTimerService (no sleeps), while the server runs
// AsioTimerService: every pending timer lives in one heap behind a single steady_timer, so
// thousands of transactions cost one kernel timer.
//
// Thread: a service and its callbacks belong to one thread (the control io_context's).
// Callbacks may start and cancel timers, including their own.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

namespace tessera::signaling::sip {

class TimerService {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = uint64_t;  // 0 is never a valid id
  virtual ~TimerService() = default;
  virtual Clock::time_point Now() const = 0;
  virtual Id Start(Clock::duration delay, std::function<void()> callback) = 0;
  // No effect if the timer already fired or was cancelled.
  virtual void Cancel(Id id) = 0;
  virtual size_t pending() const = 0;
};

// The heap both services share: deadline order, lazy cancellation, bounded garbage.
class TimerHeap {
 public:
  TimerService::Id Add(TimerService::Clock::time_point deadline, std::function<void()> callback);
  void Cancel(TimerService::Id id);
  // Runs every callback due at `now`, earliest first; returns how many ran.
  size_t RunDue(TimerService::Clock::time_point now);
  // The earliest pending deadline, if any.
  std::optional<TimerService::Clock::time_point> NextDeadline();
  size_t size() const { return callbacks_.size(); }
  void Clear() {
    callbacks_.clear();
    heap_ = {};
  }

 private:
  struct Entry {
    TimerService::Clock::time_point deadline;
    TimerService::Id id;
    bool operator>(const Entry& o) const { return deadline != o.deadline ? deadline > o.deadline : id > o.id; }
  };
  void DropCancelledTop();
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::unordered_map<TimerService::Id, std::function<void()>> callbacks_;
  TimerService::Id next_id_ = 1;
};

class AsioTimerService final : public TimerService {
 public:
  explicit AsioTimerService(boost::asio::io_context& io) : timer_(io) {}
  Clock::time_point Now() const override { return Clock::now(); }
  Id Start(Clock::duration delay, std::function<void()> callback) override;
  void Cancel(Id id) override { heap_.Cancel(id); }
  size_t pending() const override { return heap_.size(); }
  // Drops every pending timer, so the io_context has nothing left to wait for.
  void CancelAll();

 private:
  void Arm();
  TimerHeap heap_;
  boost::asio::steady_timer timer_;
  std::optional<Clock::time_point> armed_for_;
};

// Time moves only when the test says so.
class ManualTimerService final : public TimerService {
 public:
  Clock::time_point Now() const override { return now_; }
  Id Start(Clock::duration delay, std::function<void()> callback) override {
    return heap_.Add(now_ + delay, std::move(callback));
  }
  void Cancel(Id id) override { heap_.Cancel(id); }
  size_t pending() const override { return heap_.size(); }
  // Advances the clock by `d`, firing every timer due on the way at its own deadline.
  void Advance(Clock::duration d);
  // Advances to the next deadline (if any) and fires what is due; returns false if none.
  bool AdvanceToNext();

 private:
  TimerHeap heap_;
  Clock::time_point now_{std::chrono::hours(24)};
};

// One restartable timer; cancels itself when destroyed, so a callback never outlives its
// owner.
class Timer {
 public:
  explicit Timer(TimerService& service) : service_(&service) {}
  ~Timer() { Cancel(); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void Start(TimerService::Clock::duration delay, std::function<void()> callback);
  void Cancel();
  bool active() const { return id_ != 0; }

 private:
  TimerService* service_;
  TimerService::Id id_ = 0;
};

}  // namespace tessera::signaling::sip

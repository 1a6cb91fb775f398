#pragma once
// EventHub: the core's ControlEvents as a numbered stream for WebSocket clients. Each event
// gets the next sequence number and is kept in a bounded history, so that a client that
// reconnects with the last number it saw gets everything after it — or is told plainly
// that the history no longer reaches back that far.
//
// Thread safety: Publish() and Since() may be called from any thread (media strands
// publish talking/speaker events); a short mutex guards the history. Delivery to
// subscribers is posted to the control io_context, in sequence order; Subscribe and
// Unsubscribe are called on that thread only.

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tessera/mcu/control.h"

namespace tessera::signaling::api {

struct NumberedEvent {
  uint64_t seq = 0;
  std::string json;  // the whole message: {"seq":..,"type":..,"room":..,...}
};

class EventHub {
 public:
  EventHub(boost::asio::io_context& control, size_t history);
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  void Publish(const mcu::ControlEvent& event);

  struct Replay {
    std::vector<NumberedEvent> events;  // every kept event with seq > `since`, in order
    uint64_t last = 0;                  // the newest sequence number (0: none yet)
    uint64_t oldest = 0;                // the oldest kept (0: none kept)
    bool gap = false;                   // events after `since` were dropped from the history
  };
  Replay Since(uint64_t since) const;

  using Subscriber = std::function<void(const NumberedEvent&)>;
  uint64_t Subscribe(Subscriber subscriber);
  void Unsubscribe(uint64_t id);

  // The event's JSON message (exposed for tests).
  static std::string Format(uint64_t seq, const mcu::ControlEvent& event);

 private:
  void Deliver(const NumberedEvent& event);  // control thread

  boost::asio::io_context& control_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<NumberedEvent> history_;  // guarded by mutex_
  uint64_t last_ = 0;                  // guarded by mutex_
  // Control thread.
  std::map<uint64_t, Subscriber> subscribers_;
  uint64_t next_subscriber_ = 1;
};

}  // namespace tessera::signaling::api

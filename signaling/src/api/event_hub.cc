#include "tessera/signaling/api/event_hub.h"

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

namespace tessera::signaling::api {

EventHub::EventHub(boost::asio::io_context& control, size_t history)
    : control_(control), capacity_(std::max<size_t>(history, 1)) {}

std::string EventHub::Format(uint64_t seq, const mcu::ControlEvent& event) {
  nlohmann::json data = nlohmann::json::object();
  for (const auto& [key, value] : event.fields)
    data[key] = value;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  nlohmann::json j{{"seq", seq}, {"type", event.type}, {"time_ms", ms}, {"room", event.room}, {"data", data}};
  if (!event.participant.empty()) j["participant"] = event.participant;
  // Event text comes from the core and participants (display names): dump() escapes it and
  // replaces invalid UTF-8 rather than throwing.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void EventHub::Publish(const mcu::ControlEvent& event) {
  std::lock_guard lock(mutex_);
  NumberedEvent numbered{++last_, ""};
  numbered.json = Format(numbered.seq, event);
  history_.push_back(numbered);
  if (history_.size() > capacity_) history_.pop_front();
  // Posted under the lock so that deliveries run in sequence order.
  boost::asio::post(control_, [this, numbered = std::move(numbered)] { Deliver(numbered); });
}

EventHub::Replay EventHub::Since(uint64_t since) const {
  std::lock_guard lock(mutex_);
  Replay replay;
  replay.last = last_;
  replay.oldest = history_.empty() ? 0 : history_.front().seq;
  // Events since+1 .. oldest-1 are gone (the history only keeps the newest).
  replay.gap = !history_.empty() && since + 1 < replay.oldest;
  for (const NumberedEvent& e : history_)
    if (e.seq > since) replay.events.push_back(e);
  return replay;
}

uint64_t EventHub::Subscribe(Subscriber subscriber) {
  const uint64_t id = next_subscriber_++;
  subscribers_.emplace(id, std::move(subscriber));
  return id;
}

void EventHub::Unsubscribe(uint64_t id) {
  subscribers_.erase(id);
}

void EventHub::Deliver(const NumberedEvent& event) {
  // A subscriber may unsubscribe (itself) while being called: iterate over a copy of ids.
  std::vector<uint64_t> ids;
  ids.reserve(subscribers_.size());
  for (const auto& [id, s] : subscribers_)
    ids.push_back(id);
  for (uint64_t id : ids)
    if (auto it = subscribers_.find(id); it != subscribers_.end()) it->second(event);
}

}  // namespace tessera::signaling::api

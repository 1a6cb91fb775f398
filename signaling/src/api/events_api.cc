#include "tessera/signaling/api/events_api.h"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <deque>
#include <limits>

#include "tessera/base/log.h"

namespace tessera::signaling::api {
namespace {

constexpr log::Component kLog{"api.events", log::Tag::kApi};
namespace beast = boost::beast;
namespace websocket = beast::websocket;

}  // namespace

class EventsApi::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(beast::tcp_stream stream, std::shared_ptr<EventHub> hub, std::shared_ptr<std::set<Session*>> live)
      : ws_(std::move(stream)), hub_(std::move(hub)), live_(std::move(live)) {
    live_->insert(this);
  }
  ~Session() {
    live_->erase(this);
    if (subscription_) hub_->Unsubscribe(subscription_);
  }

  void Start(http::Request request, beast::flat_buffer buffer, uint64_t since, bool has_since) {
    buffer_ = std::move(buffer);
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts from here
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& r) { r.set(beast::http::field::server, "tessera"); }));
    ws_.read_message_max(4096);
    ws_.async_accept(request, [self = shared_from_this(), since, has_since](beast::error_code ec) {
      if (ec) return;
      self->OnAccepted(since, has_since);
    });
  }

  void Close() {
    if (closing_) return;
    closing_ = true;
    ws_.async_close(websocket::close_code::going_away, [self = shared_from_this()](beast::error_code) {});
  }

 private:
  void OnAccepted(uint64_t since, bool has_since) {
    // History and subscription on this (the control) thread without a break in between:
    // anything published after Since() is delivered to the subscription; anything both
    // replayed and delivered is dropped by sequence number.
    EventHub::Replay replay = hub_->Since(has_since ? since : std::numeric_limits<uint64_t>::max());
    const uint64_t from = has_since ? std::min(since, replay.last) : replay.last;  // no since: from now on
    const bool gap = has_since && replay.gap;
    const uint64_t missed = gap ? replay.oldest - 1 - since : 0;
    nlohmann::json hello{{"type", "hello"},         {"seq", replay.last}, {"since", from},
                         {"oldest", replay.oldest}, {"gap", gap},         {"missed", missed}};
    Queue(hello.dump());
    last_sent_ = from;
    for (const NumberedEvent& e : replay.events)
      Send(e);
    std::weak_ptr<Session> weak = weak_from_this();
    subscription_ = hub_->Subscribe([weak](const NumberedEvent& e) {
      if (auto self = weak.lock()) self->Send(e);
    });
    Read();
  }

  void Send(const NumberedEvent& e) {
    if (e.seq <= last_sent_) return;
    last_sent_ = e.seq;
    Queue(e.json);
  }

  void Queue(std::string message) {
    if (closing_) return;
    if (queue_.size() >= kMaxQueued) {
      // It can resume with ?since= once it keeps up; the server does not hold more for it.
      TLOG_INFO(kLog, "event client too slow ({} messages queued): closing it", queue_.size());
      closing_ = true;
      queue_.clear();
      ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "too slow"),
                      [self = shared_from_this()](beast::error_code) {});
      return;
    }
    queue_.push_back(std::move(message));
    if (queue_.size() == 1 && !writing_) Write();
  }

  void Write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec) {
        self->closing_ = true;
        return;
      }
      if (!self->queue_.empty()) self->queue_.pop_front();
      if (!self->queue_.empty() && !self->closing_) self->Write();
    });
  }

  void Read() {
    // Reading keeps control frames (ping, pong, close) flowing; clients have nothing to say.
    ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->closing_ = true;
        return;
      }
      self->read_buffer_.consume(self->read_buffer_.size());
      self->Read();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<EventHub> hub_;
  std::shared_ptr<std::set<Session*>> live_;
  beast::flat_buffer buffer_;
  beast::flat_buffer read_buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool closing_ = false;
  uint64_t last_sent_ = 0;
  uint64_t subscription_ = 0;
};

EventsApi::~EventsApi() {
  Stop();
}

void EventsApi::Register(http::Router& router) {
  router.Add(
      http::Verb::get, kPath,
      [](const http::Request&, const http::PathParams&) {
        http::Response r = http::ErrorResponse(http::Status::upgrade_required,
                                               "this resource is a WebSocket: connect with Upgrade: websocket");
        r.set(beast::http::field::upgrade, "websocket");
        return r;
      },
      http::Access::kRead);
}

http::UpgradeHandler EventsApi::UpgradeHandler() {
  return [this](http::Request& request, beast::tcp_stream& stream, beast::flat_buffer& buffer,
                const boost::asio::ip::address& remote) { return Upgrade(request, stream, buffer, remote); };
}

std::optional<http::Response> EventsApi::Upgrade(http::Request& request, beast::tcp_stream& stream,
                                                 beast::flat_buffer& buffer, const boost::asio::ip::address& remote) {
  const std::string_view target(request.target().data(), request.target().size());
  if (target.substr(0, target.find('?')) != kPath)
    return http::ErrorResponse(http::Status::not_found,
                               "no WebSocket at " + std::string(target.substr(0, target.find('?'))));
  if (auto refused = router_.Authorize(request, http::Access::kRead, remote)) return refused;
  uint64_t since = 0;
  const auto since_text = http::QueryParam(target, "since");
  if (since_text) {
    const auto [end, ec] = std::from_chars(since_text->data(), since_text->data() + since_text->size(), since);
    if (ec != std::errc{} || end != since_text->data() + since_text->size() || since_text->empty())
      return http::FieldErrorResponse("since", "a sequence number (a non-negative integer)",
                                      "since must be a non-negative integer");
  }
  auto session = std::make_shared<Session>(std::move(stream), hub_, live_);
  session->Start(std::move(request), std::move(buffer), since, since_text.has_value());
  return std::nullopt;
}

void EventsApi::Stop() {
  const std::vector<Session*> open(sessions_.begin(), sessions_.end());
  for (Session* s : open)
    s->Close();
}

}  // namespace tessera::signaling::api

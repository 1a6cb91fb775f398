#pragma once
// GET /api/v1/events[?since=N] (WebSocket, read access): the event stream of EventHub.
//
// The first message says where the stream starts:
//   {"type":"hello","seq":<newest>,"since":N,"oldest":<oldest kept>,"gap":false,"missed":0}
// then every kept event after N (without ?since: none, the stream starts now; since=0:
// the whole history), then live events as they happen, each {"seq":..,"type":..,"time_ms":..,"room":..,
// "participant":..,"data":{...}}. A client that reconnects with the last seq it saw
// resumes without gaps while the history reaches back that far; when it does not, "gap"
// is true and "missed" says how many events are lost.
//
// Slow clients: at most kMaxQueued messages wait for one client; beyond that it is closed
// (policy error "too slow") and may resume with ?since. Idle connections are pinged and
// closed when they stop answering (Beast's suggested server timeouts).
//
// Thread: the control io_context thread.

#include <boost/asio/io_context.hpp>

#include <memory>
#include <set>

#include "tessera/signaling/api/event_hub.h"
#include "tessera/signaling/http/http_server.h"
#include "tessera/signaling/http/router.h"

namespace tessera::signaling::api {

class EventsApi {
 public:
  static constexpr size_t kMaxQueued = 8192;
  static constexpr std::string_view kPath = "/api/v1/events";

  // `router` is not owned and must outlive this object; the hub is shared with the
  // sessions, which may outlive this object until the control loop is destroyed.
  EventsApi(std::shared_ptr<EventHub> hub, const http::Router& router) : hub_(std::move(hub)), router_(router) {}
  ~EventsApi();
  EventsApi(const EventsApi&) = delete;
  EventsApi& operator=(const EventsApi&) = delete;

  // Adds GET /api/v1/events for plain HTTP requests (426: a WebSocket upgrade is needed),
  // so that the route is listed and documented like the others.
  void Register(http::Router& router);
  // For HttpServer::SetUpgradeHandler.
  http::UpgradeHandler UpgradeHandler();
  // Closes every session (shutdown).
  void Stop();
  size_t sessions() const { return sessions_.size(); }

  class Session;

 private:
  std::optional<http::Response> Upgrade(http::Request& request, boost::beast::tcp_stream& stream,
                                        boost::beast::flat_buffer& buffer, const boost::asio::ip::address& remote);

  std::shared_ptr<EventHub> hub_;
  // Passed in (not owned).
  const http::Router& router_;
  // Sessions remove themselves; shared with them so they can outlive this object safely.
  std::shared_ptr<std::set<Session*>> live_ = std::make_shared<std::set<Session*>>();
  std::set<Session*>& sessions_ = *live_;
};

}  // namespace tessera::signaling::api

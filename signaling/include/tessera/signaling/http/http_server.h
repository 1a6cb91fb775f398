#pragma once
// HttpServer: HTTP/1.1 on Boost.Beast for the control API, /healthz and /metrics.
// Keep-alive, a request body limit (413 beyond it) and an idle timeout so slow or
// half-open clients never hold a connection for long. Lives on one single-threaded
// io_context (the server's control context): all its handlers run on that thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tessera/base/result.h"
#include "tessera/signaling/http/router.h"

namespace tessera::signaling::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";          // numeric IPv4/IPv6
  uint16_t port = 8080;                    // 0 = any free port (tests)
  std::string config_key = "http.listen";  // named in the error when the port is busy
  size_t body_limit = 1 << 20;
  std::chrono::milliseconds idle_timeout{30000};
  size_t max_connections = 1024;
};

// Takes over a connection whose request asks for a protocol upgrade (WebSocket): either
// moves `stream` (and the bytes already read, in `buffer`) out and returns nullopt, or
// leaves them and returns the response to send instead (404, 401...).
using UpgradeHandler =
    std::function<std::optional<Response>(Request& request, boost::beast::tcp_stream& stream,
                                          boost::beast::flat_buffer& buffer, const boost::asio::ip::address& remote)>;

class HttpServer {
 public:
  // `router` is not owned and must outlive the server.
  HttpServer(boost::asio::io_context& io, HttpServerOptions options, const Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. The error names the address, the config key and the reason,
  // e.g. "cannot listen on 127.0.0.1:8080 (http.listen): Address already in use".
  Result<void, std::string> Listen();
  // Upgrade requests (WebSocket) go here; without one they are routed as plain requests.
  void SetUpgradeHandler(UpgradeHandler handler);
  // Closes the acceptor and every open connection. Call on the io_context's thread.
  void Stop();
  // The bound port (useful with port 0); 0 before Listen().
  uint16_t port() const;
  size_t open_connections() const;

  struct State;  // shared with the connections, which may outlive this object

 private:
  std::shared_ptr<State> state_;
};

}  // namespace tessera::signaling::http

#pragma once
// A WebSocket client for the control API's event stream (/api/v1/events), with bounded
// waits: every operation runs its own io_context for at most its timeout, so a test never
// hangs on a server that stopped talking.
//
// Thread safety: one test thread.

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tessera::testing {

class EventClient {
 public:
  // Connects to 127.0.0.1:port and upgrades `target` ("/api/v1/events?since=3") with the
  // bearer token (none when empty). False on failure; handshake_status() then says why.
  bool Connect(uint16_t port, const std::string& target, const std::string& token);
  int handshake_status() const { return response_.result_int(); }

  // The next message, or nullopt after `timeout` or on a read error.
  std::optional<nlohmann::json> Next(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Messages until one satisfies `match` (returned), or nullopt at the deadline; every
  // message read is appended to `seen` when given.
  std::optional<nlohmann::json> NextMatching(const std::function<bool(const nlohmann::json&)>& match,
                                             std::chrono::milliseconds timeout,
                                             std::vector<nlohmann::json>* seen = nullptr);
  void Close();

 private:
  bool Run(bool& done, std::chrono::milliseconds timeout);

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{io_};
  boost::beast::websocket::response_type response_;
  boost::beast::flat_buffer buffer_;
  bool reading_ = false;
  bool read_done_ = false;
  boost::beast::error_code read_error_;
};

}  // namespace tessera::testing

#include "tessera/testing/event_client.h"

#include <boost/asio/ip/tcp.hpp>

#include <algorithm>

namespace tessera::testing {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;
using nlohmann::json;

bool EventClient::Connect(uint16_t port, const std::string& target, const std::string& token) {
  bool done = false;
  beast::error_code result;
  beast::get_lowest_layer(ws_).expires_after(5s);
  beast::get_lowest_layer(ws_).async_connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port),
      [&](beast::error_code ec) { result = ec, done = true; });
  if (!Run(done, 5s) || result) return false;
  ws_.set_option(websocket::stream_base::decorator([token](websocket::request_type& r) {
    if (!token.empty()) r.set(beast::http::field::authorization, "Bearer " + token);
  }));
  done = false;
  ws_.async_handshake(response_, "127.0.0.1", target, [&](beast::error_code ec) { result = ec, done = true; });
  if (!Run(done, 5s)) return false;
  beast::get_lowest_layer(ws_).expires_never();
  return !result;
}

std::optional<json> EventClient::Next(std::chrono::milliseconds timeout) {
  if (!reading_) {
    reading_ = true;
    ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
      reading_ = false;
      read_done_ = true;
      read_error_ = ec;
    });
  }
  if (!Run(read_done_, timeout)) return std::nullopt;
  read_done_ = false;
  if (read_error_) return std::nullopt;
  json j = json::parse(beast::buffers_to_string(buffer_.data()), nullptr, false);
  buffer_.consume(buffer_.size());
  return j;
}

std::optional<json> EventClient::NextMatching(const std::function<bool(const json&)>& match,
                                              std::chrono::milliseconds timeout, std::vector<json>* seen) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto m = Next(std::max(left, 1ms));
    if (!m) return std::nullopt;
    if (seen) seen->push_back(*m);
    if (match(*m)) return m;
  }
  return std::nullopt;
}

void EventClient::Close() {
  bool done = false;
  ws_.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  Run(done, 2s);
}

bool EventClient::Run(bool& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io_.restart();
    io_.run_for(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
  }
  return done;
}

}  // namespace tessera::testing

// The HTTP server on a real socket: routing, keep-alive, the body limit, malformed
// requests, and Stop() closing open connections. The server runs on its own thread; the
// test talks to it with the independent test client.
#include "tessera/signaling/http/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "tessera/testing/http_client.h"
#include "tessera/testing/ports.h"

namespace tessera::signaling::http {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(Verb::get, "/hello", [](const Request&, const PathParams&) {
      return JsonResponse(Status::ok, {{"hello", "world"}});
    });
    router_.Add(Verb::post, "/echo", [](const Request& r, const PathParams&) {
      Response response{Status::ok, 11};
      response.body() = r.body();
      response.prepare_payload();
      return response;
    });
    server_ = std::make_unique<HttpServer>(io_, HttpServerOptions{.host = "127.0.0.1", .port = 0, .body_limit = 1024},
                                           router_);
    auto listening = server_->Listen();
    ASSERT_TRUE(listening) << listening.error();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->Stop(); });
    thread_.join();
  }

  boost::asio::io_context io_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, AnswersJson) {
  auto r = testing::HttpGet("127.0.0.1", server_->port(), "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["content-type"], "application/json");
  EXPECT_EQ(r->body, "{\"hello\":\"world\"}\n");
}

TEST_F(HttpServerTest, UnknownPathGetsJson404) {
  auto r = testing::HttpGet("127.0.0.1", server_->port(), "/missing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_THAT(r->body, HasSubstr("\"message\":\"no such resource: /missing\""));
}

TEST_F(HttpServerTest, BodyOverLimitGets413) {
  testing::HttpRequestSpec spec{.method = "POST", .target = "/echo", .body = std::string(4096, 'x')};
  auto r = testing::HttpRequest("127.0.0.1", server_->port(), spec, 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  spec.body = "small";
  r = testing::HttpRequest("127.0.0.1", server_->port(), spec, 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "small");
}

TEST_F(HttpServerTest, MalformedRequestGets400AndServerKeepsServing) {
  testing::HttpRequestSpec spec{.method = "G@T", .target = "/hello"};
  auto r = testing::HttpRequest("127.0.0.1", server_->port(), spec, 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  auto ok = testing::HttpGet("127.0.0.1", server_->port(), "/hello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

// A client that sends half a request and then nothing (slow, or half-open) holds no one
// up, and its connection is closed once it has been idle for idle_timeout.
TEST(HttpServerIdle, AHalfOpenClientIsClosedAfterTheIdleTimeoutAndBlocksNobody) {
  boost::asio::io_context io;
  Router router;
  router.Add(Verb::get, "/hello", [](const Request&, const PathParams&) {
    return JsonResponse(Status::ok, {{"hello", "world"}});
  });
  HttpServer server(io, {.host = "127.0.0.1", .port = 0, .idle_timeout = std::chrono::milliseconds(500)}, router);
  ASSERT_TRUE(server.Listen());
  std::thread thread([&] { io.run(); });

  boost::asio::io_context client_io;
  boost::asio::ip::tcp::socket half(client_io);
  half.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  boost::asio::write(half, boost::asio::buffer(std::string("GET /hello HTTP/1.1\r\nHost: x\r\n")));
  const auto sent = std::chrono::steady_clock::now();
  // Meanwhile another client is served at once.
  auto ok = testing::HttpGet("127.0.0.1", server.port(), "/hello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  // The half request gets no answer; the server closes the connection (a blocking read
  // returns end of file). The read is bounded by a socket timeout.
  timeval limit{5, 0};
  setsockopt(half.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  char byte = 0;
  boost::system::error_code ec;
  const size_t n = half.read_some(boost::asio::buffer(&byte, 1), ec);
  const auto waited = std::chrono::steady_clock::now() - sent;
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
  EXPECT_GE(waited, std::chrono::milliseconds(400));  // not before it was idle that long

  boost::asio::post(io, [&] { server.Stop(); });
  thread.join();
}

TEST(HttpServerListen, BusyPortErrorNamesAddressAndKey) {
  testing::BoundSocket busy("127.0.0.1", 0, /*tcp=*/true);
  ASSERT_TRUE(busy.ok());
  boost::asio::io_context io;
  Router router;
  HttpServer server(io, {.host = "127.0.0.1", .port = busy.port()}, router);
  auto r = server.Listen();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "cannot listen on 127.0.0.1:" + std::to_string(busy.port()) +
                           " (http.listen): Address already in use (bind)");
}

}  // namespace
}  // namespace tessera::signaling::http

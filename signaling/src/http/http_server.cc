#include "tessera/signaling/http/http_server.h"

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <optional>
#include <unordered_set>

#include "tessera/base/log.h"

namespace tessera::signaling::http {
namespace {

constexpr log::Component kLog{"http", log::Tag::kHttp};
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

class Connection;

}  // namespace

struct HttpServer::State {
  State(asio::io_context& context, HttpServerOptions o, const Router& r)
      : options(std::move(o)), router(r), acceptor(context) {}

  HttpServerOptions options;
  const Router& router;
  UpgradeHandler upgrade;
  tcp::acceptor acceptor;
  std::unordered_set<Connection*> connections;  // non-owning: each removes itself
  bool stopped = false;
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<HttpServer::State> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    beast::error_code ec;
    const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = remote.address();
    state_->connections.insert(this);
  }
  ~Connection() { state_->connections.erase(this); }

  void Start() { ReadRequest(); }
  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(state_->options.body_limit);
    stream_.expires_after(state_->options.idle_timeout);
    beast::http::async_read(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == beast::http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      Close();
      return;
    }
    if (ec == beast::http::error::body_limit) {
      Respond(ErrorResponse(Status::payload_too_large,
                            fmt::format("request body larger than {} bytes", state_->options.body_limit)),
              /*keep_alive=*/false);
      return;
    }
    if (ec) {
      TLOG_DEBUG(kLog, "bad request from client: {}", ec.message());
      Respond(ErrorResponse(Status::bad_request, "malformed HTTP request: " + ec.message()), false);
      return;
    }
    Request& request = parser_->get();
    if (state_->upgrade && beast::websocket::is_upgrade(request)) {
      std::optional<Response> refused = state_->upgrade(request, stream_, buffer_, remote_);
      if (!refused) return;  // the stream is the upgrade handler's now
      Respond(std::move(*refused), false);
      return;
    }
    Response response = state_->router.Route(request, remote_);
    TLOG_DEBUG(kLog, "{} {} -> {}", std::string_view(request.method_string().data(), request.method_string().size()),
               std::string_view(request.target().data(), request.target().size()), response.result_int());
    response.version(request.version());
    response.set(beast::http::field::server, "tessera");
    head_ = request.method() == Verb::head;
    if (head_ && response.find(kSendFileHeader) == response.end()) {
      const auto length = response.body().size();
      response.body().clear();
      response.content_length(length);
    }
    Respond(std::move(response), request.keep_alive());
  }

  void Respond(Response response, bool keep_alive) {
    if (auto file = response.find(kSendFileHeader); file != response.end()) {
      RespondWithFile(std::string(file->value()), std::move(response), keep_alive);
      return;
    }
    response.keep_alive(keep_alive);
    response_ = std::move(response);
    stream_.expires_after(state_->options.idle_timeout);
    beast::http::async_write(stream_, *response_,
                             [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                               self->response_.reset();
                               if (ec || !keep_alive || self->state_->stopped) {
                                 self->Close();
                                 return;
                               }
                               self->ReadRequest();
                             });
  }

  // Streams a file body (http::FileResponse) without reading it into memory.
  void RespondWithFile(const std::string& path, Response headers, bool keep_alive) {
    beast::error_code ec;
    beast::http::file_body::value_type body;
    body.open(path.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      Respond(ErrorResponse(Status::not_found, "no such file"), keep_alive);
      return;
    }
    file_response_.emplace(std::piecewise_construct, std::make_tuple(std::move(body)),
                           std::make_tuple(Status::ok, headers.version()));
    for (const auto& f : headers)
      if (!beast::iequals(f.name_string(), kSendFileHeader)) file_response_->set(f.name_string(), f.value());
    file_response_->set(beast::http::field::server, "tessera");
    file_response_->keep_alive(keep_alive);
    file_response_->prepare_payload();
    stream_.expires_after(state_->options.idle_timeout);
    auto done = [self = shared_from_this(), keep_alive](beast::error_code write_ec, size_t) {
      self->file_serializer_.reset();
      self->file_response_.reset();
      if (write_ec || !keep_alive || self->state_->stopped) {
        self->Close();
        return;
      }
      self->ReadRequest();
    };
    if (head_) {  // the headers (with the length) only
      file_serializer_.emplace(*file_response_);
      beast::http::async_write_header(stream_, *file_serializer_, std::move(done));
    } else {
      beast::http::async_write(stream_, *file_response_, std::move(done));
    }
  }

  beast::tcp_stream stream_;
  boost::asio::ip::address remote_;
  bool head_ = false;
  std::optional<beast::http::response<beast::http::file_body>> file_response_;
  std::optional<beast::http::response_serializer<beast::http::file_body>> file_serializer_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  std::optional<Response> response_;
  std::shared_ptr<HttpServer::State> state_;
};

void Accept(const std::shared_ptr<HttpServer::State>& state) {
  state->acceptor.async_accept([state](beast::error_code ec, tcp::socket socket) {
    if (state->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (state->connections.size() >= state->options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);  // shed load rather than queue without bound
      } else {
        std::make_shared<Connection>(std::move(socket), state)->Start();
      }
    } else {
      TLOG_WARN(kLog, "accept failed: {}", ec.message());
    }
    Accept(state);
  });
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, HttpServerOptions options, const Router& router)
    : state_(std::make_shared<State>(io, std::move(options), router)) {}

HttpServer::~HttpServer() {
  Stop();
}

Result<void, std::string> HttpServer::Listen() {
  const HttpServerOptions& o = state_->options;
  const std::string where = o.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", o.host, o.port)
                                                                  : fmt::format("{}:{}", o.host, o.port);
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(o.host, ec);
  if (ec) return MakeUnexpected(fmt::format("cannot listen on {} ({}): invalid address", where, o.config_key));
  const tcp::endpoint endpoint(address, o.port);
  tcp::acceptor& acceptor = state_->acceptor;
  auto fail = [&](std::string_view step) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return MakeUnexpected(fmt::format("cannot listen on {} ({}): {} ({})", where, o.config_key, ec.message(), step));
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("socket");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("SO_REUSEADDR");
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  TLOG_INFO(kLog, "HTTP listening on {}", o.port == 0 ? fmt::format("{} (port {})", where, port()) : where);
  Accept(state_);
  return {};
}

void HttpServer::Stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  // Copy: Close() may not erase synchronously, but be safe against future changes.
  const std::vector<Connection*> open(state_->connections.begin(), state_->connections.end());
  for (Connection* c : open)
    c->Close();
}

void HttpServer::SetUpgradeHandler(UpgradeHandler handler) {
  state_->upgrade = std::move(handler);
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  const tcp::endpoint ep = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

size_t HttpServer::open_connections() const {
  return state_->connections.size();
}

}  // namespace tessera::signaling::http

// TCP and TLS connections for SIP (RFC 3261 §18.3): Content-Length framing, CRLF keep-alive
// answers (RFC 5626 §4.4.1), a bounded write queue and an idle timeout.
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include "sip/transport_impl.h"

namespace tessera::signaling::sip {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr log::Component kLog{"sip.transport", log::Tag::kSip};
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

class TcpConnection final : public StreamConnection {
 public:
  TcpConnection(std::shared_ptr<TransportLayer::Impl> owner, uint64_t id)
      : StreamConnection(owner, TransportType::kTcp, id), socket_(owner->io) {}
  tcp::socket& Socket() override { return socket_; }

 protected:
  void AsyncHandshake(bool, std::function<void(const boost::system::error_code&)> done) override { done({}); }
  void AsyncRead(std::function<void(const boost::system::error_code&, size_t)> done) override {
    socket_.async_read_some(asio::buffer(read_buffer_), std::move(done));
  }
  void AsyncWrite(std::function<void(const boost::system::error_code&, size_t)> done) override {
    asio::async_write(socket_, asio::buffer(queue_.front().bytes), std::move(done));
  }
  size_t TryWriteNow(std::string_view bytes) override {
    boost::system::error_code ec;
    socket_.non_blocking(true, ec);
    const size_t n = ec ? 0 : socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
    return ec ? 0 : n;
  }

 private:
  tcp::socket socket_;
};

class TlsConnection final : public StreamConnection {
 public:
  TlsConnection(std::shared_ptr<TransportLayer::Impl> owner, uint64_t id, asio::ssl::context& context)
      : StreamConnection(owner, TransportType::kTls, id), stream_(owner->io, context) {}
  tcp::socket& Socket() override { return stream_.next_layer(); }

 protected:
  void SetServerName(const std::string& name, bool verify) override {
    if (name.empty()) return;
    // SNI only for names, never for IP literals (RFC 6066 §3).
    boost::system::error_code ec;
    asio::ip::make_address(name, ec);
    if (ec) SSL_set_tlsext_host_name(stream_.native_handle(), name.c_str());
    if (verify) stream_.set_verify_callback(asio::ssl::host_name_verification(name));
  }
  void AsyncHandshake(bool server, std::function<void(const boost::system::error_code&)> done) override {
    stream_.async_handshake(server ? asio::ssl::stream_base::server : asio::ssl::stream_base::client, std::move(done));
  }
  void AsyncRead(std::function<void(const boost::system::error_code&, size_t)> done) override {
    stream_.async_read_some(asio::buffer(read_buffer_), std::move(done));
  }
  void AsyncWrite(std::function<void(const boost::system::error_code&, size_t)> done) override {
    asio::async_write(stream_, asio::buffer(queue_.front().bytes), std::move(done));
  }

 private:
  asio::ssl::stream<tcp::socket> stream_;
};

}  // namespace

std::shared_ptr<StreamConnection> MakeTcpConnection(std::shared_ptr<TransportLayer::Impl> owner, uint64_t id) {
  return std::make_shared<TcpConnection>(std::move(owner), id);
}

std::shared_ptr<StreamConnection> MakeTlsConnection(std::shared_ptr<TransportLayer::Impl> owner, uint64_t id,
                                                    asio::ssl::context& context) {
  return std::make_shared<TlsConnection>(std::move(owner), id, context);
}

void StreamConnection::StartInbound() {
  boost::system::error_code ec;
  remote_ = Socket().remote_endpoint(ec);
  Socket().set_option(tcp::no_delay(true), ec);
  state_ = State::kHandshaking;
  idle_.expires_after(kHandshakeTimeout);
  idle_.async_wait([weak = weak_from_this()](const boost::system::error_code& e) {
    if (auto self = weak.lock(); self && !e && !self->open()) self->Close(asio::error::timed_out);
  });
  AsyncHandshake(/*server=*/true, [self = shared_from_this()](const boost::system::error_code& e) {
    if (e) {
      TLOG_DEBUG(kLog, "handshake with {} failed: {}", self->remote_.address().to_string(), e.message());
      self->Close(e);
      return;
    }
    self->OnOpen();
  });
}

void StreamConnection::StartOutbound(const Destination& d) {
  remote_ = tcp::endpoint(d.address, d.port);
  SetServerName(d.tls_server_name, owner_->options.tls_verify_server);
  idle_.expires_after(kHandshakeTimeout);
  idle_.async_wait([weak = weak_from_this()](const boost::system::error_code& e) {
    if (auto self = weak.lock(); self && !e && !self->open()) self->Close(asio::error::timed_out);
  });
  Socket().async_connect(remote_, [self = shared_from_this()](const boost::system::error_code& e) {
    if (self->closed()) return;
    if (e) {
      self->Close(e);
      return;
    }
    boost::system::error_code ignored;
    self->Socket().set_option(tcp::no_delay(true), ignored);
    self->state_ = State::kHandshaking;
    self->AsyncHandshake(/*server=*/false, [self](const boost::system::error_code& he) {
      if (he) {
        TLOG_WARN(kLog, "TLS handshake with {} failed: {}", self->remote_.address().to_string(), he.message());
        self->Close(he);
        return;
      }
      self->OnOpen();
    });
  });
}

void StreamConnection::OnOpen() {
  if (closed()) return;
  state_ = State::kOpen;
  TouchIdle();
  ReadMore();
  WriteMore();
}

void StreamConnection::TouchIdle() {
  idle_.expires_after(owner_->options.idle_timeout);
  idle_.async_wait([weak = weak_from_this()](const boost::system::error_code& e) {
    if (auto self = weak.lock(); self && !e) {
      TLOG_DEBUG(kLog, "closing idle connection {} to {}", self->id_, self->remote_.address().to_string());
      self->Close(asio::error::timed_out);
    }
  });
}

void StreamConnection::ReadMore() {
  AsyncRead([self = shared_from_this()](const boost::system::error_code& e, size_t n) {
    if (self->closed() || self->owner_->stopped) return;
    if (e) {
      self->Close(e);
      return;
    }
    self->TouchIdle();
    self->framer_.Append(std::string_view(self->read_buffer_.data(), n));
    const Source source{self->type_, self->remote_.address(), self->remote_.port(), self->id_};
    while (!self->closed()) {
      auto frame = self->framer_.Next();
      if (frame.status == StreamFramer::Status::kNeedMore) break;
      if (frame.status == StreamFramer::Status::kPing) {
        self->Write("\r\n", {});  // pong
        continue;
      }
      if (frame.status == StreamFramer::Status::kError) {
        // The stream cannot be resynchronised: answer if we can, then hang up.
        ++self->owner_->stats.parse_errors;
        self->owner_->SendErrorResponse(frame.error, source, self.get());
        self->CloseAfterWrite();
        if (!self->writing_ && self->queue_.empty()) self->Close(asio::error::invalid_argument);
        return;
      }
      self->owner_->Process(frame.message, source, /*stream=*/true, self.get());
    }
    if (!self->closed()) self->ReadMore();
  });
}

void StreamConnection::Write(std::string bytes, TransportLayer::SendCallback on_error) {
  if (closed()) {
    if (on_error) on_error(asio::error::not_connected);
    return;
  }
  if (queued_bytes_ + bytes.size() > owner_->options.max_send_queue_bytes) {
    TLOG_WARN_RATE_LIMITED(owner_->log_limit, kLog, "send queue to {} full, closing the connection",
                           remote_.address().to_string());
    if (on_error) on_error(asio::error::no_buffer_space);
    Close(asio::error::no_buffer_space);
    return;
  }
  queued_bytes_ += bytes.size();
  queue_.push_back({std::move(bytes), std::move(on_error)});
  if (open()) WriteMore();
}

void StreamConnection::WriteMore() {
  if (writing_ || queue_.empty() || !open()) return;
  // Most messages fit the socket buffer: write them now, without a handler.
  while (!queue_.empty()) {
    std::string& front = queue_.front().bytes;
    const size_t n = TryWriteNow(front);
    if (n == 0) break;
    if (n < front.size()) {
      front.erase(0, n);
      queued_bytes_ -= n;
      break;
    }
    queued_bytes_ -= front.size();
    queue_.pop_front();
    ++owner_->stats.messages_sent;
  }
  if (queue_.empty()) {
    TouchIdle();
    if (close_after_write_) Close(asio::error::eof);
    return;
  }
  writing_ = true;
  AsyncWrite([self = shared_from_this()](const boost::system::error_code& e, size_t) {
    self->writing_ = false;
    if (self->closed()) return;
    if (e) {
      self->Close(e);
      return;
    }
    self->queued_bytes_ -= self->queue_.front().bytes.size();
    self->queue_.pop_front();
    ++self->owner_->stats.messages_sent;
    self->TouchIdle();
    if (self->queue_.empty() && self->close_after_write_) {
      self->Close(asio::error::eof);
      return;
    }
    self->WriteMore();
  });
}

void StreamConnection::Close(const boost::system::error_code& reason) {
  if (closed()) return;
  state_ = State::kClosed;
  idle_.cancel();
  boost::system::error_code ignored;
  Socket().shutdown(tcp::socket::shutdown_both, ignored);
  Socket().close(ignored);
  // Whatever was still queued is lost: tell the senders (transactions fail over or time out).
  auto queue = std::move(queue_);
  queue_.clear();
  queued_bytes_ = 0;
  for (auto& p : queue) {
    if (p.on_error) {
      ++owner_->stats.send_failures;
      p.on_error(reason ? reason : asio::error::not_connected);
    }
  }
  owner_->RemoveConnection(this);
}

}  // namespace tessera::signaling::sip

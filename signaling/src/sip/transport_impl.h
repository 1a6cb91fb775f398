#pragma once
// Internals shared by transport.cc (listeners, UDP, routing of sends) and
// stream_connection.cc (TCP and TLS connections). Not part of the public API.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <unordered_map>

#include "common/rate_limiter.h"
#include "tessera/base/log.h"
#include "tessera/signaling/sip/transport.h"

namespace tessera::signaling::sip {

class StreamConnection;

struct TransportLayer::Impl : std::enable_shared_from_this<TransportLayer::Impl> {
  Impl(boost::asio::io_context& context, TransportOptions o, Listener& l);

  // Parses one datagram or framed stream message and hands it up (or answers it).
  void Process(std::string_view bytes, const Source& source, bool stream, StreamConnection* connection);
  void SendErrorResponse(const ParseError& error, const Source& source, StreamConnection* connection);
  void AddConnection(const std::shared_ptr<StreamConnection>& c);
  void RemoveConnection(StreamConnection* c);
  std::shared_ptr<StreamConnection> FindConnection(const Destination& d);
  size_t ConnectionsFrom(const boost::asio::ip::address& a) const;
  void AcceptTcp();
  void AcceptTls();
  void ReceiveUdp();

  boost::asio::io_context& io;
  TransportOptions options;
  Listener& listener;
  bool stopped = false;

  boost::asio::ip::udp::socket udp;
  boost::asio::ip::tcp::acceptor tcp_acceptor;
  boost::asio::ip::tcp::acceptor tls_acceptor;
  std::unique_ptr<boost::asio::ssl::context> tls_server;
  std::unique_ptr<boost::asio::ssl::context> tls_client;
  std::array<char, 65536> udp_buffer{};
  boost::asio::ip::udp::endpoint udp_sender;

  uint64_t next_connection_id = 1;
  std::unordered_map<uint64_t, std::shared_ptr<StreamConnection>> connections;
  std::map<std::tuple<TransportType, boost::asio::ip::address, uint16_t>, uint64_t> by_remote;
  std::unordered_map<std::string, size_t> per_ip;                                 // open connections per remote address
  std::map<boost::asio::ip::address, boost::asio::ip::address> local_for_remote;  // route lookups

  SourceRateLimiter limiter;
  TransportStats stats;
  log::RateLimit log_limit{std::chrono::seconds(10)};
};

// A TCP or TLS connection: framing, write queue, idle timeout. Owned by the connection map
// and by its pending asynchronous operations.
class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(std::shared_ptr<TransportLayer::Impl> owner, TransportType type, uint64_t id)
      : owner_(std::move(owner)),
        type_(type),
        id_(id),
        idle_(owner_->io),
        framer_(owner_->options.limits.max_message_size) {}
  virtual ~StreamConnection() = default;

  uint64_t id() const { return id_; }
  TransportType type() const { return type_; }
  const boost::asio::ip::tcp::endpoint& remote() const { return remote_; }
  bool open() const { return state_ == State::kOpen; }
  bool closed() const { return state_ == State::kClosed; }

  // Inbound: start the TLS handshake if any, then read.
  void StartInbound();
  // Outbound: connect (and handshake), then flush what was queued.
  void StartOutbound(const Destination& d);
  // Queues bytes; sent once the connection is open.
  void Write(std::string bytes, TransportLayer::SendCallback on_error);
  // Closes after the queue has been written (framing errors: answer, then hang up).
  void CloseAfterWrite() { close_after_write_ = true; }
  void Close(const boost::system::error_code& reason);
  virtual boost::asio::ip::tcp::socket& Socket() = 0;

 protected:
  enum class State { kConnecting, kHandshaking, kOpen, kClosed };
  virtual void AsyncHandshake(bool server, std::function<void(const boost::system::error_code&)> done) = 0;
  virtual void AsyncRead(std::function<void(const boost::system::error_code&, size_t)> done) = 0;
  virtual void AsyncWrite(std::function<void(const boost::system::error_code&, size_t)> done) = 0;
  virtual void ShutdownStream() {}
  // Writes what the kernel takes without blocking (0 if nothing, or if not supported).
  virtual size_t TryWriteNow(std::string_view) { return 0; }
  virtual void SetServerName(const std::string&, bool /*verify*/) {}

  void OnOpen();
  void ReadMore();
  void WriteMore();
  void TouchIdle();

  std::shared_ptr<TransportLayer::Impl> owner_;
  TransportType type_;
  uint64_t id_;
  State state_ = State::kConnecting;
  boost::asio::ip::tcp::endpoint remote_;
  boost::asio::steady_timer idle_;
  StreamFramer framer_;
  std::array<char, 8192> read_buffer_{};
  struct Pending {
    std::string bytes;
    TransportLayer::SendCallback on_error;
  };
  std::deque<Pending> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool close_after_write_ = false;

  friend struct TransportLayer::Impl;
};

std::shared_ptr<StreamConnection> MakeTcpConnection(std::shared_ptr<TransportLayer::Impl> owner, uint64_t id);
std::shared_ptr<StreamConnection> MakeTlsConnection(std::shared_ptr<TransportLayer::Impl> owner, uint64_t id,
                                                    boost::asio::ssl::context& context);

}  // namespace tessera::signaling::sip

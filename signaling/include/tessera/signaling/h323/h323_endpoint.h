#pragma once
// H323Endpoint: the sockets of H.323 call signalling — a TCP listener (port 1720 by default)
// and outgoing connections, each carrying one call (H323Connection) whose logic is the pure
// H323Call; plus the call's separate H.245 connection when the two sides do not tunnel.
// TPKT framing on every stream; a framing error or a message that parses as nothing before a
// call exists closes the connection; bounded buffers and write queues; a connection that
// sends no SETUP within `first_message_timeout` is closed.
//
// Thread: the control io_context thread (one thread runs it); handlers and events run there.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "tessera/base/result.h"
#include "tessera/signaling/h323/h323_call.h"

namespace tessera::signaling::h323 {

class H323Endpoint;

struct H323EndpointCounters {
  uint64_t accepted = 0;
  uint64_t refused_over_limit = 0;
  uint64_t framing_errors = 0;  // TPKT header not version 3 or a bad length: connection closed
  uint64_t silent_closed = 0;   // no SETUP in time
  uint64_t h245_connections = 0;
};

// One TCP call signalling connection and its call. Keep the shared_ptr to talk to the call;
// it stays valid (and inert) after the call ended.
class H323Connection final : public std::enable_shared_from_this<H323Connection>,
                             private H323CallTransport,
                             private H323CallEvents {
 public:
  class Impl;
  H323Connection(H323Endpoint& endpoint, uint64_t id, H323CallOptions options);
  ~H323Connection() override;

  uint64_t id() const { return id_; }
  // Where the call's events go (the application's leg); null drops them.
  void SetEvents(H323CallEvents* events) { events_ = events; }
  const H323Call& call() const { return call_; }
  std::string local_ip() const;  // of the signalling connection: the address toward the peer
  std::string remote_ip() const;
  std::string remote() const;  // "ip:port" for logs

  void Accept(const LocalMedia& local);
  void Reject(const ReleaseReason& reason);
  void Hangup(const ReleaseReason& reason);
  void RequestKeyframe();
  void SendFlowControl(int64_t max_bitrate_bps);
  void SendDigit(char digit, UserInputMode mode = UserInputMode::kAuto, uint16_t duration_ms = 100);
  // Tests: drop the TCP connection(s) without RELEASE COMPLETE, as a crashed peer would.
  void AbortForTest();

 private:
  friend class H323Endpoint;
  // H323CallTransport
  void SendSignalling(std::span<const uint8_t> message) override;
  void SendH245(std::span<const uint8_t> pdu) override;
  void ConnectH245(const MediaAddress& address) override;
  std::optional<MediaAddress> ListenH245() override;
  void Close() override;
  // H323CallEvents: forwarded to events_, the endpoint's handler sees incoming SETUPs.
  void OnCallSetup(const SetupInfo& setup) override;
  void OnCallConnected() override;
  void OnCallMedia(const CallMedia& media) override;
  void OnCallKeyframeRequest() override;
  void OnCallBitrate(int64_t bps) override;
  void OnCallDigit(char digit) override;
  void OnCallEnded(const CallEnd& end) override;

  void Rearm();

  H323Endpoint& endpoint_;
  const uint64_t id_;
  std::unique_ptr<Impl> impl_;  // sockets, framers, queues, timer
  H323Call call_;
  H323CallEvents* events_ = nullptr;
};

class H323EndpointHandler {
 public:
  virtual ~H323EndpointHandler() = default;
  // An incoming SETUP: call connection->Accept or Reject (now or later); SetEvents first.
  virtual void OnIncomingCall(const std::shared_ptr<H323Connection>& connection, const SetupInfo& setup) = 0;
};

struct H323EndpointOptions {
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 1720;  // 0: any free port (tests)
  bool listen = true;
  size_t max_connections = 2000;
  std::chrono::milliseconds first_message_timeout{10000};
  H323CallOptions call;
};

struct DialTarget {
  std::string host;  // numeric IPv4/IPv6
  uint16_t port = 1720;
  std::string alias;             // destinationAddress (may be empty)
  std::optional<DialMode> mode;  // ";h245=..." if given
};
// "h323:alias@host:port", "alias@host", "host", "host:port", "[v6]:port", each optionally
// followed by ";h245=fast-start" (fast start, H.245 tunnelled after it: the default),
// ";h245=tunnelled" (no fast start, H.245 tunnelled) or ";h245=separate" (no fast start,
// H.245 on its own TCP connection): nullopt if malformed.
std::optional<DialTarget> ParseDialTarget(std::string_view text);
// "fast-start", "tunnelled", "separate".
std::optional<DialMode> ParseH245Mode(std::string_view text);

class H323Endpoint {
 public:
  H323Endpoint(boost::asio::io_context& io, H323EndpointOptions options, H323EndpointHandler& handler);
  ~H323Endpoint();
  H323Endpoint(const H323Endpoint&) = delete;
  H323Endpoint& operator=(const H323Endpoint&) = delete;

  Result<void, std::string> Start();
  // Closes the listener and releases every call (RELEASE COMPLETE).
  void Stop();
  uint16_t port() const { return port_; }

  // Places a call: connects, then SETUP with our media (fast start proposals carry it).
  // Connection failures end the call through events->OnCallEnded.
  std::shared_ptr<H323Connection> Dial(const DialTarget& target, const LocalMedia& local, DialMode mode,
                                       H323CallEvents* events);

  size_t connections() const { return connections_.size(); }
  const H323EndpointCounters& counters() const { return counters_; }
  boost::asio::io_context& io() { return io_; }

 private:
  friend class H323Connection;
  class Acceptor;
  void Adopt(const std::shared_ptr<H323Connection>& connection);
  void Forget(uint64_t id);

  boost::asio::io_context& io_;
  H323EndpointOptions options_;
  H323EndpointHandler& handler_;
  std::unique_ptr<Acceptor> acceptor_;
  uint16_t port_ = 0;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::shared_ptr<H323Connection>> connections_;
  H323EndpointCounters counters_;
  bool stopping_ = false;
};

}  // namespace tessera::signaling::h323

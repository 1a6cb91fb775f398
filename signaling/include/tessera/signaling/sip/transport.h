#pragma once
// SIP transports on Asio (RFC 3261 §18): UDP, TCP and TLS listeners, outgoing connections
// with reuse, Content-Length framing and RFC 5626 keep-alives on streams, idle timeouts,
// connection limits, per-source request rate limits, and stateless 400/505/513 answers to
// requests that cannot be parsed. Everything above (transactions, dialogs) sees parsed
// messages with their source, and sends serialized bytes to a Destination.
//
// Thread: one io_context (the server's control context); every method and callback runs on
// its thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tessera/base/result.h"
#include "tessera/signaling/sip/message.h"
#include "tessera/signaling/sip/parser.h"

namespace tessera::signaling::sip {

enum class TransportType : uint8_t { kUdp, kTcp, kTls };
std::string_view ViaTransportName(TransportType t);  // "UDP", "TCP", "TLS"
// From a Via transport or a transport= URI parameter (case-insensitive); nullopt if unknown.
std::optional<TransportType> ParseTransportName(std::string_view name);
uint16_t DefaultPort(TransportType t);  // 5060, or 5061 for TLS

// Where a message came from.
struct Source {
  TransportType transport = TransportType::kUdp;
  boost::asio::ip::address address;
  uint16_t port = 0;
  uint64_t connection_id = 0;  // TCP/TLS connection it arrived on; 0 for UDP
};

// Where to send. For TCP/TLS an open connection is reused: the one named by
// `connection_id`, else any connection to (address, port); otherwise one is opened.
struct Destination {
  TransportType transport = TransportType::kUdp;
  boost::asio::ip::address address;
  uint16_t port = 5060;
  uint64_t connection_id = 0;
  std::string tls_server_name;  // SNI and certificate host check for outgoing TLS
  std::string ToString() const;
};

struct ListenEndpoint {
  std::string host;        // numeric IPv4/IPv6
  uint16_t port = 0;       // 0 = any free port (tests)
  std::string config_key;  // named in the error when the port is busy, e.g. "sip.udp"
};

struct TransportOptions {
  std::optional<ListenEndpoint> udp;
  std::optional<ListenEndpoint> tcp;
  std::optional<ListenEndpoint> tls;
  std::string tls_certificate_file;  // PEM, required with `tls`
  std::string tls_private_key_file;  // PEM, required with `tls`
  // Outgoing TLS: verify the server's certificate against the system CAs (plus
  // `tls_ca_file` if set) and its name against Destination::tls_server_name.
  bool tls_verify_server = true;
  std::string tls_ca_file;
  // Address written in Via and Contact instead of the interface address (NAT); "" = none.
  std::string public_address;
  ParseLimits limits;
  std::chrono::seconds idle_timeout{300};  // TCP/TLS connections without traffic
  size_t max_connections = 4096;
  size_t max_connections_per_ip = 64;
  size_t max_send_queue_bytes = 1 << 20;  // a peer that does not read is disconnected
  // Requests per second accepted from one source address (burst: twice that); 0 = no limit.
  uint32_t requests_per_second_per_source = 200;
};

struct TransportStats {
  uint64_t messages_received = 0;
  uint64_t messages_sent = 0;
  uint64_t parse_errors = 0;
  uint64_t error_responses_sent = 0;
  uint64_t rate_limited = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;
  uint64_t connections_open = 0;
  uint64_t send_failures = 0;
};

class TransportLayer {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnMessage(Message&& message, const Source& source) = 0;
  };
  using SendCallback = std::function<void(const boost::system::error_code&)>;

  // `listener` is not owned and must outlive the transport.
  TransportLayer(boost::asio::io_context& io, TransportOptions options, Listener& listener);
  ~TransportLayer();
  TransportLayer(const TransportLayer&) = delete;
  TransportLayer& operator=(const TransportLayer&) = delete;

  // Binds every configured listener. The error names the address, the config key and the
  // reason: "cannot listen on 0.0.0.0:5060 (sip.udp): Address already in use".
  Result<void, std::string> Start();
  // Closes listeners and connections. Pending sends are dropped.
  void Stop();

  // Sends serialized bytes. `on_error` (optional) is called if the bytes could not be
  // handed to the kernel (connection refused, TLS failure, queue overflow...).
  void Send(const Destination& destination, std::string bytes, SendCallback on_error = {});

  bool Supports(TransportType t) const;
  // Our address and port as a peer at `remote` sees it over `t`: for Via and Contact.
  std::pair<std::string, uint16_t> LocalAddressFor(TransportType t, const boost::asio::ip::address& remote);
  // The bound port of a listener (useful with port 0); 0 if not listening.
  uint16_t port(TransportType t) const;
  TransportStats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;  // shared with connections and pending operations
};

// The response to send statelessly for an unparseable request (400, 505 or 513 built from
// the raw envelope), or nullopt if it cannot or must not be answered (a response, an ACK,
// no Via or CSeq).
std::optional<std::string> BuildStatelessErrorResponse(const ParseError& error, std::string_view to_tag);

}  // namespace tessera::signaling::sip

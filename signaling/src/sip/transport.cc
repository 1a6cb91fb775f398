// Listeners, UDP, routing of sends, received/rport stamping, stateless error answers.
#include "tessera/signaling/sip/transport.h"

#include <fmt/format.h>

#include "sip/grammar.h"
#include "sip/random.h"
#include "sip/transport_impl.h"

namespace tessera::signaling::sip {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
constexpr log::Component kLog{"sip.transport", log::Tag::kSip};

std::string Where(const ListenEndpoint& l) {
  return l.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", l.host, l.port)
                                               : fmt::format("{}:{}", l.host, l.port);
}

std::string AddressKey(const asio::ip::address& a) {
  return a.to_string();
}

std::string HostText(const asio::ip::address& a) {
  return a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
}

bool OnlyLineBreaks(std::string_view bytes) {
  for (char c : bytes) {
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') return false;
  }
  return true;
}

template <typename Acceptor>
Result<void, std::string> OpenAcceptor(Acceptor& acceptor, const ListenEndpoint& l) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(l.host, ec);
  if (ec) return MakeUnexpected(fmt::format("cannot listen on {} ({}): invalid address", Where(l), l.config_key));
  const tcp::endpoint endpoint(address, l.port);
  auto fail = [&](std::string_view step) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return MakeUnexpected(fmt::format("cannot listen on {} ({}): {} ({})", Where(l), l.config_key, ec.message(), step));
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("socket");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("SO_REUSEADDR");
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  return {};
}

}  // namespace

std::string_view ViaTransportName(TransportType t) {
  switch (t) {
    case TransportType::kUdp:
      return "UDP";
    case TransportType::kTcp:
      return "TCP";
    case TransportType::kTls:
      return "TLS";
  }
  return "UDP";
}

std::optional<TransportType> ParseTransportName(std::string_view name) {
  if (grammar::EqualsIgnoreCase(name, "udp")) return TransportType::kUdp;
  if (grammar::EqualsIgnoreCase(name, "tcp")) return TransportType::kTcp;
  if (grammar::EqualsIgnoreCase(name, "tls")) return TransportType::kTls;
  return std::nullopt;
}

uint16_t DefaultPort(TransportType t) {
  return t == TransportType::kTls ? 5061 : 5060;
}

std::string Destination::ToString() const {
  return fmt::format("{}:{} ({})", HostText(address), port, ViaTransportName(transport));
}

std::optional<std::string> BuildStatelessErrorResponse(const ParseError& e, std::string_view to_tag) {
  if (!e.is_request || e.method == "ACK" || e.raw_via.empty() || e.raw_cseq.empty()) return std::nullopt;
  if (e.raw_cseq.find("ACK") != std::string::npos) return std::nullopt;
  std::string out = fmt::format("SIP/2.0 {} {}\r\n", e.status, e.reason);
  for (const std::string& v : e.raw_via)
    out += "Via: " + v + "\r\n";
  if (!e.raw_from.empty()) out += "From: " + e.raw_from + "\r\n";
  if (!e.raw_to.empty()) {
    out += "To: " + e.raw_to;
    if (e.raw_to.find(";tag=") == std::string::npos && !to_tag.empty()) out += ";tag=" + std::string(to_tag);
    out += "\r\n";
  }
  if (!e.raw_call_id.empty()) out += "Call-ID: " + e.raw_call_id + "\r\n";
  out += "CSeq: " + e.raw_cseq + "\r\n";
  out += "Server: Tessera\r\nContent-Length: 0\r\n\r\n";
  return out;
}

TransportLayer::Impl::Impl(asio::io_context& context, TransportOptions o, Listener& l)
    : io(context),
      options(std::move(o)),
      listener(l),
      udp(context),
      tcp_acceptor(context),
      tls_acceptor(context),
      limiter(options.requests_per_second_per_source, 2.0 * options.requests_per_second_per_source) {}

void TransportLayer::Impl::Process(std::string_view bytes, const Source& source, bool stream,
                                   StreamConnection* connection) {
  if (!stream && OnlyLineBreaks(bytes)) return;  // UDP keep-alive
  const bool response = bytes.size() >= 4 && grammar::EqualsIgnoreCase(bytes.substr(0, 4), "SIP/");
  if (!response && !limiter.Allow(source.address, SourceRateLimiter::Clock::now())) {
    ++stats.rate_limited;
    TLOG_WARN_RATE_LIMITED(log_limit, kLog, "rate limit: dropping requests from {}", source.address.to_string());
    return;
  }
  auto msg = ParseMessage(bytes, options.limits, stream);
  if (!msg) {
    ++stats.parse_errors;
    TLOG_DEBUG(kLog, "unparseable message from {}:{}: {}", source.address.to_string(), source.port, msg.error().reason);
    SendErrorResponse(msg.error(), source, connection);
    return;
  }
  if (msg->is_request) {
    // RFC 3261 §18.2.1 and RFC 3581 §4: record where the request really came from.
    Via& top = msg->via.front();
    const std::string ip = source.address.to_string();
    if (top.params.Has("rport")) {
      top.params.Set("rport", std::to_string(source.port));
      top.params.Set("received", ip);
    } else {
      std::string_view host = top.host;
      if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
      if (!grammar::EqualsIgnoreCase(host, ip)) top.params.Set("received", ip);
    }
  }
  ++stats.messages_received;
  listener.OnMessage(std::move(*msg), source);
}

void TransportLayer::Impl::SendErrorResponse(const ParseError& error, const Source& source,
                                             StreamConnection* connection) {
  auto response = BuildStatelessErrorResponse(error, RandomHex(6));
  if (!response) return;
  ++stats.error_responses_sent;
  if (connection) {
    connection->Write(std::move(*response), {});
    return;
  }
  boost::system::error_code ignored;
  udp.send_to(asio::buffer(*response), udp::endpoint(source.address, source.port), 0, ignored);
}

void TransportLayer::Impl::AddConnection(const std::shared_ptr<StreamConnection>& c) {
  connections.emplace(c->id(), c);
  by_remote[{c->type(), c->remote().address(), c->remote().port()}] = c->id();
  ++per_ip[AddressKey(c->remote().address())];
  stats.connections_open = connections.size();
}

void TransportLayer::Impl::RemoveConnection(StreamConnection* c) {
  auto it = connections.find(c->id());
  if (it == connections.end()) return;
  const auto key = std::make_tuple(c->type(), c->remote().address(), c->remote().port());
  if (auto r = by_remote.find(key); r != by_remote.end() && r->second == c->id()) by_remote.erase(r);
  if (auto p = per_ip.find(AddressKey(c->remote().address())); p != per_ip.end() && --p->second == 0) per_ip.erase(p);
  auto keep = it->second;  // `c` must outlive the erase
  connections.erase(it);
  stats.connections_open = connections.size();
}

size_t TransportLayer::Impl::ConnectionsFrom(const asio::ip::address& a) const {
  const auto it = per_ip.find(AddressKey(a));
  return it == per_ip.end() ? 0 : it->second;
}

std::shared_ptr<StreamConnection> TransportLayer::Impl::FindConnection(const Destination& d) {
  if (d.connection_id) {
    if (auto it = connections.find(d.connection_id); it != connections.end() && !it->second->closed()) {
      return it->second;
    }
  }
  if (auto r = by_remote.find({d.transport, d.address, d.port}); r != by_remote.end()) {
    if (auto it = connections.find(r->second); it != connections.end() && !it->second->closed()) return it->second;
  }
  return nullptr;
}

void TransportLayer::Impl::ReceiveUdp() {
  udp.async_receive_from(
      asio::buffer(udp_buffer), udp_sender, [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        if (self->stopped || ec == asio::error::operation_aborted) return;
        if (!ec) {
          const Source source{TransportType::kUdp, self->udp_sender.address(), self->udp_sender.port(), 0};
          self->Process(std::string_view(self->udp_buffer.data(), n), source, false, nullptr);
        }
        // ICMP errors from earlier sends surface here on some systems: keep reading.
        self->ReceiveUdp();
      });
}

void TransportLayer::Impl::AcceptTcp() {
  auto c = MakeTcpConnection(shared_from_this(), next_connection_id++);
  tcp_acceptor.async_accept(c->Socket(), [self = shared_from_this(), c](const boost::system::error_code& ec) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      boost::system::error_code e2;
      const auto remote = c->Socket().remote_endpoint(e2);
      if (e2 || self->connections.size() >= self->options.max_connections ||
          self->ConnectionsFrom(remote.address()) >= self->options.max_connections_per_ip) {
        ++self->stats.connections_refused;
        c->Socket().close(e2);
      } else {
        ++self->stats.connections_accepted;
        c->StartInbound();
        self->AddConnection(c);
      }
    }
    self->AcceptTcp();
  });
}

void TransportLayer::Impl::AcceptTls() {
  auto c = MakeTlsConnection(shared_from_this(), next_connection_id++, *tls_server);
  tls_acceptor.async_accept(c->Socket(), [self = shared_from_this(), c](const boost::system::error_code& ec) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      boost::system::error_code e2;
      const auto remote = c->Socket().remote_endpoint(e2);
      if (e2 || self->connections.size() >= self->options.max_connections ||
          self->ConnectionsFrom(remote.address()) >= self->options.max_connections_per_ip) {
        ++self->stats.connections_refused;
        c->Socket().close(e2);
      } else {
        ++self->stats.connections_accepted;
        c->StartInbound();
        self->AddConnection(c);
      }
    }
    self->AcceptTls();
  });
}

TransportLayer::TransportLayer(asio::io_context& io, TransportOptions options, Listener& listener)
    : impl_(std::make_shared<Impl>(io, std::move(options), listener)) {}

TransportLayer::~TransportLayer() {
  Stop();
}

Result<void, std::string> TransportLayer::Start() {
  Impl& s = *impl_;
  const TransportOptions& o = s.options;
  if (o.udp) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(o.udp->host, ec);
    if (ec)
      return MakeUnexpected(fmt::format("cannot listen on {} ({}): invalid address", Where(*o.udp), o.udp->config_key));
    const udp::endpoint endpoint(address, o.udp->port);
    s.udp.open(endpoint.protocol(), ec);
    if (!ec) s.udp.bind(endpoint, ec);
    if (ec) {
      boost::system::error_code ignored;
      s.udp.close(ignored);
      return MakeUnexpected(
          fmt::format("cannot listen on {} ({}): {}", Where(*o.udp), o.udp->config_key, ec.message()));
    }
    s.udp.non_blocking(true, ec);
    // Bursts of INVITEs arrive faster than one thread reads them: give the kernel room.
    s.udp.set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
    s.udp.set_option(asio::socket_base::send_buffer_size(4 << 20), ec);
  }
  if (o.tcp) {
    if (auto r = OpenAcceptor(s.tcp_acceptor, *o.tcp); !r) return r;
  }
  // A client context exists even without a TLS listener: sips: dial-out and registration.
  s.tls_client = std::make_unique<ssl::context>(ssl::context::tls_client);
  s.tls_client->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  {
    boost::system::error_code ec;
    s.tls_client->set_default_verify_paths(ec);
    if (!o.tls_ca_file.empty()) {
      s.tls_client->load_verify_file(o.tls_ca_file, ec);
      if (ec) return MakeUnexpected(fmt::format("cannot read TLS CA file {}: {}", o.tls_ca_file, ec.message()));
    }
    s.tls_client->set_verify_mode(o.tls_verify_server ? ssl::verify_peer : ssl::verify_none);
  }
  if (o.tls) {
    s.tls_server = std::make_unique<ssl::context>(ssl::context::tls_server);
    s.tls_server->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                              ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    boost::system::error_code ec;
    s.tls_server->use_certificate_chain_file(o.tls_certificate_file, ec);
    if (ec) {
      return MakeUnexpected(fmt::format("cannot load TLS certificate {} (sip.tls_certificate): {}",
                                        o.tls_certificate_file, ec.message()));
    }
    s.tls_server->use_private_key_file(o.tls_private_key_file, ssl::context::pem, ec);
    if (ec) {
      return MakeUnexpected(fmt::format("cannot load TLS private key {} (sip.tls_private_key): {}",
                                        o.tls_private_key_file, ec.message()));
    }
    if (auto r = OpenAcceptor(s.tls_acceptor, *o.tls); !r) return r;
  }
  if (s.udp.is_open()) s.ReceiveUdp();
  if (s.tcp_acceptor.is_open()) s.AcceptTcp();
  if (s.tls_acceptor.is_open()) s.AcceptTls();
  for (TransportType t : {TransportType::kUdp, TransportType::kTcp, TransportType::kTls}) {
    if (port(t)) TLOG_INFO(kLog, "SIP listening on {} port {}", ViaTransportName(t), port(t));
  }
  return {};
}

void TransportLayer::Stop() {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  boost::system::error_code ignored;
  s.udp.close(ignored);
  s.tcp_acceptor.close(ignored);
  s.tls_acceptor.close(ignored);
  std::vector<std::shared_ptr<StreamConnection>> open;
  for (auto& [id, c] : s.connections)
    open.push_back(c);
  for (auto& c : open)
    c->Close(asio::error::operation_aborted);
}

void TransportLayer::Send(const Destination& d, std::string bytes, SendCallback on_error) {
  Impl& s = *impl_;
  if (s.stopped) return;
  if (d.transport == TransportType::kUdp) {
    if (!s.udp.is_open()) {
      if (on_error) on_error(asio::error::address_family_not_supported);
      return;
    }
    // Datagrams go out at once (the socket is non-blocking): no allocation or handler per
    // message, and a BYE sent while shutting down still leaves before the socket closes.
    boost::system::error_code ec;
    s.udp.send_to(asio::buffer(bytes), udp::endpoint(d.address, d.port), 0, ec);
    if (ec) {
      ++s.stats.send_failures;
      TLOG_WARN_RATE_LIMITED(s.log_limit, kLog, "UDP send to {} failed: {}", d.ToString(), ec.message());
      if (on_error && ec != asio::error::would_block) on_error(ec);
      return;
    }
    ++s.stats.messages_sent;
    return;
  }
  if (auto c = s.FindConnection(d)) {
    c->Write(std::move(bytes), std::move(on_error));
    return;
  }
  if (s.connections.size() >= s.options.max_connections) {
    if (on_error) on_error(asio::error::no_buffer_space);
    return;
  }
  std::shared_ptr<StreamConnection> c = d.transport == TransportType::kTls
                                            ? MakeTlsConnection(impl_, s.next_connection_id++, *s.tls_client)
                                            : MakeTcpConnection(impl_, s.next_connection_id++);
  c->Write(std::move(bytes), std::move(on_error));
  c->StartOutbound(d);
  s.AddConnection(c);
}

bool TransportLayer::Supports(TransportType t) const {
  return port(t) != 0 || t == TransportType::kTls;  // outgoing TLS works without a listener
}

uint16_t TransportLayer::port(TransportType t) const {
  boost::system::error_code ec;
  switch (t) {
    case TransportType::kUdp:
      return impl_->udp.is_open() ? impl_->udp.local_endpoint(ec).port() : 0;
    case TransportType::kTcp:
      return impl_->tcp_acceptor.is_open() ? impl_->tcp_acceptor.local_endpoint(ec).port() : 0;
    case TransportType::kTls:
      return impl_->tls_acceptor.is_open() ? impl_->tls_acceptor.local_endpoint(ec).port() : 0;
  }
  return 0;
}

std::pair<std::string, uint16_t> TransportLayer::LocalAddressFor(TransportType t, const asio::ip::address& remote) {
  Impl& s = *impl_;
  uint16_t p = port(t);
  if (p == 0) p = port(TransportType::kUdp) ? port(TransportType::kUdp) : DefaultPort(t);
  if (!s.options.public_address.empty()) {
    boost::system::error_code ec;
    const auto a = asio::ip::make_address(s.options.public_address, ec);
    return {ec ? s.options.public_address : HostText(a), p};
  }
  // A listener bound to one address answers with it.
  const std::optional<ListenEndpoint>& l = t == TransportType::kUdp   ? s.options.udp
                                           : t == TransportType::kTcp ? s.options.tcp
                                                                      : s.options.tls;
  if (l) {
    boost::system::error_code ec;
    const auto a = asio::ip::make_address(l->host, ec);
    if (!ec && !a.is_unspecified()) return {HostText(a), p};
  }
  // Bound to any address: ask the routing table which interface reaches `remote`.
  auto it = s.local_for_remote.find(remote);
  if (it == s.local_for_remote.end()) {
    asio::ip::address local = remote.is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                                             : asio::ip::address(asio::ip::address_v4::loopback());
    udp::socket probe(s.io);
    boost::system::error_code ec;
    probe.connect(udp::endpoint(remote, 9), ec);
    if (!ec) {
      const auto ep = probe.local_endpoint(ec);
      if (!ec) local = ep.address();
    }
    if (s.local_for_remote.size() > 1024) s.local_for_remote.clear();
    it = s.local_for_remote.emplace(remote, local).first;
  }
  return {HostText(it->second), p};
}

TransportStats TransportLayer::stats() const {
  return impl_->stats;
}

}  // namespace tessera::signaling::sip

// RFC 3261 §17 transactions with RFC 6026's Accepted state.
#include "tessera/signaling/sip/transaction.h"

#include <fmt/format.h>

#include <algorithm>

#include "sip/random.h"
#include "tessera/base/log.h"

namespace tessera::signaling::sip {
namespace {

constexpr log::Component kLog{"sip.transaction", log::Tag::kSip};

bool Reliable(TransportType t) {
  return t != TransportType::kUdp;
}

std::string ClientKey(std::string_view branch, std::string_view method) {
  return fmt::format("{}|{}", branch, method);
}

// §17.2.3: branch + sent-by + method (ACK matches its INVITE). Requests without the magic
// cookie (RFC 2543 peers) are keyed by what identified a transaction then.
std::string ServerKey(const Message& m, std::string_view method_override = {}) {
  std::string_view method = method_override.empty() ? std::string_view(m.method_name) : method_override;
  if (method == "ACK") method = "INVITE";
  const Via& top = m.via.front();
  if (top.HasRfc3261Branch()) return fmt::format("{}|{}|{}", top.Branch(), top.SentBy(), method);
  return fmt::format("2543|{}|{}|{}|{}|{}|{}", m.request_uri.ToString(), m.from.Tag(), m.call_id, m.cseq.number,
                     top.ToString(), method);
}

}  // namespace

struct TransactionLayer::Client {
  enum class State { kCalling, kTrying, kProceeding, kCompleted, kAccepted, kTerminated };
  Client(TimerService& t) : retransmit(t), timeout(t), wait(t) {}
  ClientId id = 0;
  bool invite = false;
  Message request;
  std::string bytes;
  Destination destination;
  State state = State::kTrying;
  Timer retransmit;  // A or E
  Timer timeout;     // B or F
  Timer wait;        // D, K or M
  std::chrono::milliseconds interval{0};
  ClientCallbacks callbacks;
  std::string key;
  std::string ack_bytes;  // ACK of a non-2xx final, re-sent on its retransmissions
  bool got_provisional = false;
  bool cancel_requested = false;
  ClientCallbacks cancel_callbacks;
  std::string cancel_reason;  // Reason header value for the CANCEL, if any
};

struct TransactionLayer::Server {
  enum class State { kTrying, kProceeding, kCompleted, kConfirmed, kAccepted, kTerminated };
  Server(TimerService& t) : retransmit(t), timeout(t), guard(t) {}
  ServerId id = 0;
  bool invite = false;
  Message request;
  Source source;
  Destination destination;
  State state = State::kTrying;
  std::string last_response;
  int last_status = 0;
  Timer retransmit;  // G
  Timer timeout;     // H, I, J or L
  Timer guard;       // a non-INVITE request the TU never answers
  std::chrono::milliseconds interval{0};
  std::string key;
};

TransactionLayer::TransactionLayer(MessageSender& sender, TimerService& timers, Options options, User& user)
    : sender_(sender), timer_service_(timers), options_(options), user_(user) {}

TransactionLayer::~TransactionLayer() = default;

Message MakeResponse(const Message& request, int status, std::string reason, std::string_view to_tag) {
  Message r = Message::Response(status, std::move(reason));
  r.via = request.via;
  r.from = request.from;
  r.to = request.to;
  if (!to_tag.empty() && request.to.Tag().empty() && status != 100) r.to.params.Set("tag", std::string(to_tag));
  r.call_id = request.call_id;
  r.cseq = request.cseq;
  return r;
}

Destination TransactionLayer::ResponseDestination(const Message& request, const Source& source) {
  Destination d;
  d.transport = source.transport;
  d.address = source.address;
  d.connection_id = source.connection_id;
  const Via& top = request.via.front();
  if (Reliable(source.transport)) {
    // Same connection if it is still open; otherwise the sent-by port at the source address.
    d.port = top.port.value_or(DefaultPort(source.transport));
  } else if (top.params.Has("rport")) {
    d.port = source.port;  // RFC 3581 §4
  } else {
    d.port = top.port.value_or(DefaultPort(source.transport));
  }
  return d;
}

void TransactionLayer::OnMessage(Message&& message, const Source& source) {
  if (message.via.empty()) return;
  if (message.is_request) {
    OnRequestMessage(std::move(message), source);
  } else {
    OnResponse(std::move(message), source);
  }
}

// ---------------------------------------------------------------------------------------
// Client transactions (§17.1)

TransactionLayer::ClientId TransactionLayer::SendRequest(Message request, const Destination& destination,
                                                         ClientCallbacks callbacks) {
  Via via;
  via.transport = std::string(ViaTransportName(destination.transport));
  const auto [host, port] = sender_.LocalAddressFor(destination.transport, destination.address);
  via.host = host;
  via.port = port;
  via.params.Set("branch", std::string(kBranchMagicCookie) + RandomHex(10));
  via.params.Set("rport");
  request.via.insert(request.via.begin(), std::move(via));
  return StartClient(std::move(request), destination, std::move(callbacks));
}

TransactionLayer::ClientId TransactionLayer::StartClient(Message request, const Destination& destination,
                                                         ClientCallbacks callbacks) {
  auto owned = std::make_unique<Client>(timer_service_);
  Client& c = *owned;
  c.id = next_client_++;
  c.invite = request.method == Method::kInvite;
  c.state = c.invite ? Client::State::kCalling : Client::State::kTrying;
  c.destination = destination;
  c.callbacks = std::move(callbacks);
  c.key = ClientKey(request.via.front().Branch(), request.method_name);
  c.bytes = request.ToString();
  c.request = std::move(request);
  c.interval = options_.timers.t1;
  const ClientId id = c.id;
  client_keys_[c.key] = id;
  clients_.emplace(id, std::move(owned));

  if (!Reliable(destination.transport)) {
    c.retransmit.Start(c.interval, [this, &c] { c.invite ? ClientTimerA(c) : ClientTimerE(c); });
  }
  c.timeout.Start(options_.timers.T64(), [this, id] { ClientFail(id, ClientError::kTimeout); });
  // Last: UDP sends synchronously, so a transport error may fail and destroy the
  // transaction (and `c`) inside Send.
  sender_.Send(c.destination, c.bytes, [this, id](const boost::system::error_code& ec) {
    TLOG_DEBUG(kLog, "transport error on client transaction {}: {}", id, ec.message());
    ClientFail(id, ClientError::kTransportError);
  });
  return id;
}

void TransactionLayer::ClientTimerA(Client& c) {
  if (c.state != Client::State::kCalling) return;
  sender_.Send(c.destination, c.bytes, {});
  c.interval *= 2;  // INVITE: doubling, no cap (Timer B ends it)
  c.retransmit.Start(c.interval, [this, &c] { ClientTimerA(c); });
}

void TransactionLayer::ClientTimerE(Client& c) {
  if (c.state != Client::State::kTrying && c.state != Client::State::kProceeding) return;
  sender_.Send(c.destination, c.bytes, {});
  c.interval =
      c.state == Client::State::kProceeding ? options_.timers.t2 : std::min(c.interval * 2, options_.timers.t2);
  c.retransmit.Start(c.interval, [this, &c] { ClientTimerE(c); });
}

void TransactionLayer::ClientFail(ClientId id, ClientError error) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  // Only a transaction still waiting for its final response fails; later transport errors
  // (an ACK that could not be sent) do not concern the TU.
  const bool waiting =
      c.state == Client::State::kCalling || c.state == Client::State::kTrying || c.state == Client::State::kProceeding;
  if (!waiting) return;
  auto on_failure = std::move(c.callbacks.on_failure);
  auto cancel_failure = c.cancel_requested && !c.got_provisional ? std::move(c.cancel_callbacks.on_failure) : nullptr;
  TerminateClient(id);
  if (on_failure) on_failure(error);
  if (cancel_failure) cancel_failure(error);
}

void TransactionLayer::TerminateClient(ClientId id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  if (auto k = client_keys_.find(it->second->key); k != client_keys_.end() && k->second == id) client_keys_.erase(k);
  clients_.erase(it);
}

void TransactionLayer::Forget(ClientId id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  it->second->callbacks = {};
  it->second->cancel_callbacks = {};
}

const Message* TransactionLayer::ClientRequest(ClientId id) const {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : &it->second->request;
}

void TransactionLayer::Cancel(ClientId invite, ClientCallbacks callbacks, std::string reason) {
  auto it = clients_.find(invite);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  if (!c.invite || c.cancel_requested) return;
  if (c.state != Client::State::kCalling && c.state != Client::State::kProceeding) return;  // already final
  c.cancel_requested = true;
  c.cancel_callbacks = std::move(callbacks);
  c.cancel_reason = std::move(reason);
  if (c.got_provisional) SendCancelNow(c);
}

void TransactionLayer::SendCancelNow(Client& invite) {
  // §9.1: same Request-URI, Call-ID, From, To, CSeq number, top Via (branch) and Route.
  Message cancel = Message::Request(Method::kCancel, invite.request.request_uri);
  cancel.via = {invite.request.via.front()};
  cancel.route = invite.request.route;
  cancel.max_forwards = 70;
  cancel.from = invite.request.from;
  cancel.to = invite.request.to;
  cancel.call_id = invite.request.call_id;
  cancel.cseq = CSeq{invite.request.cseq.number, "CANCEL"};
  if (!invite.cancel_reason.empty()) cancel.AddHeader("Reason", invite.cancel_reason);
  StartClient(std::move(cancel), invite.destination, std::move(invite.cancel_callbacks));
}

void TransactionLayer::OnResponse(Message&& response, const Source& source) {
  // §8.1.3.3: a response with more than one Via was not meant for us.
  if (response.via.size() != 1) return;
  const auto k = client_keys_.find(ClientKey(response.via.front().Branch(), response.cseq.method));
  if (k == client_keys_.end()) {
    user_.OnStrayResponse(response, source);
    return;
  }
  const ClientId id = k->second;
  Client& c = *clients_.at(id);
  const int status = response.status;
  using S = Client::State;

  if (c.invite) {
    switch (c.state) {
      case S::kCalling:
      case S::kProceeding:
        if (status < 200) {
          c.state = S::kProceeding;
          c.retransmit.Cancel();
          c.timeout.Cancel();  // ringing may last: Timer B only guards Calling
          const bool first = !c.got_provisional;
          c.got_provisional = true;
          if (first && c.cancel_requested) SendCancelNow(c);
        } else if (status < 300) {
          c.state = S::kAccepted;  // RFC 6026 §7.2
          c.retransmit.Cancel();
          c.timeout.Cancel();
          c.wait.Start(options_.timers.T64(), [this, id] { TerminateClient(id); });
        } else {
          c.state = S::kCompleted;
          c.retransmit.Cancel();
          c.timeout.Cancel();
          // §17.1.1.3: the ACK is part of this transaction.
          Message ack = Message::Request(Method::kAck, c.request.request_uri);
          ack.via = {c.request.via.front()};
          ack.route = c.request.route;
          ack.max_forwards = 70;
          ack.from = c.request.from;
          ack.to = response.to;
          ack.call_id = c.request.call_id;
          ack.cseq = CSeq{c.request.cseq.number, "ACK"};
          c.ack_bytes = ack.ToString();
          sender_.Send(c.destination, c.ack_bytes, {});
          c.wait.Start(Reliable(c.destination.transport) ? std::chrono::milliseconds(0) : std::chrono::seconds(32),
                       [this, id] { TerminateClient(id); });
        }
        break;
      case S::kCompleted:
        if (status >= 300) sender_.Send(c.destination, c.ack_bytes, {});
        return;  // retransmissions are absorbed
      case S::kAccepted:
        if (status < 200 || status >= 300) return;
        break;  // 2xx retransmissions and forks go to the TU (it re-sends its ACK)
      default:
        return;
    }
  } else {
    switch (c.state) {
      case S::kTrying:
      case S::kProceeding:
        if (status < 200) {
          c.state = S::kProceeding;
        } else {
          c.state = S::kCompleted;
          c.retransmit.Cancel();
          c.timeout.Cancel();
          c.wait.Start(Reliable(c.destination.transport) ? std::chrono::milliseconds(0) : options_.timers.t4,
                       [this, id] { TerminateClient(id); });
        }
        break;
      default:
        return;  // Completed: absorb
    }
  }
  // Last: the callback may start other transactions or forget this one.
  if (auto cb = c.callbacks.on_response) cb(response);
}

std::string TransactionLayer::SendAck(Message ack, const Destination& destination) {
  Via via;
  via.transport = std::string(ViaTransportName(destination.transport));
  const auto [host, port] = sender_.LocalAddressFor(destination.transport, destination.address);
  via.host = host;
  via.port = port;
  via.params.Set("branch", std::string(kBranchMagicCookie) + RandomHex(10));
  via.params.Set("rport");
  ack.via.insert(ack.via.begin(), std::move(via));
  std::string bytes = ack.ToString();
  sender_.Send(destination, bytes, {});
  return bytes;
}

void TransactionLayer::SendBytes(const Destination& destination, std::string bytes) {
  sender_.Send(destination, std::move(bytes), {});
}

// ---------------------------------------------------------------------------------------
// Server transactions (§17.2)

void TransactionLayer::OnRequestMessage(Message&& request, const Source& source) {
  const std::string key = ServerKey(request);
  const auto found = server_keys_.find(key);
  using S = Server::State;
  if (request.method == Method::kAck) {
    if (found != server_keys_.end()) {
      Server& s = *servers_.at(found->second);
      if (s.state == S::kCompleted) {
        // ACK of our non-2xx final: stop retransmitting, absorb ACK retransmissions for T4.
        s.state = S::kConfirmed;
        s.retransmit.Cancel();
        const ServerId id = s.id;
        s.timeout.Start(Reliable(s.source.transport) ? std::chrono::milliseconds(0) : options_.timers.t4,
                        [this, id] { TerminateServer(id); });
        return;
      }
      if (s.state == S::kConfirmed) return;
      if (s.state != S::kAccepted) return;  // an ACK before any final response: nonsense
    }
    user_.OnAck(request, source);  // the ACK of a 2xx belongs to the dialog
    return;
  }
  if (found != server_keys_.end()) {
    Server& s = *servers_.at(found->second);
    // A retransmission: repeat the last response, if any (Accepted: the TU re-sends 2xx).
    if (!s.last_response.empty() && s.state != S::kAccepted && s.state != S::kConfirmed) {
      sender_.Send(s.destination, s.last_response, {});
    }
    return;
  }
  if (servers_.size() >= options_.max_server_transactions) {
    Message busy = MakeResponse(request, 503, "Service Unavailable (too many transactions)", RandomHex(6));
    busy.AddHeader("Retry-After", "5");
    sender_.Send(ResponseDestination(request, source), busy.ToString(), {});
    return;
  }

  auto owned = std::make_unique<Server>(timer_service_);
  Server& s = *owned;
  s.id = next_server_++;
  s.invite = request.method == Method::kInvite;
  s.state = s.invite ? S::kProceeding : S::kTrying;
  s.source = source;
  s.destination = ResponseDestination(request, source);
  s.key = key;
  s.interval = options_.timers.t1;
  s.request = std::move(request);
  const ServerId id = s.id;
  server_keys_[key] = id;
  servers_.emplace(id, std::move(owned));

  if (s.invite) {
    // §17.2.1: a 100 stops the client's retransmissions at once.
    Respond(id, MakeResponse(s.request, 100));
  } else {
    s.guard.Start(options_.timers.T64(), [this, id] {
      auto it = servers_.find(id);
      if (it == servers_.end()) return;
      TLOG_WARN(kLog, "no answer to {} {}: answering 500", it->second->request.method_name,
                it->second->request.call_id);
      Respond(id, MakeResponse(it->second->request, 500, "Server Internal Error (request not handled)"));
    });
  }
  user_.OnRequest(id, servers_.at(id)->request, source);
}

void TransactionLayer::SendServer(Server& s) {
  sender_.Send(s.destination, s.last_response, {});
}

void TransactionLayer::Respond(ServerId id, const Message& response) {
  auto it = servers_.find(id);
  if (it == servers_.end()) return;
  Server& s = *it->second;
  using S = Server::State;
  const int status = response.status;
  if (s.state == S::kCompleted || s.state == S::kConfirmed || s.state == S::kTerminated) return;
  if (s.state == S::kAccepted) {
    // RFC 6026: the TU's 2xx retransmissions pass through.
    if (status >= 200 && status < 300) sender_.Send(s.destination, response.ToString(), {});
    return;
  }
  s.last_response = response.ToString();
  s.last_status = status;
  SendServer(s);
  if (status < 200) {
    if (s.state == S::kTrying) s.state = S::kProceeding;
    return;
  }
  s.guard.Cancel();
  if (s.invite) {
    if (status < 300) {
      s.state = S::kAccepted;
      s.timeout.Start(options_.timers.T64(), [this, id] { TerminateServer(id); });  // Timer L
    } else {
      s.state = S::kCompleted;
      if (!Reliable(s.source.transport)) s.retransmit.Start(s.interval, [this, &s] { ServerTimerG(s); });
      s.timeout.Start(options_.timers.T64(), [this, id] {  // Timer H: the ACK never came
        TLOG_DEBUG(kLog, "no ACK for final response on server transaction {}", id);
        TerminateServer(id);
      });
    }
  } else {
    s.state = S::kCompleted;
    s.timeout.Start(Reliable(s.source.transport) ? std::chrono::milliseconds(0) : options_.timers.T64(),
                    [this, id] { TerminateServer(id); });  // Timer J
  }
}

void TransactionLayer::ServerTimerG(Server& s) {
  if (s.state != Server::State::kCompleted) return;
  SendServer(s);
  s.interval = std::min(s.interval * 2, std::chrono::milliseconds(options_.timers.t2));
  s.retransmit.Start(s.interval, [this, &s] { ServerTimerG(s); });
}

void TransactionLayer::TerminateServer(ServerId id) {
  auto it = servers_.find(id);
  if (it == servers_.end()) return;
  if (auto k = server_keys_.find(it->second->key); k != server_keys_.end() && k->second == id) server_keys_.erase(k);
  servers_.erase(it);
}

const Message* TransactionLayer::ServerRequest(ServerId id) const {
  auto it = servers_.find(id);
  return it == servers_.end() ? nullptr : &it->second->request;
}

const Destination* TransactionLayer::ServerDestination(ServerId id) const {
  auto it = servers_.find(id);
  return it == servers_.end() ? nullptr : &it->second->destination;
}

std::optional<TransactionLayer::ServerId> TransactionLayer::FindInviteFor(const Message& cancel) const {
  if (cancel.via.empty()) return std::nullopt;
  const auto it = server_keys_.find(ServerKey(cancel, "INVITE"));
  if (it == server_keys_.end()) return std::nullopt;
  return it->second;
}

bool TransactionLayer::HasFinalResponse(ServerId id) const {
  auto it = servers_.find(id);
  return it == servers_.end() || it->second->last_status >= 200;
}

}  // namespace tessera::signaling::sip

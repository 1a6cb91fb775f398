// The user agent core: request dispatch and the checks of RFC 3261 §8.2, OPTIONS, CANCEL,
// authentication of incoming calls, resolution and shared services for sessions.
#include "sip/user_agent_core.h"

#include <fmt/format.h>
#include <boost/asio/post.hpp>

#include "sip/grammar.h"
#include "sip/invite_session.h"
#include "sip/random.h"
#include "sip/registration_client.h"
#include "tessera/signaling/sdp/session_description.h"
#include "tessera/signaling/sip/digest.h"

namespace tessera::signaling::sip {
namespace {

namespace asio = boost::asio;
constexpr log::Component kLog{"sip.ua", log::Tag::kSip};

bool KnownOptionTag(std::string_view tag) {
  return grammar::EqualsIgnoreCase(tag, "100rel") || grammar::EqualsIgnoreCase(tag, "timer");
}

}  // namespace

UserAgentCore::UserAgentCore(asio::io_context& io, UserAgentOptions options, UserAgentHandler& handler,
                             TimerService* timers)
    : io_(io),
      options_(std::move(options)),
      handler_(handler),
      owned_timers_(timers ? nullptr : std::make_unique<AsioTimerService>(io)),
      timers_(timers ? timers : owned_timers_.get()),
      auth_failures_(options_.max_auth_failures_per_minute / 60.0, options_.max_auth_failures_per_minute),
      resolver_(io) {
  transport_ = std::make_unique<TransportLayer>(io_, options_.transport, *this);
  sender_ = std::make_unique<TransportSender>(*transport_);
  transactions_ = std::make_unique<TransactionLayer>(*sender_, *timers_, options_.transactions, *this);
  if (options_.authentication) authenticator_.emplace(*options_.authentication, [this] { return timers_->Now(); });
}

UserAgentCore::~UserAgentCore() {
  Stop();
  *alive_ = false;
  alive_.reset();
}

Result<void, std::string> UserAgentCore::Start() {
  if (auto r = transport_->Start(); !r) return r;
  started_ = true;
  for (const RegistrationOptions& r : options_.registrations) {
    registrations_.push_back(std::make_unique<RegistrationClient>(*this, r));
    registrations_.back()->Start();
  }
  return {};
}

void UserAgentCore::Stop() {
  if (stopping_) return;
  stopping_ = true;
  std::vector<std::shared_ptr<InviteSession>> sessions;
  for (auto& [id, s] : sessions_)
    sessions.push_back(s);
  for (auto& s : sessions)
    s->Shutdown();
  sessions_.clear();
  dialogs_.clear();
  for (auto& r : registrations_)
    r->Stop();
  resolver_.cancel();
  closed_ = true;
  if (transport_) transport_->Stop();
  // Transactions still counting down have nothing left to send: let the io_context go idle.
  if (owned_timers_) static_cast<AsioTimerService*>(owned_timers_.get())->CancelAll();
}

std::shared_ptr<Call> UserAgentCore::Dial(const DialOptions& options, CallObserver* observer) {
  auto session = std::make_shared<InviteSession>(*this, next_session_id_++, CallDirection::kOutgoing);
  sessions_.emplace(session->id(), session);
  session->StartOutgoing(options, observer);
  return session;
}

std::vector<RegistrationStatus> UserAgentCore::Registrations() const {
  std::vector<RegistrationStatus> out;
  for (const auto& r : registrations_)
    out.push_back(r->status());
  return out;
}

UserAgentStats UserAgentCore::Stats() const {
  return UserAgentStats{transport_->stats(),           sessions_.size(),    transactions_->client_count(),
                        transactions_->server_count(), auth_failure_count_, auth_blocked_count_};
}

NameAddr UserAgentCore::LocalContact(TransportType t, const asio::ip::address& remote, bool secure) {
  const auto [host, port] = transport_->LocalAddressFor(t, remote);
  NameAddr c;
  c.uri.scheme = secure ? UriScheme::kSips : UriScheme::kSip;
  c.uri.scheme_text = secure ? "sips" : "sip";
  c.uri.user = options_.contact_user;
  c.uri.host = host;
  c.uri.port = port;
  if (t == TransportType::kTcp) c.uri.params.Set("transport", "tcp");
  if (t == TransportType::kTls && !secure) c.uri.params.Set("transport", "tls");
  return c;
}

void UserAgentCore::Resolve(const Uri& uri, std::function<void(Result<Destination, std::string>)> done) {
  if (!uri.is_sip()) {
    done(MakeUnexpected(fmt::format("cannot route to a {}: URI", uri.scheme_text)));
    return;
  }
  Destination d;
  if (uri.scheme == UriScheme::kSips) {
    d.transport = TransportType::kTls;
  } else if (const std::string t = uri.TransportParam(); !t.empty()) {
    const auto parsed = ParseTransportName(t);
    if (!parsed) {
      done(MakeUnexpected(fmt::format("unsupported transport '{}'", t)));
      return;
    }
    d.transport = *parsed;
  }
  // maddr overrides the host (RFC 3261 §19.1.1).
  std::string host = uri.params.Get("maddr") ? std::string(*uri.params.Get("maddr")) : uri.HostWithoutBrackets();
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  d.port = uri.port.value_or(DefaultPort(d.transport));
  boost::system::error_code ec;
  d.address = asio::ip::make_address(host, ec);
  if (!ec) {
    done(d);
    return;
  }
  // A name: A/AAAA lookup (no NAPTR/SRV: the URI's port or the default is used).
  d.tls_server_name = host;
  resolver_.async_resolve(
      host, std::to_string(d.port),
      [d, host, done = std::move(done)](const boost::system::error_code& e,
                                        const asio::ip::tcp::resolver::results_type& results) mutable {
        if (e || results.empty()) {
          done(MakeUnexpected(fmt::format("cannot resolve {}: {}", host, e ? e.message() : "no address")));
          return;
        }
        d.address = results.begin()->endpoint().address();
        done(d);
      });
}

void UserAgentCore::SendRequest(const Uri& next_hop, const std::optional<Source>& flow,
                                std::function<std::optional<Message>(const Destination&)> build,
                                TransactionLayer::ClientCallbacks callbacks,
                                std::function<void(TransactionLayer::ClientId, const Destination&)> sent) {
  std::weak_ptr<bool> alive = alive_;
  Resolve(next_hop, [this, alive, flow, build = std::move(build), callbacks = std::move(callbacks),
                     sent = std::move(sent)](Result<Destination, std::string> d) mutable {
    if (alive.expired() || closed_) return;
    if (!d) {
      TLOG_WARN_RATE_LIMITED(log_limit_, kLog, "{}", d.error());
      if (callbacks.on_failure) callbacks.on_failure(TransactionLayer::ClientError::kTransportError);
      return;
    }
    Destination dest = *d;
    // Back to where the dialog came from: reuse that connection (clients behind NAT cannot
    // accept a new one).
    if (flow && flow->transport == dest.transport && flow->address == dest.address) {
      dest.connection_id = flow->connection_id;
    }
    std::optional<Message> request = build(dest);
    if (!request) return;
    const auto id = transactions_->SendRequest(std::move(*request), dest, std::move(callbacks));
    if (sent) sent(id, dest);
  });
}

void UserAgentCore::DecorateRequest(Message& m) const {
  if (!m.GetHeader("User-Agent")) m.AddHeader("User-Agent", options_.user_agent);
  if (m.method != Method::kAck && m.method != Method::kCancel) {
    if (!m.GetHeader("Allow")) m.AddHeader("Allow", std::string(kAllow));
    if (!m.GetHeader("Supported")) m.AddHeader("Supported", std::string(kSupported));
  }
}

void UserAgentCore::DecorateResponse(Message& m) const {
  if (!m.GetHeader("Server")) m.AddHeader("Server", options_.user_agent);
  const bool allow = m.status == 405 || m.status == 501 ||
                     (m.status >= 200 && m.status < 300 &&
                      (m.cseq.method == "INVITE" || m.cseq.method == "OPTIONS" || m.cseq.method == "UPDATE"));
  if (allow && !m.GetHeader("Allow")) m.AddHeader("Allow", std::string(kAllow));
  if (m.status >= 200 && m.status < 300 && !m.GetHeader("Supported")) m.AddHeader("Supported", std::string(kSupported));
}

std::optional<Header> UserAgentCore::AnswerChallenge(const Message& response, const Message& request,
                                                     const std::vector<Credentials>& extra) {
  const bool proxy = response.status == 407;
  const std::string_view challenge_header = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
  const std::string_view answer_header = proxy ? "Proxy-Authorization" : "Authorization";
  for (const Header& h : response.headers) {
    if (!grammar::EqualsIgnoreCase(h.name, challenge_header)) continue;
    auto challenge = ParseDigestChallenge(h.value);
    if (!challenge) continue;  // another scheme or algorithm: try the next one (RFC 8760 §2.4)
    const Credentials* creds = nullptr;
    const std::vector<Credentials>* lists[] = {&extra, &options_.credentials};
    for (const std::vector<Credentials>* list : lists) {
      for (const Credentials& c : *list) {
        if (!creds && (c.realm.empty() || c.realm == challenge->realm)) creds = &c;
      }
    }
    if (!creds) continue;
    // Already answered this realm and refused without stale=true: the password is wrong.
    if (!challenge->stale) {
      for (const Header& prior : request.headers) {
        if (!grammar::EqualsIgnoreCase(prior.name, answer_header)) continue;
        if (auto c = ParseDigestCredentials(prior.value); c && c->realm == challenge->realm) return std::nullopt;
      }
    }
    return Header{std::string(answer_header),
                  BuildDigestAuthorization(*challenge, creds->username, creds->password, request.method_name,
                                           request.request_uri.ToString(), RandomHex(8), 1)};
  }
  return std::nullopt;
}

void UserAgentCore::AddDialog(const DialogId& id, const std::shared_ptr<InviteSession>& session) {
  dialogs_[id.Key()] = session;
}

void UserAgentCore::RemoveDialog(const DialogId& id) {
  dialogs_.erase(id.Key());
}

void UserAgentCore::RemoveSession(uint64_t id) {
  // The session is still on the call stack: drop our reference afterwards.
  std::weak_ptr<bool> alive = alive_;
  asio::post(io_, [this, alive, id] {
    if (!alive.expired()) sessions_.erase(id);
  });
}

void UserAgentCore::RespondStateless(TransactionLayer::ServerId tx, const Message& request, int status,
                                     std::string reason) {
  Message r = MakeResponse(request, status, std::move(reason), RandomHex(8));
  DecorateResponse(r);
  transactions_->Respond(tx, r);
}

void UserAgentCore::OnMessage(Message&& message, const Source& source) {
  transactions_->OnMessage(std::move(message), source);
}

std::shared_ptr<InviteSession> UserAgentCore::FindDialog(const Message& m) const {
  // In a request we receive, To carries our tag and From theirs; in a response, the reverse.
  const DialogId id = m.is_request ? DialogId{m.call_id, std::string(m.to.Tag()), std::string(m.from.Tag())}
                                   : DialogId{m.call_id, std::string(m.from.Tag()), std::string(m.to.Tag())};
  auto it = dialogs_.find(id.Key());
  return it == dialogs_.end() ? nullptr : it->second.lock();
}

void UserAgentCore::OnRequest(TransactionLayer::ServerId tx, const Message& request, const Source& source) {
  if (stopping_) {
    RespondStateless(tx, request, 503, "Service Unavailable (shutting down)");
    return;
  }
  if (request.method == Method::kCancel) {
    OnCancel(tx, request);
    return;
  }
  if (RefuseIfUnacceptable(tx, request)) return;
  if (!request.to.Tag().empty()) {
    if (auto session = FindDialog(request)) {
      session->OnRequest(tx, request, source);
      return;
    }
    if (request.method != Method::kOptions) {
      RespondStateless(tx, request, 481);
      return;
    }
  }
  switch (request.method) {
    case Method::kInvite:
      OnNewInvite(tx, request, source);
      return;
    case Method::kOptions:
      OnOptions(tx, request);
      return;
    case Method::kBye:
    case Method::kPrack:
    case Method::kUpdate:
    case Method::kInfo:
      RespondStateless(tx, request, 481);
      return;
    case Method::kUnknown:
      RespondStateless(tx, request, 501);
      return;
    default:
      RespondStateless(tx, request, 405);
      return;
  }
}

bool UserAgentCore::RefuseIfUnacceptable(TransactionLayer::ServerId tx, const Message& request) {
  // §8.2.2.1: only sip: and sips: Request-URIs.
  if (!request.request_uri.is_sip()) {
    RespondStateless(tx, request, 416);
    return true;
  }
  // §8.2.2.3: every Require option tag must be one we implement.
  std::string unsupported;
  for (std::string_view tag : request.GetHeaderList("Require")) {
    if (KnownOptionTag(tag)) continue;
    if (!unsupported.empty()) unsupported += ", ";
    unsupported += tag;
  }
  if (!unsupported.empty()) {
    Message r = MakeResponse(request, 420, {}, RandomHex(8));
    r.AddHeader("Unsupported", unsupported);
    DecorateResponse(r);
    transactions_->Respond(tx, r);
    return true;
  }
  // §8.2.3: bodies we cannot read.
  if (const std::string* encoding = request.GetHeader("Content-Encoding");
      encoding && !grammar::EqualsIgnoreCase(grammar::Trim(*encoding), "identity")) {
    Message r = MakeResponse(request, 415, "Unsupported Media Type (content encoding)", RandomHex(8));
    r.AddHeader("Accept-Encoding", "identity");
    DecorateResponse(r);
    transactions_->Respond(tx, r);
    return true;
  }
  const bool sdp_method =
      request.method == Method::kInvite || request.method == Method::kUpdate || request.method == Method::kPrack;
  if (sdp_method && !request.body.empty()) {
    if (request.MediaType() != "application/sdp") {
      Message r = MakeResponse(request, 415, {}, RandomHex(8));
      r.AddHeader("Accept", std::string(kAcceptInvite));
      DecorateResponse(r);
      transactions_->Respond(tx, r);
      return true;
    }
    if (auto sdp = sdp::ParseSdp(request.body); !sdp) {
      RespondStateless(tx, request, 400, "Malformed SDP: " + sdp.error().ToString());
      return true;
    }
  }
  if (request.method == Method::kInvite && (request.contact.size() != 1 || request.contact.front().wildcard)) {
    RespondStateless(tx, request, 400, request.contact.empty() ? "Missing Contact header" : "Malformed Contact header");
    return true;
  }
  return false;
}

void UserAgentCore::OnOptions(TransactionLayer::ServerId tx, const Message& request) {
  // Keep-alives, capability queries and load balancer probes (Kamailio's dispatcher).
  Message r = MakeResponse(request, 200, {}, RandomHex(8));
  r.AddHeader("Accept", std::string(kAcceptInvite));
  r.AddHeader("Accept-Encoding", "identity");
  r.AddHeader("Accept-Language", "en");
  DecorateResponse(r);
  transactions_->Respond(tx, r);
}

void UserAgentCore::OnCancel(TransactionLayer::ServerId tx, const Message& cancel) {
  const auto invite_tx = transactions_->FindInviteFor(cancel);
  if (!invite_tx) {
    RespondStateless(tx, cancel, 481);
    return;
  }
  // §9.2: the CANCEL gets its 200 whatever happens to the INVITE.
  RespondStateless(tx, cancel, 200);
  for (auto& [id, session] : sessions_) {
    if (session->direction() == CallDirection::kIncoming && session->HandlesInvite(*invite_tx)) {
      session->OnCancel();
      return;
    }
  }
}

bool UserAgentCore::Challenge(TransactionLayer::ServerId tx, const Message& request, const Source& source,
                              std::optional<std::string>* user) {
  if (!authenticator_) return false;
  const auto now = SourceRateLimiter::Clock::now();
  if (auth_failures_.Exhausted(source.address, now)) {
    ++auth_blocked_count_;
    RespondStateless(tx, request, 403, "Forbidden (too many failed authentication attempts)");
    return true;
  }
  const auto outcome = authenticator_->Verify(request);
  switch (outcome.verdict) {
    case DigestAuthenticator::Verdict::kAccepted:
      *user = outcome.username;
      return false;
    case DigestAuthenticator::Verdict::kRejected:
      ++auth_failure_count_;
      auth_failures_.Allow(source.address, now);
      TLOG_WARN_RATE_LIMITED(log_limit_, kLog, "authentication of '{}' from {} failed: {}", outcome.username,
                             source.address.to_string(), outcome.reason);
      [[fallthrough]];
    case DigestAuthenticator::Verdict::kNoCredentials:
    case DigestAuthenticator::Verdict::kStale: {
      Message r = MakeResponse(request, 401, {}, RandomHex(8));
      for (std::string& c : authenticator_->Challenges(outcome.verdict == DigestAuthenticator::Verdict::kStale))
        r.AddHeader("WWW-Authenticate", std::move(c));
      DecorateResponse(r);
      transactions_->Respond(tx, r);
      return true;
    }
  }
  return true;
}

void UserAgentCore::OnNewInvite(TransactionLayer::ServerId tx, const Message& request, const Source& source) {
  // §8.2.2.2: the same request arriving by another path (a fork that looped back).
  for (const auto& [id, session] : sessions_) {
    if (session->IsMergedRequest(request)) {
      RespondStateless(tx, request, 482);
      return;
    }
  }
  std::optional<std::string> user;
  if (Challenge(tx, request, source, &user)) return;
  const auto timer = DecideAsUas(request, options_.session_timer);
  if (timer.reject_422) {
    Message r = MakeResponse(request, 422, {}, RandomHex(8));
    r.AddHeader("Min-SE", std::to_string(timer.min_se));
    DecorateResponse(r);
    transactions_->Respond(tx, r);
    return;
  }
  auto session = std::make_shared<InviteSession>(*this, next_session_id_++, CallDirection::kIncoming);
  sessions_.emplace(session->id(), session);
  session->StartIncoming(tx, request, source, std::move(user), timer);
  handler_.OnIncomingCall(session);
}

void UserAgentCore::OnAck(const Message& ack, const Source&) {
  if (auto session = FindDialog(ack)) session->OnAck(ack);
}

void UserAgentCore::OnStrayResponse(const Message& response, const Source&) {
  if (response.cseq.method != "INVITE" || response.status < 200 || response.status >= 300) return;
  if (auto session = FindDialog(response)) {
    session->OnStrayInviteResponse(response);
    return;
  }
  // A 2xx for a dialog we do not have (a late fork): acknowledge and end it (§13.2.2.4).
  if (response.contact.empty()) return;
  NameAddr contact;
  contact.uri = response.contact.front().uri;
  Message ack = Message::Request(Method::kAck, contact.uri);
  ack.route.assign(response.record_route.rbegin(), response.record_route.rend());
  ack.max_forwards = 70;
  ack.from = response.from;
  ack.to = response.to;
  ack.call_id = response.call_id;
  ack.cseq = CSeq{response.cseq.number, "ACK"};
  Message bye = ack;
  bye.method = Method::kBye;
  bye.method_name = "BYE";
  bye.cseq = CSeq{response.cseq.number + 1, "BYE"};
  DecorateRequest(bye);
  const Uri next = ack.route.empty() ? contact.uri : ack.route.front().uri;
  Resolve(next, [this, ack = std::move(ack)](Result<Destination, std::string> d) mutable {
    if (d) transactions_->SendAck(std::move(ack), *d);
  });
  SendRequest(next, std::nullopt, [bye = std::move(bye)](const Destination&) -> std::optional<Message> { return bye; },
              {});
}

}  // namespace tessera::signaling::sip

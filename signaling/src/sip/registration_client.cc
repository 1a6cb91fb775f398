#include "sip/registration_client.h"

#include <fmt/format.h>

#include <algorithm>

#include "sip/grammar.h"
#include "sip/random.h"

namespace tessera::signaling::sip {
namespace {

constexpr log::Component kLog{"sip.register", log::Tag::kSip};

}  // namespace

std::string_view ToString(RegistrationState s) {
  switch (s) {
    case RegistrationState::kRegistering:
      return "registering";
    case RegistrationState::kRegistered:
      return "registered";
    case RegistrationState::kRetrying:
      return "retrying";
    case RegistrationState::kStopped:
      return "stopped";
  }
  return "stopped";
}

RegistrationClient::RegistrationClient(UserAgentCore& core, RegistrationOptions options)
    : core_(core),
      options_(std::move(options)),
      call_id_(RandomHex(16)),
      from_tag_(RandomHex(8)),
      cseq_(static_cast<uint32_t>(RandomBetween(1, 1u << 20))),
      requested_(options_.expires),
      timer_(core.timers()) {}

RegistrationClient::~RegistrationClient() {
  *alive_ = false;
}

void RegistrationClient::Start() {
  status_.state = RegistrationState::kRegistering;
  Send();
}

void RegistrationClient::Stop() {
  timer_.Cancel();
  status_.state = RegistrationState::kStopped;
  *alive_ = false;
}

void RegistrationClient::Schedule(std::chrono::milliseconds delay) {
  timer_.Start(delay, [this] { Send(); });
}

void RegistrationClient::Send() {
  std::weak_ptr<bool> alive = alive_;
  auto build = [this, alive](const Destination& d) -> std::optional<Message> {
    if (alive.expired()) return std::nullopt;
    Message m = Message::Request(Method::kRegister, options_.registrar);
    m.max_forwards = 70;
    m.from.uri = options_.aor;
    m.from.params.Set("tag", from_tag_);
    m.to.uri = options_.aor;
    m.call_id = call_id_;
    m.cseq = CSeq{++cseq_, "REGISTER"};
    NameAddr contact = core_.LocalContact(d.transport, d.address, options_.registrar.scheme == UriScheme::kSips);
    contact_ = contact.uri.ToString();
    m.contact = {contact};
    m.AddHeader("Expires", std::to_string(requested_.count()));
    core_.DecorateRequest(m);
    if (authorization_) m.AddHeader(authorization_->name, authorization_->value);
    return m;
  };
  TransactionLayer::ClientCallbacks callbacks{
      [this, alive](const Message& r) {
        if (!alive.expired()) OnResponse(r);
      },
      [this, alive](TransactionLayer::ClientError e) {
        if (alive.expired()) return;
        Fail(e == TransactionLayer::ClientError::kTimeout ? 408 : 503,
             e == TransactionLayer::ClientError::kTimeout ? "no response from the registrar" : "registrar unreachable");
      }};
  core_.SendRequest(options_.registrar, std::nullopt, std::move(build), std::move(callbacks));
}

void RegistrationClient::OnResponse(const Message& r) {
  if (r.status < 200 || status_.state == RegistrationState::kStopped) return;
  status_.last_status = r.status;
  if (r.status == 401 || r.status == 407) {
    if (auth_attempts_ < 2) {
      Message request = Message::Request(Method::kRegister, options_.registrar);
      request.headers = {};
      if (authorization_) request.AddHeader(authorization_->name, authorization_->value);
      Credentials creds{"", options_.username.empty() ? options_.aor.UnescapedUser() : options_.username,
                        options_.password};
      if (auto header = core_.AnswerChallenge(r, request, {creds})) {
        ++auth_attempts_;
        authorization_ = std::move(*header);
        Send();
        return;
      }
    }
    Fail(r.status, "authentication refused by the registrar");
    return;
  }
  if (r.status == 423) {
    if (const std::string* min = r.GetHeader("Min-Expires")) {
      if (const auto v = grammar::ParseUint(grammar::Trim(*min), 0xffffffffu); v && *v > uint64_t(requested_.count())) {
        requested_ = std::chrono::seconds(*v);
        Send();
        return;
      }
    }
    Fail(r.status, "interval too brief");
    return;
  }
  if (r.status >= 300) {
    Fail(r.status, fmt::format("{} {}", r.status, r.reason));
    return;
  }
  // 2xx: the expiry of our binding (Contact expires param, else Expires, else what we asked).
  std::chrono::seconds granted = requested_;
  if (const std::string* e = r.GetHeader("Expires")) {
    if (const auto v = grammar::ParseUint(grammar::Trim(*e), 0xffffffffu)) granted = std::chrono::seconds(*v);
  }
  for (const NameAddr& c : r.contact) {
    if (c.uri.ToString() != contact_) continue;
    if (const auto e = c.params.Get("expires")) {
      if (const auto v = grammar::ParseUint(*e, 0xffffffffu)) granted = std::chrono::seconds(*v);
    }
  }
  auth_attempts_ = 0;
  status_.state = RegistrationState::kRegistered;
  status_.granted = granted;
  status_.failures = 0;
  status_.last_error.clear();
  // Refresh a minute early for long bindings, at half time for short ones.
  const auto refresh = granted > std::chrono::seconds(120) ? granted - std::chrono::seconds(60) : granted / 2;
  TLOG_INFO(kLog, "registered {} at {} for {} s", options_.aor.ToString(), options_.registrar.ToString(),
            granted.count());
  Schedule(std::max<std::chrono::milliseconds>(refresh, std::chrono::seconds(1)));
}

void RegistrationClient::Fail(int status, std::string error) {
  ++status_.failures;
  status_.last_status = status;
  status_.last_error = std::move(error);
  status_.state = RegistrationState::kRetrying;
  auth_attempts_ = 0;
  authorization_.reset();
  // Exponential backoff with jitter (50-100 %), capped (RFC 5626 §4.5 in spirit).
  const int64_t base = options_.retry_min.count() * (int64_t{1} << std::min<uint32_t>(status_.failures - 1, 10));
  const int64_t capped = std::min<int64_t>(base, options_.retry_max.count());
  const auto delay = std::chrono::milliseconds(RandomBetween(uint64_t(capped) * 500, uint64_t(capped) * 1000));
  TLOG_WARN(kLog, "registration of {} failed ({}): retrying in {} ms", options_.aor.ToString(), status_.last_error,
            delay.count());
  Schedule(delay);
}

}  // namespace tessera::signaling::sip

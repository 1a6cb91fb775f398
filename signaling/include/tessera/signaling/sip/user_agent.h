#pragma once
// UserAgent: the SIP user agent of the server — transports, transactions, dialogs and INVITE
// sessions, OPTIONS (keep-alives and load balancer probes), digest authentication of
// incoming calls, REGISTER clients, dial-out. The application (the conference engine, or the
// dial-in policy until then) receives incoming calls through UserAgentHandler and drives
// them through Call.
//
// Thread: the control io_context thread, for every method and callback.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/signaling/sip/call.h"
#include "tessera/signaling/sip/digest_authenticator.h"
#include "tessera/signaling/sip/session_timer.h"
#include "tessera/signaling/sip/timer.h"
#include "tessera/signaling/sip/transaction.h"
#include "tessera/signaling/sip/transport.h"

namespace tessera::signaling::sip {

// Answers to digest challenges we receive (dial-out, registration).
struct Credentials {
  std::string realm;  // "" = any realm
  std::string username;
  std::string password;
};

struct RegistrationOptions {
  Uri registrar;         // Request-URI, e.g. sip:pbx.example.com;transport=tcp
  Uri aor;               // address of record (To/From), e.g. sip:tessera@pbx.example.com
  std::string username;  // digest user ("" = the AOR user)
  std::string password;
  std::chrono::seconds expires{3600};
  std::chrono::seconds retry_min{30};    // first retry after a failure
  std::chrono::seconds retry_max{1800};  // backoff cap
};

enum class RegistrationState : uint8_t { kRegistering, kRegistered, kRetrying, kStopped };
std::string_view ToString(RegistrationState s);

struct RegistrationStatus {
  RegistrationState state = RegistrationState::kRegistering;
  int last_status = 0;              // last final response, 0 if none
  std::string last_error;           // why the last attempt failed
  std::chrono::seconds granted{0};  // expiry the registrar granted
  uint32_t failures = 0;            // consecutive failures
};

struct UserAgentOptions {
  TransportOptions transport;
  TransactionLayer::Options transactions;
  std::string user_agent = "Tessera";
  std::string contact_user = "tessera";  // user part of our Contact
  SessionTimerSettings session_timer;
  // An incoming call neither answered nor rejected in this time gets 480.
  std::chrono::seconds answer_timeout{120};
  // Challenge incoming INVITEs (401) when set.
  std::optional<DigestAuthenticatorOptions> authentication;
  // Failed authentications per source address per minute before 403 without checking.
  uint32_t max_auth_failures_per_minute = 10;
  std::vector<Credentials> credentials;
  std::vector<RegistrationOptions> registrations;
};

class UserAgentHandler {
 public:
  virtual ~UserAgentHandler() = default;
  // A new incoming call. Answer, reject, ring or progress it through `call`, now or later.
  virtual void OnIncomingCall(std::shared_ptr<Call> call) = 0;
};

struct DialOptions {
  Uri target;  // sip:1000@192.0.2.7;transport=tcp
  std::string from_user = "tessera";
  std::string from_display_name;
  std::string sdp_offer;  // our offer (required)
  std::vector<Header> extra_headers;
  std::optional<Credentials> credentials;   // besides UserAgentOptions::credentials
  std::chrono::seconds answer_timeout{60};  // CANCEL if not answered by then
};

struct UserAgentStats {
  TransportStats transport;
  size_t calls = 0;
  size_t client_transactions = 0;
  size_t server_transactions = 0;
  uint64_t auth_failures = 0;
  uint64_t auth_blocked = 0;
};

class UserAgentCore;

class UserAgent {
 public:
  // `handler` is not owned and must outlive the user agent. `timers` (optional, not owned)
  // replaces the Asio timers, for tests.
  UserAgent(boost::asio::io_context& io, UserAgentOptions options, UserAgentHandler& handler,
            TimerService* timers = nullptr);
  ~UserAgent();
  UserAgent(const UserAgent&) = delete;
  UserAgent& operator=(const UserAgent&) = delete;

  // Binds the transports and starts the registrations. The error names the address and the
  // config key of a listener that could not bind.
  Result<void, std::string> Start();
  // Ends every call (BYE/CANCEL/480 sent best effort), stops registrations, closes transports.
  void Stop();

  // Places a call; `observer` (not owned) receives its events. Failures (unresolvable
  // target...) are reported through OnEnded, after this returns.
  std::shared_ptr<Call> Dial(const DialOptions& options, CallObserver* observer);

  std::vector<RegistrationStatus> registrations() const;
  UserAgentStats stats() const;
  TransportLayer& transport();

 private:
  std::unique_ptr<UserAgentCore> core_;
};

}  // namespace tessera::signaling::sip

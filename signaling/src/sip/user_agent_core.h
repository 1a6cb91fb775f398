#pragma once
// The user agent core (RFC 3261 §8, §12-§15): owns the transport, the transaction layer,
// the INVITE sessions and the registrations; dispatches requests (new calls, in-dialog
// requests, CANCEL, OPTIONS, unsupported methods), checks what every UAS must check
// (Require, Content-Type, URI scheme, loops, authentication), and offers sessions the
// services they share (resolution, Contact, decoration, digest answers).
//
// Thread: the control io_context thread.

#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <unordered_map>
#include <vector>

#include "common/rate_limiter.h"
#include "tessera/base/log.h"
#include "tessera/signaling/sip/dialog.h"
#include "tessera/signaling/sip/user_agent.h"

namespace tessera::signaling::sip {

class InviteSession;
class RegistrationClient;

// The methods and option tags we implement, for Allow/Supported and the 420 check.
inline constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK";
inline constexpr std::string_view kSupported = "timer, 100rel";
inline constexpr std::string_view kAcceptInvite = "application/sdp";
inline constexpr std::string_view kAcceptInfo =
    "application/dtmf-relay, application/dtmf, application/media_control+xml";

class UserAgentCore final : public TransportLayer::Listener, public TransactionLayer::User {
 public:
  UserAgentCore(boost::asio::io_context& io, UserAgentOptions options, UserAgentHandler& handler, TimerService* timers);
  ~UserAgentCore() override;

  Result<void, std::string> Start();
  void Stop();
  std::shared_ptr<Call> Dial(const DialOptions& options, CallObserver* observer);
  std::vector<RegistrationStatus> Registrations() const;
  UserAgentStats Stats() const;

  // Services for sessions and registrations.
  boost::asio::io_context& io() { return io_; }
  TransactionLayer& transactions() { return *transactions_; }
  TimerService& timers() { return *timers_; }
  TransportLayer& transport() { return *transport_; }
  const UserAgentOptions& options() const { return options_; }
  bool stopping() const { return stopping_; }

  // Our Contact for a peer at `remote` over `t` (sips: when `secure`).
  NameAddr LocalContact(TransportType t, const boost::asio::ip::address& remote, bool secure);
  // Resolves `next_hop` (numeric hosts at once, names by A/AAAA), builds the request for the
  // destination (our address goes into it) and sends it in a new client transaction. `flow`
  // (the source of the request that created the dialog) lets a request to the same address
  // reuse the connection it came on. `build` may return nullopt to give up. `sent` receives
  // the transaction id; failures (resolution, transport, timeout) go to on_failure.
  void SendRequest(const Uri& next_hop, const std::optional<Source>& flow,
                   std::function<std::optional<Message>(const Destination&)> build,
                   TransactionLayer::ClientCallbacks callbacks,
                   std::function<void(TransactionLayer::ClientId, const Destination&)> sent = {});
  void Resolve(const Uri& uri, std::function<void(Result<Destination, std::string>)> done);
  // Server / User-Agent, Allow, Supported.
  void DecorateRequest(Message& m) const;
  void DecorateResponse(Message& m) const;
  // The Authorization (or Proxy-Authorization) header answering a 401/407 to `request`;
  // nullopt if no credentials fit or the same credentials were already refused.
  std::optional<Header> AnswerChallenge(const Message& response, const Message& request,
                                        const std::vector<Credentials>& extra);
  void AddDialog(const DialogId& id, const std::shared_ptr<InviteSession>& session);
  void RemoveDialog(const DialogId& id);
  // Drops the core's reference once the current call stack has unwound.
  void RemoveSession(uint64_t id);
  void RespondStateless(TransactionLayer::ServerId tx, const Message& request, int status, std::string reason = {});

  // TransportLayer::Listener
  void OnMessage(Message&& message, const Source& source) override;
  // TransactionLayer::User
  void OnRequest(TransactionLayer::ServerId tx, const Message& request, const Source& source) override;
  void OnAck(const Message& ack, const Source& source) override;
  void OnStrayResponse(const Message& response, const Source& source) override;

 private:
  std::shared_ptr<InviteSession> FindDialog(const Message& request) const;
  void OnNewInvite(TransactionLayer::ServerId tx, const Message& request, const Source& source);
  void OnCancel(TransactionLayer::ServerId tx, const Message& request);
  void OnOptions(TransactionLayer::ServerId tx, const Message& request);
  // RFC 3261 §8.2.1-§8.2.3 checks; true if the request was answered (refused).
  bool RefuseIfUnacceptable(TransactionLayer::ServerId tx, const Message& request);
  // Digest authentication of a new INVITE; true if it was answered (challenge or refusal).
  bool Challenge(TransactionLayer::ServerId tx, const Message& request, const Source& source,
                 std::optional<std::string>* user);

  boost::asio::io_context& io_;
  UserAgentOptions options_;
  UserAgentHandler& handler_;
  bool started_ = false;
  bool stopping_ = false;
  bool closed_ = false;  // transports stopped: nothing can be sent any more

  // owned
  std::unique_ptr<TimerService> owned_timers_;
  TimerService* timers_;  // owned_timers_ or the one given
  std::unique_ptr<TransportLayer> transport_;
  std::unique_ptr<TransportSender> sender_;
  std::unique_ptr<TransactionLayer> transactions_;
  std::unordered_map<uint64_t, std::shared_ptr<InviteSession>> sessions_;
  std::vector<std::unique_ptr<RegistrationClient>> registrations_;
  std::optional<DigestAuthenticator> authenticator_;
  SourceRateLimiter auth_failures_;
  boost::asio::ip::tcp::resolver resolver_;
  uint64_t next_session_id_ = 1;
  uint64_t auth_failure_count_ = 0;
  uint64_t auth_blocked_count_ = 0;
  log::RateLimit log_limit_{std::chrono::seconds(10)};

  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for posted work and callbacks

  // non-owning index
  std::unordered_map<std::string, std::weak_ptr<InviteSession>> dialogs_;
};

}  // namespace tessera::signaling::sip

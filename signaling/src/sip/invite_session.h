#pragma once
// InviteSession: one call (the Call interface) — the INVITE dialog usage of RFC 3261
// §13-§15 for both roles, re-INVITE and UPDATE (RFC 3311) with glare handling (491 and the
// §14.1 retry timers), reliable provisional responses (RFC 3262) when the caller requires
// them, session timers (RFC 4028), INFO DTMF, CANCEL and BYE.
//
// Thread: the control io_context thread. Owned by the core's session map and by the
// application's shared_ptr<Call>; timers and transaction callbacks never outlive it.

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "sip/user_agent_core.h"
#include "tessera/signaling/sip/call.h"
#include "tessera/signaling/sip/dialog.h"
#include "tessera/signaling/sip/session_timer.h"
#include "tessera/signaling/sip/timer.h"

namespace tessera::signaling::sip {

// A Warning header value (RFC 3261 §20.43): code 399 (miscellaneous), agent "tessera", the
// text quoted with control characters dropped, at most 200 characters of it.
std::string WarningValue(std::string_view text);

class InviteSession final : public Call, public std::enable_shared_from_this<InviteSession> {
 public:
  InviteSession(UserAgentCore& core, uint64_t id, CallDirection direction);
  ~InviteSession() override;

  // UAS: the core checked and (if configured) authenticated the INVITE.
  void StartIncoming(TransactionLayer::ServerId tx, const Message& invite, const Source& source,
                     std::optional<std::string> authenticated_user, const UasSessionTimerDecision& timer);
  // UAC.
  void StartOutgoing(const DialOptions& options, CallObserver* observer);

  // From the core.
  void OnRequest(TransactionLayer::ServerId tx, const Message& request, const Source& source);
  void OnAck(const Message& ack);
  void OnCancel();
  void OnStrayInviteResponse(const Message& response);
  void Shutdown();
  bool HandlesInvite(TransactionLayer::ServerId tx) const { return invite_tx_ == tx && alive(); }
  // §8.2.2.2: the same INVITE (Call-ID, From tag, CSeq) on another branch.
  bool IsMergedRequest(const Message& invite) const {
    return direction_ == CallDirection::kIncoming && alive() && invite.call_id == call_id_ &&
           invite.from.Tag() == remote_party_.Tag() && invite.cseq.number == invite_.cseq.number &&
           invite.via.front().Branch() != invite_.via.front().Branch();
  }

  // Call
  uint64_t id() const override { return id_; }
  CallDirection direction() const override { return direction_; }
  CallState state() const override { return state_; }
  const std::string& call_id() const override { return call_id_; }
  const Uri& request_uri() const override { return request_uri_; }
  const NameAddr& remote_party() const override { return remote_party_; }
  const NameAddr& local_party() const override { return local_party_; }
  const Source& source() const override { return source_; }
  std::string remote_user_agent() const override { return remote_user_agent_; }
  bool secure() const override { return secure_; }
  const std::optional<std::string>& authenticated_user() const override { return authenticated_user_; }
  const std::string& remote_sdp() const override { return remote_sdp_; }
  const std::string& local_sdp() const override { return local_sdp_; }
  bool remote_offered() const override { return remote_offered_; }
  void SetObserver(CallObserver* observer) override { observer_ = observer; }
  void Ring() override;
  void Progress(std::string sdp) override;
  void Answer(std::string sdp) override;
  void Reject(int status, std::string reason, std::optional<std::chrono::seconds> retry_after,
              std::string warning = {}) override;
  bool Reinvite(std::string sdp) override;
  bool Update(std::string sdp) override;
  void AnswerOffer(std::string sdp) override;
  void RejectOffer(int status, std::string warning = {}) override;
  void Hangup(std::string reason = {}) override;

 private:
  enum class Offer : uint8_t {
    kNone,
    kLocalPending,      // our re-INVITE/UPDATE offer is out
    kRemotePending,     // their offer waits for AnswerOffer/RejectOffer
    kRequested,         // their offerless re-INVITE waits for our offer
    kAwaitingAckAnswer  // our offer went in a 2xx; the answer comes in the ACK
  };

  bool alive() const { return state_ != CallState::kTerminated && core_ != nullptr; }
  void End(CallEnd::Reason reason, int status, std::string detail);
  Message Response(const Message& request, int status, std::string reason = {}) const;
  void AttachSdp(Message& m, const std::string& sdp) const;
  std::optional<Source> Flow() const;

  // UAS (invite_session.cc)
  void SendProvisional(int status, std::string sdp);
  void SendReliable(Message response, bool has_sdp);
  void RetransmitReliable();
  void OnPrack(TransactionLayer::ServerId tx, const Message& prack);
  void SendFinalOk(std::string sdp);
  void SendOk(TransactionLayer::ServerId tx, Message response);
  void RetransmitOk();

  // UAC (invite_session_uac.cc)
  void SendInvite();
  void OnInviteResponse(const Message& response);
  void OnInviteFailure(TransactionLayer::ClientError error);
  void SendAckFor(const Message& response);
  void SendPrack(const Message& response);
  void AnswerForkAndHangUp(const Message& response);

  // Established dialog (invite_session_dialog.cc)
  void OnReinvite(TransactionLayer::ServerId tx, const Message& request);
  void OnUpdate(TransactionLayer::ServerId tx, const Message& request);
  void OnInfo(TransactionLayer::ServerId tx, const Message& request);
  void OnBye(TransactionLayer::ServerId tx, const Message& request);
  bool SendOffer(Method method, std::string sdp, bool refresh);
  void OnOfferResponse(Method method, const std::string& sdp, bool refresh, const Message& response);
  void SendBye(CallEnd::Reason reason, int status, std::string detail);
  void StartSessionTimer(uint32_t seconds, bool we_refresh);
  void ApplyUasTimer(const UasSessionTimerDecision& d, Message& response);
  void AddSessionTimerHeaders(Message& request) const;
  void SendInDialog(Message request, TransactionLayer::ClientCallbacks callbacks);

  // passed in (not owned); nulled when the core goes away
  UserAgentCore* core_;
  CallObserver* observer_ = nullptr;

  // identity
  const uint64_t id_;
  const CallDirection direction_;
  CallState state_;
  std::string call_id_;
  Uri request_uri_;
  NameAddr local_party_;
  NameAddr remote_party_;
  Source source_;
  std::string remote_user_agent_;
  bool secure_ = false;
  std::optional<std::string> authenticated_user_;
  std::string local_tag_;
  std::optional<Dialog> dialog_;

  // offer/answer
  std::string local_sdp_;
  std::string remote_sdp_;
  bool remote_offered_ = false;
  Offer offer_ = Offer::kNone;
  TransactionLayer::ServerId pending_tx_ = 0;  // re-INVITE/UPDATE waiting for our answer
  Message pending_request_;
  bool local_request_pending_ = false;  // our re-INVITE/UPDATE is out
  bool remote_invite_pending_ = false;  // their re-INVITE not finished (§14.2)

  // UAS: the initial INVITE and its answer
  Message invite_;
  TransactionLayer::ServerId invite_tx_ = 0;
  bool answered_ = false;
  bool peer_requires_100rel_ = false;
  uint32_t next_rseq_ = 0;
  struct Reliable {
    Message response;  // re-sent through the transaction until the PRACK
    uint32_t rseq = 0;
    bool has_sdp = false;
  };
  std::optional<Reliable> unacked_;
  std::deque<std::pair<Message, bool>> queued_provisionals_;
  std::optional<std::string> deferred_answer_;  // Answer() waiting for a PRACK (RFC 3262 §3)
  std::chrono::milliseconds rel_interval_{0};
  // 2xx retransmission until the ACK (§13.3.1.4), for the INVITE and re-INVITEs
  std::string ok_bytes_;
  Destination ok_destination_;
  uint32_t ok_cseq_ = 0;
  std::chrono::milliseconds ok_interval_{0};
  UasSessionTimerDecision uas_timer_;

  // UAC
  DialOptions dial_;
  TransactionLayer::ClientId invite_client_ = 0;
  bool cancel_requested_ = false;
  std::string hangup_reason_;  // Reason header for our BYE or CANCEL (Hangup)
  int auth_attempts_ = 0;
  bool retried_422_ = false;
  std::string ack_bytes_;
  Destination ack_destination_;
  uint32_t ack_cseq_ = 0;
  uint32_t last_rseq_ = 0;

  // session timer (RFC 4028)
  bool remote_allows_update_ = false;  // refresh with UPDATE rather than re-INVITE
  uint32_t se_seconds_ = 0;
  bool we_refresh_ = false;

  // owned timers
  Timer answer_timer_;   // UAS answer timeout / UAC dial timeout
  Timer ok_timer_;       // 2xx retransmission
  Timer ok_giveup_;      // 64*T1 without ACK
  Timer rel_timer_;      // reliable provisional retransmission
  Timer rel_giveup_;     // 64*T1 without PRACK
  Timer session_timer_;  // refresh or expiry
  Timer glare_timer_;    // 491 retry (§14.1)
};

}  // namespace tessera::signaling::sip

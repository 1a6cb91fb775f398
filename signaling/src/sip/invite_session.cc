// InviteSession: common parts and the UAS side (answering incoming calls, RFC 3262
// reliable provisionals, 2xx retransmission until the ACK).
#include "sip/invite_session.h"

#include <fmt/format.h>

#include "sip/grammar.h"
#include "sip/random.h"

namespace tessera::signaling::sip {
namespace {

constexpr log::Component kLog{"sip.call", log::Tag::kSip};

}  // namespace

std::string WarningValue(std::string_view text) {
  std::string out = "399 tessera \"";
  size_t n = 0;
  for (char c : text) {
    if (n++ == 200) break;
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string_view ToString(CallState s) {
  switch (s) {
    case CallState::kIncoming:
      return "incoming";
    case CallState::kCalling:
      return "calling";
    case CallState::kConnecting:
      return "connecting";
    case CallState::kConfirmed:
      return "confirmed";
    case CallState::kTerminated:
      return "terminated";
  }
  return "terminated";
}

std::string_view ToString(CallEnd::Reason r) {
  switch (r) {
    case CallEnd::Reason::kLocalHangup:
      return "local hangup";
    case CallEnd::Reason::kRemoteHangup:
      return "remote hangup";
    case CallEnd::Reason::kCancelled:
      return "cancelled";
    case CallEnd::Reason::kRejected:
      return "rejected";
    case CallEnd::Reason::kDeclined:
      return "declined";
    case CallEnd::Reason::kNoAck:
      return "no ACK";
    case CallEnd::Reason::kTimeout:
      return "timeout";
    case CallEnd::Reason::kSessionExpired:
      return "session expired";
    case CallEnd::Reason::kTransportError:
      return "transport error";
    case CallEnd::Reason::kShutdown:
      return "shutdown";
  }
  return "unknown";
}

void CallObserver::OnRemoteOffer(Call& call, std::string_view) {
  call.RejectOffer(488);
}

void CallObserver::OnOfferRequested(Call& call) {
  call.AnswerOffer(call.local_sdp());
}

InviteSession::InviteSession(UserAgentCore& core, uint64_t id, CallDirection direction)
    : core_(&core),
      id_(id),
      direction_(direction),
      state_(direction == CallDirection::kIncoming ? CallState::kIncoming : CallState::kCalling),
      answer_timer_(core.timers()),
      ok_timer_(core.timers()),
      ok_giveup_(core.timers()),
      rel_timer_(core.timers()),
      rel_giveup_(core.timers()),
      session_timer_(core.timers()),
      glare_timer_(core.timers()) {}

InviteSession::~InviteSession() = default;

void InviteSession::End(CallEnd::Reason reason, int status, std::string detail) {
  if (state_ == CallState::kTerminated) return;
  state_ = CallState::kTerminated;
  for (Timer* t : {&answer_timer_, &ok_timer_, &ok_giveup_, &rel_timer_, &rel_giveup_, &session_timer_, &glare_timer_})
    t->Cancel();
  TLOG_DEBUG(kLog, "call {} ({}) ended: {} {} {}", id_, call_id_, ToString(reason), status, detail);
  CallObserver* observer = observer_;
  observer_ = nullptr;
  if (core_) {
    if (dialog_) core_->RemoveDialog(dialog_->id());
    core_->RemoveSession(id_);
  }
  if (observer) observer->OnEnded(*this, CallEnd{reason, status, std::move(detail)});
}

void InviteSession::Shutdown() {
  if (!alive()) {
    core_ = nullptr;
    return;
  }
  if (state_ == CallState::kIncoming && !answered_) {
    Reject(503, "Service Unavailable (shutting down)", std::nullopt);
  } else if (state_ == CallState::kCalling) {
    cancel_requested_ = true;
    if (invite_client_) core_->transactions().Cancel(invite_client_);
  } else if (dialog_ && (state_ == CallState::kConfirmed || state_ == CallState::kConnecting)) {
    Message bye = dialog_->CreateRequest(Method::kBye);
    core_->DecorateRequest(bye);
    SendInDialog(std::move(bye), {});
  }
  End(CallEnd::Reason::kShutdown, 0, "the user agent stopped");
  // Timers must not reach a TimerService that may be destroyed before this object.
  for (Timer* t : {&answer_timer_, &ok_timer_, &ok_giveup_, &rel_timer_, &rel_giveup_, &session_timer_, &glare_timer_})
    t->Cancel();
  core_ = nullptr;
}

Message InviteSession::Response(const Message& request, int status, std::string reason) const {
  Message r = MakeResponse(request, status, std::move(reason), local_tag_);
  core_->DecorateResponse(r);
  const bool target = request.method == Method::kInvite || request.method == Method::kUpdate;
  if (target && status > 100 && status < 300 && dialog_) r.contact = {dialog_->local_contact()};
  return r;
}

void InviteSession::AttachSdp(Message& m, const std::string& sdp) const {
  if (sdp.empty()) return;
  m.content_type = "application/sdp";
  m.body = sdp;
}

std::optional<Source> InviteSession::Flow() const {
  if (direction_ == CallDirection::kIncoming) return source_;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// UAS

void InviteSession::StartIncoming(TransactionLayer::ServerId tx, const Message& invite, const Source& source,
                                  std::optional<std::string> authenticated_user, const UasSessionTimerDecision& timer) {
  invite_ = invite;
  invite_tx_ = tx;
  source_ = source;
  call_id_ = invite.call_id;
  request_uri_ = invite.request_uri;
  remote_party_ = invite.from;
  local_tag_ = RandomHex(8);
  local_party_ = invite.to;
  local_party_.params.Set("tag", local_tag_);
  if (const std::string* ua = invite.GetHeader("User-Agent")) remote_user_agent_ = *ua;
  secure_ = invite.request_uri.scheme == UriScheme::kSips && source.transport == TransportType::kTls;
  authenticated_user_ = std::move(authenticated_user);
  peer_requires_100rel_ = invite.HasOptionTag("Require", "100rel");
  remote_allows_update_ = invite.HasOptionTag("Allow", "UPDATE");
  uas_timer_ = timer;
  next_rseq_ = static_cast<uint32_t>(RandomBetween(1, 1u << 30));
  if (!invite.body.empty()) {
    remote_sdp_ = invite.body;
    remote_offered_ = true;
  }
  auto dialog = Dialog::FromRequest(
      invite, local_tag_,
      core_->LocalContact(source.transport, source.address, invite.request_uri.scheme == UriScheme::kSips));
  dialog_ = std::move(*dialog);  // the core checked the Contact
  core_->AddDialog(dialog_->id(), shared_from_this());
  answer_timer_.Start(core_->options().answer_timeout, [this] {
    if (state_ == CallState::kIncoming && !answered_) Reject(480, "Temporarily Unavailable (no answer)", std::nullopt);
  });
  TLOG_DEBUG(kLog, "call {}: incoming INVITE {} from {}", id_, call_id_, remote_party_.uri.ToString());
}

void InviteSession::Ring() {
  if (!alive() || state_ != CallState::kIncoming || answered_) return;
  SendProvisional(180, {});
}

void InviteSession::Progress(std::string sdp) {
  if (!alive() || state_ != CallState::kIncoming || answered_) return;
  SendProvisional(183, std::move(sdp));
}

void InviteSession::SendProvisional(int status, std::string sdp) {
  Message r = Response(invite_, status);
  const bool has_sdp = !sdp.empty();
  if (has_sdp) {
    AttachSdp(r, sdp);
    local_sdp_ = std::move(sdp);
  }
  // A caller that merely supports 100rel gets ordinary provisionals; one that requires it
  // gets them reliably (RFC 3262 §3), one at a time.
  if (!peer_requires_100rel_) {
    core_->transactions().Respond(invite_tx_, r);
    return;
  }
  if (unacked_) {
    queued_provisionals_.emplace_back(std::move(r), has_sdp);
    return;
  }
  SendReliable(std::move(r), has_sdp);
}

void InviteSession::SendReliable(Message response, bool has_sdp) {
  const uint32_t rseq = next_rseq_++;
  response.SetHeader("Require", "100rel");
  response.SetHeader("RSeq", std::to_string(rseq));
  core_->transactions().Respond(invite_tx_, response);
  unacked_ = Reliable{std::move(response), rseq, has_sdp};
  rel_interval_ = core_->transactions().timers().t1;
  rel_timer_.Start(rel_interval_, [this] { RetransmitReliable(); });
  rel_giveup_.Start(core_->transactions().timers().T64(), [this] {
    if (!unacked_ || answered_) return;
    TLOG_INFO(kLog, "call {}: no PRACK for a reliable provisional response", id_);
    Reject(504, "Server Time-out (no PRACK)", std::nullopt);
  });
}

void InviteSession::RetransmitReliable() {
  if (!unacked_ || answered_) return;
  core_->transactions().Respond(invite_tx_, unacked_->response);
  rel_interval_ *= 2;
  rel_timer_.Start(rel_interval_, [this] { RetransmitReliable(); });
}

void InviteSession::OnPrack(TransactionLayer::ServerId tx, const Message& prack) {
  // RAck: <rseq> <cseq> <method>
  const std::string* rack = prack.GetHeader("RAck");
  uint64_t rseq = 0, cseq = 0;
  std::string method;
  if (rack) {
    grammar::Scanner sc(grammar::Trim(*rack));
    rseq = grammar::ParseUint(sc.While(grammar::IsDigit), 0xffffffffu).value_or(0);
    sc.SkipWs();
    cseq = grammar::ParseUint(sc.While(grammar::IsDigit), 0xffffffffu).value_or(0);
    sc.SkipWs();
    method = std::string(sc.Token());
  }
  if (!unacked_ || rseq != unacked_->rseq || cseq != invite_.cseq.number || method != "INVITE") {
    core_->transactions().Respond(tx, Response(prack, 481, "No matching reliable provisional response"));
    return;
  }
  core_->transactions().Respond(tx, Response(prack, 200));
  rel_timer_.Cancel();
  rel_giveup_.Cancel();
  unacked_.reset();
  if (!queued_provisionals_.empty()) {
    auto [next, has_sdp] = std::move(queued_provisionals_.front());
    queued_provisionals_.pop_front();
    SendReliable(std::move(next), has_sdp);
  } else if (deferred_answer_) {
    std::string sdp = std::move(*deferred_answer_);
    deferred_answer_.reset();
    SendFinalOk(std::move(sdp));
  }
}

void InviteSession::Answer(std::string sdp) {
  if (!alive() || state_ != CallState::kIncoming || answered_) return;
  if (sdp.empty()) {
    TLOG_WARN(kLog, "call {}: Answer() without SDP; rejecting with 488", id_);
    Reject(488, "Not Acceptable Here (no session description)", std::nullopt);
    return;
  }
  // RFC 3262 §3: no 2xx while a reliable provisional carrying SDP is unacknowledged.
  if (unacked_ && unacked_->has_sdp) {
    deferred_answer_ = std::move(sdp);
    return;
  }
  SendFinalOk(std::move(sdp));
}

void InviteSession::SendFinalOk(std::string sdp) {
  answered_ = true;
  answer_timer_.Cancel();
  rel_timer_.Cancel();
  rel_giveup_.Cancel();
  unacked_.reset();
  queued_provisionals_.clear();
  local_sdp_ = std::move(sdp);
  offer_ = remote_offered_ ? Offer::kNone : Offer::kAwaitingAckAnswer;
  Message r = Response(invite_, 200);
  ApplyUasTimer(uas_timer_, r);
  AttachSdp(r, local_sdp_);
  state_ = CallState::kConnecting;
  dialog_->Confirm();
  remote_invite_pending_ = true;
  SendOk(invite_tx_, std::move(r));
}

void InviteSession::SendOk(TransactionLayer::ServerId tx, Message response) {
  core_->transactions().Respond(tx, response);
  const Destination* d = core_->transactions().ServerDestination(tx);
  ok_destination_ = d ? *d : Destination{source_.transport, source_.address, source_.port, source_.connection_id, {}};
  ok_bytes_ = response.ToString();
  ok_cseq_ = response.cseq.number;
  ok_interval_ = core_->transactions().timers().t1;
  ok_timer_.Start(ok_interval_, [this] { RetransmitOk(); });
  // §13.3.1.4: no ACK within 64*T1 ends the dialog with a BYE.
  ok_giveup_.Start(core_->transactions().timers().T64(), [this] {
    ok_timer_.Cancel();
    ok_bytes_.clear();
    remote_invite_pending_ = false;
    if (state_ == CallState::kConnecting) {
      SendBye(CallEnd::Reason::kNoAck, 0, "no ACK for our 2xx");
    } else if (offer_ == Offer::kAwaitingAckAnswer) {
      SendBye(CallEnd::Reason::kNoAck, 0, "no ACK for our 2xx to a re-INVITE");
    }
  });
}

void InviteSession::RetransmitOk() {
  if (ok_bytes_.empty() || !alive()) return;
  core_->transactions().SendBytes(ok_destination_, ok_bytes_);
  ok_interval_ = std::min(ok_interval_ * 2, std::chrono::milliseconds(core_->transactions().timers().t2));
  ok_timer_.Start(ok_interval_, [this] { RetransmitOk(); });
}

void InviteSession::OnAck(const Message& ack) {
  if (!alive() || ok_bytes_.empty() || ack.cseq.number != ok_cseq_) return;  // a late duplicate
  ok_timer_.Cancel();
  ok_giveup_.Cancel();
  ok_bytes_.clear();
  remote_invite_pending_ = false;
  std::string answer;
  if (offer_ == Offer::kAwaitingAckAnswer) {
    offer_ = Offer::kNone;
    if (ack.body.empty() || ack.MediaType() != "application/sdp") {
      // RFC 3264: our offer in the 2xx must be answered in the ACK.
      SendBye(CallEnd::Reason::kRemoteHangup, 0, "ACK without the SDP answer to our offer");
      return;
    }
    answer = ack.body;
    remote_sdp_ = answer;
    if (state_ == CallState::kConfirmed) {
      if (observer_) observer_->OnRemoteAnswer(*this, answer);
      return;
    }
  }
  if (state_ == CallState::kConnecting) {
    state_ = CallState::kConfirmed;
    if (uas_timer_.response) StartSessionTimer(uas_timer_.response->seconds, uas_timer_.we_refresh);
    TLOG_DEBUG(kLog, "call {}: established", id_);
    if (observer_) observer_->OnEstablished(*this, answer);
  }
}

void InviteSession::OnCancel() {
  if (!alive() || state_ != CallState::kIncoming || answered_) return;
  answered_ = true;
  core_->transactions().Respond(invite_tx_, Response(invite_, 487));
  End(CallEnd::Reason::kCancelled, 487, "CANCEL received");
}

void InviteSession::Reject(int status, std::string reason, std::optional<std::chrono::seconds> retry_after,
                           std::string warning) {
  if (!alive() || state_ != CallState::kIncoming || answered_) return;
  if (status < 300 || status > 699) status = 500;
  answered_ = true;
  Message r = Response(invite_, status, reason);
  if (retry_after) r.AddHeader("Retry-After", std::to_string(retry_after->count()));
  if (!warning.empty()) r.AddHeader("Warning", WarningValue(warning));
  if (status == 405 || status == 501) r.SetHeader("Allow", std::string(kAllow));
  core_->transactions().Respond(invite_tx_, r);
  End(CallEnd::Reason::kRejected, status, r.reason);
}

void InviteSession::Hangup(std::string reason) {
  if (!alive()) return;
  hangup_reason_ = std::move(reason);
  switch (state_) {
    case CallState::kIncoming:
      Reject(480, "Temporarily Unavailable", std::nullopt);
      return;
    case CallState::kCalling:
      cancel_requested_ = true;
      if (invite_client_) core_->transactions().Cancel(invite_client_, {}, hangup_reason_);
      End(CallEnd::Reason::kLocalHangup, 0, "cancelled before the answer");
      return;
    case CallState::kConnecting:
    case CallState::kConfirmed:
      SendBye(CallEnd::Reason::kLocalHangup, 0, "hung up");
      return;
    case CallState::kTerminated:
      return;
  }
}

}  // namespace tessera::signaling::sip

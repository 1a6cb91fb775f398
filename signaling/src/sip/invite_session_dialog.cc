// InviteSession within an established dialog: BYE, re-INVITE and UPDATE offers in both
// directions with glare handling (491, RFC 3261 §14.1 retry timers; 500 + Retry-After,
// §14.2), INFO (DTMF, picture fast update), session timers (RFC 4028).
#include <fmt/format.h>

#include "sip/invite_session.h"
#include "sip/random.h"
#include "tessera/signaling/sdp/session_description.h"

namespace tessera::signaling::sip {
namespace {

constexpr log::Component kLog{"sip.call", log::Tag::kSip};

// RFC 3264 §8: an offer whose o= line is unchanged does not change the session.
bool SameSessionVersion(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  auto pa = sdp::ParseSdp(a);
  auto pb = sdp::ParseSdp(b);
  return pa && pb && pa->origin == pb->origin;
}

}  // namespace

void InviteSession::OnRequest(TransactionLayer::ServerId tx, const Message& request, const Source& source) {
  (void)source;
  if (!alive()) {
    core_->RespondStateless(tx, request, 481);
    return;
  }
  if (dialog_ && !dialog_->AcceptRemoteCSeq(request)) {
    core_->transactions().Respond(tx, Response(request, 500, "Server Internal Error (CSeq out of order)"));
    return;
  }
  switch (request.method) {
    case Method::kBye:
      OnBye(tx, request);
      return;
    case Method::kInvite:
      OnReinvite(tx, request);
      return;
    case Method::kUpdate:
      OnUpdate(tx, request);
      return;
    case Method::kInfo:
      OnInfo(tx, request);
      return;
    case Method::kPrack:
      OnPrack(tx, request);
      return;
    case Method::kOptions: {
      Message r = Response(request, 200);
      r.SetHeader("Allow", std::string(kAllow));
      r.SetHeader("Accept", std::string(kAcceptInvite));
      core_->transactions().Respond(tx, r);
      return;
    }
    case Method::kUnknown: {
      Message r = Response(request, 501);
      r.SetHeader("Allow", std::string(kAllow));
      core_->transactions().Respond(tx, r);
      return;
    }
    default: {
      Message r = Response(request, 405);
      r.SetHeader("Allow", std::string(kAllow));
      core_->transactions().Respond(tx, r);
      return;
    }
  }
}

void InviteSession::OnBye(TransactionLayer::ServerId tx, const Message& request) {
  core_->transactions().Respond(tx, Response(request, 200));
  if (state_ == CallState::kIncoming && !answered_) {
    answered_ = true;
    core_->transactions().Respond(invite_tx_, Response(invite_, 487));
  }
  if (pending_tx_) {
    core_->transactions().Respond(pending_tx_, Response(pending_request_, 487));
    pending_tx_ = 0;
  }
  End(CallEnd::Reason::kRemoteHangup, 0, "BYE received");
}

void InviteSession::OnReinvite(TransactionLayer::ServerId tx, const Message& request) {
  if (state_ != CallState::kConfirmed || remote_invite_pending_) {
    // §14.2: the previous INVITE is not finished.
    Message r = Response(request, 500, "Server Internal Error (previous INVITE pending)");
    r.AddHeader("Retry-After", std::to_string(RandomBetween(0, 10)));
    core_->transactions().Respond(tx, r);
    return;
  }
  if (offer_ == Offer::kLocalPending) {
    core_->transactions().Respond(tx, Response(request, 491));  // glare (§14.2)
    return;
  }
  if (offer_ != Offer::kNone) {
    Message r = Response(request, 500, "Server Internal Error (offer pending)");
    r.AddHeader("Retry-After", std::to_string(RandomBetween(0, 10)));
    core_->transactions().Respond(tx, r);
    return;
  }
  const auto timer = DecideAsUas(request, core_->options().session_timer);
  if (timer.reject_422) {
    Message r = Response(request, 422);
    r.SetHeader("Min-SE", std::to_string(timer.min_se));
    core_->transactions().Respond(tx, r);
    return;
  }
  dialog_->RefreshTarget(request);
  remote_invite_pending_ = true;
  pending_tx_ = tx;
  pending_request_ = request;
  uas_timer_ = timer;
  if (!request.body.empty()) {
    offer_ = Offer::kRemotePending;
    if (SameSessionVersion(request.body, remote_sdp_)) {
      AnswerOffer(local_sdp_);  // a refresh: nothing changed, nothing to ask
      return;
    }
    if (observer_) {
      observer_->OnRemoteOffer(*this, request.body);
    } else {
      RejectOffer(488);
    }
  } else {
    offer_ = Offer::kRequested;
    if (observer_) {
      observer_->OnOfferRequested(*this);
    } else {
      AnswerOffer(local_sdp_);
    }
  }
}

void InviteSession::OnUpdate(TransactionLayer::ServerId tx, const Message& request) {
  const auto timer = DecideAsUas(request, core_->options().session_timer);
  if (timer.reject_422) {
    Message r = Response(request, 422);
    r.SetHeader("Min-SE", std::to_string(timer.min_se));
    core_->transactions().Respond(tx, r);
    return;
  }
  dialog_->RefreshTarget(request);
  if (request.body.empty()) {
    // A session refresh (RFC 4028) or a target refresh: nothing to negotiate.
    Message r = Response(request, 200);
    ApplyUasTimer(timer, r);
    core_->transactions().Respond(tx, r);
    if (timer.response) StartSessionTimer(timer.response->seconds, timer.we_refresh);
    return;
  }
  if (offer_ == Offer::kLocalPending) {
    core_->transactions().Respond(tx, Response(request, 491));
    return;
  }
  if (offer_ != Offer::kNone || state_ == CallState::kIncoming || state_ == CallState::kCalling) {
    // RFC 3311 §5.2: an offer while another is unanswered.
    Message r = Response(request, 500, "Server Internal Error (offer pending)");
    r.AddHeader("Retry-After", std::to_string(RandomBetween(0, 10)));
    core_->transactions().Respond(tx, r);
    return;
  }
  pending_tx_ = tx;
  pending_request_ = request;
  uas_timer_ = timer;
  offer_ = Offer::kRemotePending;
  if (SameSessionVersion(request.body, remote_sdp_)) {
    AnswerOffer(local_sdp_);
    return;
  }
  if (observer_) {
    observer_->OnRemoteOffer(*this, request.body);
  } else {
    RejectOffer(488);
  }
}

void InviteSession::AnswerOffer(std::string sdp) {
  if (!alive() || pending_tx_ == 0 || (offer_ != Offer::kRemotePending && offer_ != Offer::kRequested)) return;
  if (sdp.empty()) {
    RejectOffer(488);
    return;
  }
  const TransactionLayer::ServerId tx = pending_tx_;
  pending_tx_ = 0;
  local_sdp_ = std::move(sdp);
  Message r = Response(pending_request_, 200);
  ApplyUasTimer(uas_timer_, r);
  AttachSdp(r, local_sdp_);
  if (offer_ == Offer::kRemotePending) {
    remote_sdp_ = pending_request_.body;
    offer_ = Offer::kNone;
  } else {
    offer_ = Offer::kAwaitingAckAnswer;  // our offer; the answer comes in the ACK
  }
  if (uas_timer_.response) StartSessionTimer(uas_timer_.response->seconds, uas_timer_.we_refresh);
  if (pending_request_.method == Method::kInvite) {
    SendOk(tx, std::move(r));
  } else {
    core_->transactions().Respond(tx, r);
  }
}

void InviteSession::RejectOffer(int status, std::string warning) {
  if (!alive() || pending_tx_ == 0) return;
  if (status < 400 || status > 699) status = 488;
  Message r = Response(pending_request_, status);
  if (!warning.empty()) r.AddHeader("Warning", WarningValue(warning));
  core_->transactions().Respond(pending_tx_, r);
  pending_tx_ = 0;
  offer_ = Offer::kNone;
  if (pending_request_.method == Method::kInvite) remote_invite_pending_ = false;  // the ACK stays in the transaction
}

void InviteSession::OnInfo(TransactionLayer::ServerId tx, const Message& request) {
  const std::string type = request.MediaType();
  std::optional<DtmfEvent> dtmf;
  bool keyframe = false;
  if (request.body.empty()) {
    core_->transactions().Respond(tx, Response(request, 200));  // an INFO keep-alive
    return;
  }
  if (type == "application/dtmf-relay") {
    dtmf = ParseDtmfRelay(request.body);
  } else if (type == "application/dtmf") {
    dtmf = ParseDtmf(request.body);
  } else if (type == "application/media_control+xml") {
    keyframe = IsPictureFastUpdate(request.body);
  } else {
    Message r = Response(request, 415);
    r.SetHeader("Accept", std::string(kAcceptInfo));
    core_->transactions().Respond(tx, r);
    return;
  }
  if (!dtmf && !keyframe) {
    core_->transactions().Respond(tx, Response(request, 400, "Bad Request (unrecognised " + type + " body)"));
    return;
  }
  core_->transactions().Respond(tx, Response(request, 200));
  if (!observer_) return;
  if (dtmf) observer_->OnDtmf(*this, *dtmf);
  if (keyframe) observer_->OnKeyframeRequest(*this);
}

bool InviteSession::Reinvite(std::string sdp) {
  if (sdp.empty()) return false;
  return SendOffer(Method::kInvite, std::move(sdp), false);
}

bool InviteSession::Update(std::string sdp) {
  return SendOffer(Method::kUpdate, std::move(sdp), false);
}

void InviteSession::AddSessionTimerHeaders(Message& request) const {
  const SessionTimerSettings& st = core_->options().session_timer;
  if (se_seconds_ > 0) {
    // We send this request: "uac" is us.
    request.SetHeader("Session-Expires",
                      SessionExpires{se_seconds_, we_refresh_ ? Refresher::kUac : Refresher::kUas}.ToString());
  } else if (st.session_expires.count() > 0) {
    request.SetHeader("Session-Expires", std::to_string(st.session_expires.count()));
  } else {
    return;
  }
  request.SetHeader("Min-SE", std::to_string(st.min_se.count()));
}

bool InviteSession::SendOffer(Method method, std::string sdp, bool refresh) {
  if (!alive() || state_ != CallState::kConfirmed || local_request_pending_ || offer_ != Offer::kNone ||
      remote_invite_pending_) {
    return false;
  }
  Message request = dialog_->CreateRequest(method);
  core_->DecorateRequest(request);
  AddSessionTimerHeaders(request);
  AttachSdp(request, sdp);
  local_request_pending_ = true;
  if (!sdp.empty()) offer_ = Offer::kLocalPending;
  std::weak_ptr<InviteSession> weak = weak_from_this();
  SendInDialog(std::move(request), {[weak, method, sdp, refresh](const Message& r) {
                                      if (auto self = weak.lock()) self->OnOfferResponse(method, sdp, refresh, r);
                                    },
                                    [weak, method](TransactionLayer::ClientError e) {
                                      auto self = weak.lock();
                                      if (!self || !self->alive()) return;
                                      self->local_request_pending_ = false;
                                      self->offer_ = Offer::kNone;
                                      self->SendBye(e == TransactionLayer::ClientError::kTimeout
                                                        ? CallEnd::Reason::kTimeout
                                                        : CallEnd::Reason::kTransportError,
                                                    408, fmt::format("no answer to our {}", MethodName(method)));
                                    }});
  return true;
}

void InviteSession::OnOfferResponse(Method method, const std::string& sdp, bool refresh, const Message& r) {
  if (!alive()) return;
  const int status = r.status;
  if (status < 200) {
    if (r.HasOptionTag("Require", "100rel")) SendPrack(r);
    return;
  }
  if (status < 300) {
    if (method == Method::kInvite && r.cseq.number == ack_cseq_ && !ack_bytes_.empty() && !local_request_pending_) {
      core_->transactions().SendBytes(ack_destination_, ack_bytes_);  // 2xx retransmission
      return;
    }
    local_request_pending_ = false;
    if (method == Method::kInvite) SendAckFor(r);
    dialog_->RefreshTarget(r);
    if (const auto st = ReadAsUac(r)) {
      StartSessionTimer(st->seconds, st->we_refresh);
    } else {
      StartSessionTimer(0, false);
    }
    if (!sdp.empty()) {
      offer_ = Offer::kNone;
      local_sdp_ = sdp;
      if (!r.body.empty()) remote_sdp_ = r.body;
      if (observer_) observer_->OnRemoteAnswer(*this, r.body);
    }
    return;
  }
  local_request_pending_ = false;
  offer_ = Offer::kNone;
  if (status == 491) {
    // §14.1: retry after a random time; the owner of the Call-ID (the caller) waits longer.
    const auto delay = direction_ == CallDirection::kOutgoing ? std::chrono::milliseconds(RandomBetween(210, 400) * 10)
                                                              : std::chrono::milliseconds(RandomBetween(0, 200) * 10);
    glare_timer_.Start(delay, [this, method, sdp, refresh] {
      if (!SendOffer(method, sdp, refresh))
        glare_timer_.Start(std::chrono::seconds(1), [this, method, sdp, refresh] { SendOffer(method, sdp, refresh); });
    });
    return;
  }
  if (status == 422) {
    if (const auto min_se = GetMinSe(r); min_se && refresh) {
      se_seconds_ = std::max(se_seconds_, *min_se);
      SendOffer(method, sdp, refresh);
      return;
    }
  }
  if (status == 481 || status == 408) {
    // §12.2.1.2: the dialog is gone.
    End(status == 481 ? CallEnd::Reason::kRemoteHangup : CallEnd::Reason::kTimeout, status, r.reason);
    return;
  }
  if (!sdp.empty() && observer_) observer_->OnOfferRejected(*this, status);
}

void InviteSession::StartSessionTimer(uint32_t seconds, bool we_refresh) {
  se_seconds_ = seconds;
  we_refresh_ = we_refresh;
  if (seconds == 0) {
    session_timer_.Cancel();
    return;
  }
  if (we_refresh) {
    session_timer_.Start(RefreshAfter(seconds), [this] {
      // Prefer an UPDATE without a body when the peer allows it (RFC 4028 §7.1).
      const bool update = remote_allows_update_;
      const bool sent = update ? SendOffer(Method::kUpdate, {}, true) : SendOffer(Method::kInvite, local_sdp_, true);
      if (!sent) session_timer_.Start(std::chrono::seconds(2), [this] { StartSessionTimer(se_seconds_, true); });
    });
  } else {
    session_timer_.Start(ExpireAfter(seconds), [this] {
      TLOG_INFO(kLog, "call {}: session not refreshed within {} s, hanging up", id_, se_seconds_);
      SendBye(CallEnd::Reason::kSessionExpired, 0, "session timer expired (RFC 4028)");
    });
  }
}

void InviteSession::ApplyUasTimer(const UasSessionTimerDecision& d, Message& response) {
  if (!d.response) return;
  response.SetHeader("Session-Expires", d.response->ToString());
  if (d.require_timer) response.SetHeader("Require", "timer");
}

void InviteSession::SendBye(CallEnd::Reason reason, int status, std::string detail) {
  if (!alive()) return;
  if (dialog_) {
    Message bye = dialog_->CreateRequest(Method::kBye);
    core_->DecorateRequest(bye);
    if (reason == CallEnd::Reason::kSessionExpired) bye.AddHeader("Reason", "SIP;cause=408;text=\"Session expired\"");
    if (reason == CallEnd::Reason::kLocalHangup && !hangup_reason_.empty()) bye.AddHeader("Reason", hangup_reason_);
    SendInDialog(std::move(bye), {});
  }
  End(reason, status, std::move(detail));
}

void InviteSession::SendInDialog(Message request, TransactionLayer::ClientCallbacks callbacks) {
  core_->SendRequest(
      dialog_->NextHop(), Flow(),
      [request = std::move(request)](const Destination&) -> std::optional<Message> { return request; },
      std::move(callbacks));
}

}  // namespace tessera::signaling::sip

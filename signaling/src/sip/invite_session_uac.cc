// InviteSession, UAC side: dial-out, provisional and final responses, digest challenges,
// 422 retries, PRACK for reliable provisionals, the ACK of 2xx and forked answers.
#include <fmt/format.h>

#include "sip/grammar.h"
#include "sip/invite_session.h"
#include "sip/random.h"

namespace tessera::signaling::sip {
namespace {

constexpr log::Component kLog{"sip.call", log::Tag::kSip};

}  // namespace

void InviteSession::StartOutgoing(const DialOptions& options, CallObserver* observer) {
  dial_ = options;
  observer_ = observer;
  call_id_ = RandomHex(16);
  local_tag_ = RandomHex(8);
  request_uri_ = options.target;
  remote_party_.uri = options.target;
  remote_party_.uri.params = {};
  remote_party_.uri.headers.clear();
  secure_ = options.target.scheme == UriScheme::kSips;
  local_sdp_ = options.sdp_offer;
  // The INVITE itself is built once the target is resolved (our address depends on it).
  invite_ = Message::Request(Method::kInvite, options.target);
  invite_.cseq = CSeq{1, "INVITE"};
  answer_timer_.Start(options.answer_timeout, [this] {
    if (state_ != CallState::kCalling) return;
    cancel_requested_ = true;
    if (invite_client_) core_->transactions().Cancel(invite_client_);
    End(CallEnd::Reason::kTimeout, 0, "not answered in time");
  });
  SendInvite();
}

void InviteSession::SendInvite() {
  std::weak_ptr<InviteSession> weak = weak_from_this();
  auto build = [weak](const Destination& d) -> std::optional<Message> {
    auto self = weak.lock();
    if (!self || !self->alive()) return std::nullopt;
    Message m = self->invite_;
    const auto [host, port] = self->core_->transport().LocalAddressFor(d.transport, d.address);
    Uri from_uri;
    from_uri.scheme = self->secure_ ? UriScheme::kSips : UriScheme::kSip;
    from_uri.scheme_text = self->secure_ ? "sips" : "sip";
    from_uri.user = self->dial_.from_user;
    from_uri.host = host;
    self->local_party_ = {};
    self->local_party_.uri = from_uri;
    if (!self->dial_.from_display_name.empty()) self->local_party_.SetDisplayName(self->dial_.from_display_name);
    self->local_party_.params.Set("tag", self->local_tag_);
    m.max_forwards = 70;
    m.from = self->local_party_;
    m.to = self->remote_party_;
    m.call_id = self->call_id_;
    m.contact = {self->core_->LocalContact(d.transport, d.address, self->secure_)};
    self->core_->DecorateRequest(m);
    const SessionTimerSettings& st = self->core_->options().session_timer;
    if (st.session_expires.count() > 0 && !m.GetHeader("Session-Expires")) {
      m.SetHeader("Session-Expires", std::to_string(st.session_expires.count()));
      m.SetHeader("Min-SE", std::to_string(st.min_se.count()));
    }
    for (const Header& h : self->dial_.extra_headers)
      m.AddHeader(h.name, h.value);
    self->AttachSdp(m, self->local_sdp_);
    self->invite_ = m;
    return m;
  };
  TransactionLayer::ClientCallbacks callbacks{[weak](const Message& r) {
                                                if (auto self = weak.lock()) self->OnInviteResponse(r);
                                              },
                                              [weak](TransactionLayer::ClientError e) {
                                                if (auto self = weak.lock()) self->OnInviteFailure(e);
                                              }};
  core_->SendRequest(request_uri_, std::nullopt, std::move(build), std::move(callbacks),
                     [weak](TransactionLayer::ClientId id, const Destination&) {
                       auto self = weak.lock();
                       if (!self) return;
                       self->invite_client_ = id;
                       if (self->cancel_requested_) self->core_->transactions().Cancel(id);
                     });
}

void InviteSession::OnInviteFailure(TransactionLayer::ClientError error) {
  if (!alive()) return;
  if (error == TransactionLayer::ClientError::kTimeout) {
    End(CallEnd::Reason::kTimeout, 408, "no response to the INVITE");
  } else {
    End(CallEnd::Reason::kTransportError, 503, "could not reach the target");
  }
}

void InviteSession::OnInviteResponse(const Message& r) {
  const int status = r.status;
  if (!alive() || core_ == nullptr) {
    // Hung up (CANCEL sent) and the answer came anyway: acknowledge it and leave (§15).
    if (status >= 200 && status < 300 && core_) AnswerForkAndHangUp(r);
    return;
  }
  if (status == 100) return;
  if (status < 200) {
    if (!r.to.Tag().empty() && !dialog_) {
      auto d = Dialog::FromResponse(invite_, r, invite_.contact.front());
      if (d) {
        dialog_ = std::move(*d);
        core_->AddDialog(dialog_->id(), shared_from_this());
      }
    }
    if (r.HasOptionTag("Require", "100rel") && dialog_ && r.to.Tag() == dialog_->id().remote_tag) SendPrack(r);
    if (status == 180 || status == 183) {
      if (const std::string* s = r.GetHeader("Server")) remote_user_agent_ = *s;
      if (observer_) observer_->OnRinging(*this);
      if (!r.body.empty() && r.MediaType() == "application/sdp") {
        remote_sdp_ = r.body;
        if (observer_) observer_->OnEarlyMedia(*this, r.body);
      }
    }
    return;
  }
  if (status < 300) {
    if (state_ == CallState::kConfirmed) {
      if (dialog_ && r.to.Tag() == dialog_->id().remote_tag) {
        if (!ack_bytes_.empty()) core_->transactions().SendBytes(ack_destination_, ack_bytes_);  // retransmission
      } else {
        AnswerForkAndHangUp(r);  // a second fork answered too
      }
      return;
    }
    if (dialog_ && dialog_->id().remote_tag != r.to.Tag()) {
      core_->RemoveDialog(dialog_->id());  // an early dialog of another fork
      dialog_.reset();
    }
    if (!dialog_) {
      auto d = Dialog::FromResponse(invite_, r, invite_.contact.front());
      if (!d) {
        End(CallEnd::Reason::kDeclined, status, "2xx without a To tag");
        return;
      }
      dialog_ = std::move(*d);
      core_->AddDialog(dialog_->id(), shared_from_this());
    } else {
      dialog_->UpdateFromSuccess(r);
    }
    answer_timer_.Cancel();
    state_ = CallState::kConfirmed;
    remote_party_ = r.to;
    if (const std::string* s = r.GetHeader("Server")) remote_user_agent_ = *s;
    remote_allows_update_ = r.HasOptionTag("Allow", "UPDATE");
    SendAckFor(r);
    if (cancel_requested_) {
      SendBye(CallEnd::Reason::kLocalHangup, 0, "hung up");
      return;
    }
    if (!r.body.empty()) remote_sdp_ = r.body;
    if (const auto st = ReadAsUac(r)) StartSessionTimer(st->seconds, st->we_refresh);
    TLOG_DEBUG(kLog, "call {}: answered by {}", id_, r.to.uri.ToString());
    if (observer_) observer_->OnEstablished(*this, r.body);
    return;
  }
  // 3xx-6xx: perhaps something we can fix and retry.
  if ((status == 401 || status == 407) && auth_attempts_ < 2) {
    std::vector<Credentials> extra;
    if (dial_.credentials) extra.push_back(*dial_.credentials);
    if (auto header = core_->AnswerChallenge(r, invite_, extra)) {
      ++auth_attempts_;
      invite_.RemoveHeader(header->name);
      invite_.AddHeader(header->name, header->value);
      invite_.cseq.number++;
      invite_.via.clear();
      SendInvite();
      return;
    }
  }
  if (status == 422 && !retried_422_) {
    if (const auto min_se = GetMinSe(r)) {
      retried_422_ = true;
      invite_.SetHeader("Session-Expires", std::to_string(*min_se));
      invite_.SetHeader("Min-SE", std::to_string(*min_se));
      invite_.cseq.number++;
      invite_.via.clear();
      SendInvite();
      return;
    }
  }
  if (dialog_) {
    core_->RemoveDialog(dialog_->id());
    dialog_.reset();
  }
  End(CallEnd::Reason::kDeclined, status, r.reason);
}

void InviteSession::SendAckFor(const Message& response) {
  Message ack = dialog_->CreateRequest(Method::kAck, response.cseq.number);
  ack.contact.clear();
  ack.AddHeader("User-Agent", core_->options().user_agent);
  ack_cseq_ = response.cseq.number;
  std::weak_ptr<InviteSession> weak = weak_from_this();
  core_->Resolve(dialog_->NextHop(), [weak, ack = std::move(ack)](Result<Destination, std::string> d) mutable {
    auto self = weak.lock();
    if (!self || !self->core_ || !d) return;
    self->ack_destination_ = *d;
    self->ack_bytes_ = self->core_->transactions().SendAck(std::move(ack), *d);
  });
}

void InviteSession::OnStrayInviteResponse(const Message& response) {
  // A 2xx retransmitted after the INVITE transaction ended: our ACK was lost (§13.2.2.4).
  if (response.cseq.number == ack_cseq_ && !ack_bytes_.empty() && core_) {
    core_->transactions().SendBytes(ack_destination_, ack_bytes_);
  }
}

void InviteSession::SendPrack(const Message& response) {
  const std::string* rseq_text = response.GetHeader("RSeq");
  if (!rseq_text) return;
  const auto rseq = grammar::ParseUint(grammar::Trim(*rseq_text), 0xffffffffu);
  if (!rseq || *rseq <= last_rseq_) return;  // retransmissions are not PRACKed again
  last_rseq_ = static_cast<uint32_t>(*rseq);
  Message prack = dialog_->CreateRequest(Method::kPrack);
  core_->DecorateRequest(prack);
  prack.SetHeader("RAck", fmt::format("{} {} INVITE", *rseq, response.cseq.number));
  SendInDialog(std::move(prack), {});
}

void InviteSession::AnswerForkAndHangUp(const Message& response) {
  if (!core_) return;
  auto d = Dialog::FromResponse(invite_, response, invite_.contact.empty() ? NameAddr{} : invite_.contact.front());
  if (!d) return;
  Message ack = d->CreateRequest(Method::kAck, response.cseq.number);
  ack.contact.clear();
  Message bye = d->CreateRequest(Method::kBye);
  core_->DecorateRequest(bye);
  UserAgentCore* core = core_;
  core->Resolve(d->NextHop(), [core, ack = std::move(ack)](Result<Destination, std::string> dest) mutable {
    if (dest) core->transactions().SendAck(std::move(ack), *dest);
  });
  core->SendRequest(d->NextHop(), std::nullopt,
                    [bye = std::move(bye)](const Destination&) -> std::optional<Message> { return bye; }, {});
}

}  // namespace tessera::signaling::sip

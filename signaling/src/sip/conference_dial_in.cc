#include "tessera/signaling/sip/conference_dial_in.h"

#include <fmt/format.h>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/pin_lobby.h"
#include "common/rate_limiter.h"
#include "tessera/base/log.h"
#include "tessera/signaling/sdp/local_address.h"
#include "tessera/signaling/sdp/offer_answer.h"
#include "tessera/signaling/sip/headers.h"

namespace tessera::signaling::sip {
namespace {

constexpr log::Component kLog{"sip.dial_in", log::Tag::kSip};

using Kind = mcu::ControlError::Kind;

struct SipRefusal {
  int status;
  const char* reason;
};

// Unspecified RTP addresses (0.0.0.0) in our SDP become the local address toward the peer.
void ReplaceUnspecifiedAddresses(mcu::ParticipantResult& result, const boost::asio::ip::address& remote) {
  sdp::ReplaceUnspecifiedAddresses(result, remote.to_string());
}

SipRefusal RefusalFor(Kind kind) {
  switch (kind) {
    case Kind::kNotFound:
      return {404, "Room Not Found"};
    case Kind::kForbidden:
      return {403, "Forbidden"};
    case Kind::kUnavailable:
      return {503, "Service Unavailable"};
    case Kind::kBadRequest:
      return {488, "Not Acceptable Here"};
    case Kind::kConflict:
    case Kind::kInternal:
      break;
  }
  return {500, "Server Internal Error"};
}

}  // namespace

// One call with a participant in a room.
class ConferenceDialIn::Leg final : public CallObserver, public PinLobby::Host {
 public:
  Leg(ConferenceDialIn& owner, std::shared_ptr<Call> call, std::string room_id, std::string participant_id,
      sdp::AnswerPolicy policy, sdp::AnswerIdentity identity)
      : owner_(owner),
        call_(std::move(call)),
        room_id_(std::move(room_id)),
        participant_id_(std::move(participant_id)),
        policy_(std::move(policy)),
        identity_(std::move(identity)) {}

  const std::string& participant_id() const { return participant_id_; }

  void SetPlan(sdp::OfferAnswerPlan plan) { plan_ = std::move(plan); }
  void SetOurOffer(sdp::SessionDescription offer) { our_offer_ = std::move(offer); }

  void SetCall(std::shared_ptr<Call> call) { call_ = std::move(call); }
  // The peer's address: unspecified RTP addresses in our SDP become the one toward it.
  void SetToward(boost::asio::ip::address address) { toward_ = address; }

  // Outgoing calls: 180 and 183 (early media is not played: the room answers on 2xx).
  void OnRinging(Call& call) override { TLOG_INFO(kLog, "dial-out call {}: ringing", call.id()); }
  void OnEarlyMedia(Call& call, std::string_view) override {
    TLOG_INFO(kLog, "dial-out call {}: session progress (early media)", call.id());
  }

  // Late offer: the answer arrives with the ACK. Dial-out: with the 2xx.
  void OnEstablished(Call& call, std::string_view remote_sdp) override {
    established_ = true;
    if (call.direction() == CallDirection::kOutgoing)
      TLOG_INFO(kLog, "dial-out call {} to {} answered: {} joined room {}", call.id(), call.request_uri().ToString(),
                participant_id_, room_id_);
    if (!our_offer_) return;
    auto answer = sdp::ParseSdp(remote_sdp);
    if (!answer) return Fail(call, "the ACK's SDP answer does not parse: " + answer.error().ToString());
    auto plan = sdp::PlanFromAnswer(*our_offer_, *answer, policy_);
    if (!plan) return Fail(call, plan.error().reason);
    auto updated = owner_.control_.UpdateParticipant(room_id_, participant_id_, Named(plan->request));
    if (!updated) return Fail(call, updated.error().message);
    plan_ = std::move(*plan);
    our_offer_.reset();
    TLOG_DEBUG(kLog, "call {}: late-offer answer applied to {}", call.id(), participant_id_);
  }

  void OnRemoteOffer(Call& call, std::string_view text) override {
    auto offer = sdp::ParseSdp(text);
    if (!offer) return call.RejectOffer(488, "the SDP offer does not parse: " + offer.error().ToString());
    auto plan = sdp::PlanUpdate(*offer, policy_, plan_);
    if (!plan) return call.RejectOffer(488, plan.error().reason);
    auto result = owner_.control_.UpdateParticipant(room_id_, participant_id_, Named(plan->request));
    if (!result) {
      const SipRefusal r = RefusalFor(result.error().kind);
      return call.RejectOffer(r.status == 404 ? 500 : r.status, result.error().message);
    }
    if (result->streams.size() != plan->request.streams.size())
      return call.RejectOffer(500, "the core answered a different stream count");
    ++identity_.session_version;
    plan_ = std::move(*plan);
    ReplaceUnspecifiedAddresses(*result, toward_);
    call.AnswerOffer(sdp::BuildAnswer(*offer, plan_, *result, identity_));
  }

  void OnKeyframeRequest(Call& call) override {
    auto r = owner_.control_.RequestKeyframe(room_id_, participant_id_);
    if (!r) TLOG_DEBUG(kLog, "call {}: keyframe request not passed on: {}", call.id(), r.error().message);
  }

  void OnDtmf(Call& call, const DtmfEvent& event) override {
    (void)call;
    if (lobby_ && lobby_->waiting()) {
      (void)lobby_->OnDigit(event.digit);  // may end the call (this is then gone): nothing may follow
      return;
    }
    if (owner_.options_.on_dtmf) owner_.options_.on_dtmf(room_id_, participant_id_, event);
  }

  // PIN rooms: the participant waits in the lobby (common/pin_lobby.h).
  void StartLobby() {
    lobby_ = std::make_unique<PinLobby>(owner_.control_, *owner_.options_.io, LobbyOptionsOf(owner_.options_), room_id_,
                                        participant_id_, "call " + std::to_string(call_->id()), *this);
    lobby_->Start();
  }

  bool MayRetryPin() override {
    // Every wrong entry counts against the caller's address; once it has none left, the
    // dialogue ends here whatever attempts this call had left.
    return !owner_.wrong_pins_ || owner_.wrong_pins_->Allow(call_->source().address, SourceRateLimiter::Clock::now());
  }

  void EndLobbyCall(PinLobby::End why, const std::string& detail) override {
    if (why == PinLobby::End::kFailure) return Fail(*call_, detail);
    call_->Hangup();  // BYE; OnEnded destroys this
  }

  void OnEnded(Call& call, const CallEnd& end) override {
    if (lobby_) lobby_->Stop();
    auto removed = owner_.control_.RemoveParticipant(room_id_, participant_id_);
    TLOG_INFO(kLog, "call {} left room {} ({}{}{}{})", call.id(), room_id_, ToString(end.reason),
              end.status ? fmt::format(" {}", end.status) : std::string(), end.detail.empty() ? "" : ": ", end.detail);
    if (!removed && removed.error().kind != Kind::kNotFound)
      TLOG_WARN(kLog, "participant {} not removed: {}", participant_id_, removed.error().message);
    if (call.direction() == CallDirection::kOutgoing && !established_ && !ended_by_core_) {
      // An operator who dialled wants to know why nobody joined (not when an operator
      // ended it).
      std::vector<std::pair<std::string, std::string>> fields = {{"uri", call.request_uri().ToString()},
                                                                 {"reason", std::string(ToString(end.reason))}};
      if (end.status) fields.emplace_back("status", std::to_string(end.status));
      owner_.control_.ReportError(
          room_id_, participant_id_, "dial_out_failed",
          fmt::format("the call to {} ended before it was answered ({}{}{})", call.request_uri().ToString(),
                      ToString(end.reason), end.status ? fmt::format(" {}", end.status) : std::string(),
                      end.detail.empty() ? "" : ": " + end.detail),
          std::move(fields));
    }
    owner_.Forget(call.id());  // destroys this; nothing may follow
  }

  // The core removed the participant (a kick, its room deleted): BYE, or CANCEL while a
  // dial-out still rings. OnEnded follows (its RemoveParticipant finds nobody) and
  // destroys this; nothing may follow.
  void EndForCore(const std::string& why) {
    TLOG_INFO(kLog, "call {}: ending, {}", call_->id(), why);
    ended_by_core_ = true;
    // Q.850 cause 16, normal call clearing, as H.323's RELEASE COMPLETE says it.
    call_->Hangup("Q.850;cause=16;text=\"" + QuoteString(why) + "\"");
  }

  void Detach() {
    call_->SetObserver(nullptr);
    (void)owner_.control_.RemoveParticipant(room_id_, participant_id_);
  }

  mcu::ParticipantRequest Named(mcu::ParticipantRequest request) const {
    request.protocol = "sip";
    request.display_name = display_name_;
    request.remote = remote_;
    return request;
  }
  void SetParty(std::string display_name, std::string remote) {
    display_name_ = std::move(display_name);
    remote_ = std::move(remote);
  }

 private:
  void Fail(Call& call, const std::string& why) {
    TLOG_INFO(kLog, "call {}: ending, {}", call.id(), why);
    call.Hangup();  // BYE; OnEnded removes the participant
  }

  // Passed in (not owned).
  ConferenceDialIn& owner_;
  // Owned.
  std::shared_ptr<Call> call_;
  std::string room_id_;
  std::string participant_id_;
  sdp::AnswerPolicy policy_;
  sdp::AnswerIdentity identity_;
  sdp::OfferAnswerPlan plan_;
  std::optional<sdp::SessionDescription> our_offer_;  // late offer: sent in the 200
  std::string display_name_;
  std::string remote_;
  boost::asio::ip::address toward_;
  std::unique_ptr<PinLobby> lobby_;  // PIN rooms
  bool established_ = false;  // answered (dial-out) or acknowledged (dial-in)
  // EndForCore: an operator ended it, not a failure.
  bool ended_by_core_ = false;
};

ConferenceDialIn::ConferenceDialIn(mcu::ConferenceControl& control, ConferenceDialInOptions options)
    : control_(control), options_(std::move(options)) {
  if (options_.wrong_pins_per_minute > 0)
    wrong_pins_ = std::make_unique<SourceRateLimiter>(options_.wrong_pins_per_minute / 60.0, options_.wrong_pin_burst);
  if (options_.io) {
    // The core may call this on any thread, from inside a control call: the hang-up runs
    // later on the calls' thread, and not at all once this is gone.
    control_.SetCallEnder("sip", [this, io = options_.io, alive = std::weak_ptr<int>(alive_)](
                                     const std::string&, const std::string& participant, const std::string& why) {
      boost::asio::post(*io, [this, alive, participant, why] {
        if (alive.lock()) EndCallOf(participant, why);
      });
    });
  }
}

ConferenceDialIn::~ConferenceDialIn() {
  if (options_.io) control_.SetCallEnder("sip", nullptr);
  // Calls still up (the user agent should have ended them first): detach, and take their
  // participants out of the rooms.
  for (auto& [id, leg] : legs_)
    leg->Detach();
}

void ConferenceDialIn::Forget(uint64_t call_id) {
  legs_.erase(call_id);
}

void ConferenceDialIn::EndCallOf(const std::string& participant_id, const std::string& why) {
  // Rare (an operator's action): a scan of the calls is fine.
  for (auto& [id, leg] : legs_)
    if (leg->participant_id() == participant_id) return leg->EndForCore(why);  // may destroy leg
  TLOG_DEBUG(kLog, "{} ({}): no call left to end", participant_id, why);
}

Result<std::shared_ptr<Call>, std::string> ConferenceDialIn::DialOut(UserAgent& ua, std::string_view room_name,
                                                                     const Uri& target,
                                                                     std::optional<Credentials> credentials) {
  std::optional<mcu::RoomSummary> room = control_.FindRoom(room_name);
  if (!room) return MakeUnexpected("no room \"" + std::string(room_name) + "\"");
  sdp::AnswerPolicy policy;
  policy.srtp_required = room->srtp_required;
  sdp::AnswerIdentity identity;
  identity.session_id = next_session_id_++;
  identity.session_version = 1;
  sdp::OfferOptions offer_options;
  offer_options.policy = policy;
  mcu::ParticipantRequest provisional = sdp::OfferRequest(offer_options);
  const std::string remote = target.ToString();
  provisional.protocol = "sip";
  provisional.display_name = target.UnescapedUser().empty() ? remote : target.UnescapedUser();
  provisional.remote = remote;
  auto result = control_.AddParticipant(room->id, provisional);
  if (!result) return MakeUnexpected("the room refused the participant: " + result.error().message);
  boost::system::error_code ec;
  std::string host_text = target.host;
  if (host_text.size() > 2 && host_text.front() == '[') host_text = host_text.substr(1, host_text.size() - 2);
  const auto host = boost::asio::ip::make_address(host_text, ec);
  if (!ec) ReplaceUnspecifiedAddresses(*result, host);
  const std::string offer = sdp::BuildOffer(offer_options, *result, identity);
  auto parsed = sdp::ParseSdp(offer);
  if (!parsed || result->streams.size() != provisional.streams.size()) {
    (void)control_.RemoveParticipant(result->room_id, result->participant_id);
    return MakeUnexpected(std::string("could not build an offer"));
  }
  auto leg = std::make_unique<Leg>(*this, nullptr, result->room_id, result->participant_id, policy, identity);
  leg->SetParty(provisional.display_name, remote);
  if (!ec) leg->SetToward(host);
  leg->SetOurOffer(std::move(*parsed));
  DialOptions dial;
  dial.target = target;
  dial.from_display_name = room->name;
  dial.sdp_offer = offer;
  dial.credentials = std::move(credentials);
  dial.answer_timeout = options_.dial_out_answer_timeout;
  std::shared_ptr<Call> call = ua.Dial(dial, leg.get());
  if (!call) {
    (void)control_.RemoveParticipant(result->room_id, result->participant_id);
    return MakeUnexpected(std::string("the user agent could not place the call"));
  }
  leg->SetCall(call);
  legs_[call->id()] = std::move(leg);
  TLOG_INFO(kLog, "dial-out call {} to {} for room {} as {}", call->id(), remote, result->room_id,
            result->participant_id);
  return call;
}

void ConferenceDialIn::OnIncomingCall(std::shared_ptr<Call> call) {
  const std::string from = call->remote_party().uri.ToString();
  std::optional<mcu::RoomSummary> room = control_.FindRoom(call->request_uri().UnescapedUser());
  if (!room) room = control_.FindRoom(call->local_party().uri.UnescapedUser());
  if (!room) {
    TLOG_INFO(kLog, "call from {} to {}: no such room (404)", from, call->request_uri().ToString());
    return call->Reject(404, "Room Not Found");
  }
  if (room->locked) {
    TLOG_INFO(kLog, "call from {} to room {}: locked (403)", from, room->id);
    return call->Reject(403, "Room Locked");
  }
  const bool lobby = room->has_pin;
  if (lobby && !options_.io) {
    TLOG_INFO(kLog, "call from {} to room {}: PIN rooms are not enabled here (403)", from, room->id);
    return call->Reject(403, "Forbidden", std::nullopt, "PIN rooms are not enabled on this server");
  }
  if (lobby && wrong_pins_ && wrong_pins_->Exhausted(call->source().address, SourceRateLimiter::Clock::now())) {
    ++refused_for_wrong_pins_;
    TLOG_INFO(kLog, "call from {} ({}) to room {}: too many wrong PINs from this address (403)", from,
              call->source().address.to_string(), room->id);
    return call->Reject(403, "Forbidden", std::nullopt, "too many wrong PINs from this address; try again later");
  }
  if (room->max_participants > 0 && room->participants >= room->max_participants) {
    TLOG_INFO(kLog, "call from {} to room {}: full (503)", from, room->id);
    return call->Reject(503, "Service Unavailable", options_.retry_after, "the room is full");
  }

  sdp::AnswerPolicy policy;
  policy.srtp_required = room->srtp_required;
  sdp::AnswerIdentity identity;
  identity.session_id = next_session_id_++;
  identity.session_version = 1;
  std::string display_name = call->remote_party().PlainDisplayName();
  if (display_name.empty()) display_name = call->remote_party().uri.UnescapedUser();

  auto refuse = [&](const mcu::ControlError& e) {
    const SipRefusal r = RefusalFor(e.kind);
    TLOG_INFO(kLog, "call from {} to room {}: {} ({})", from, room->id, e.message, r.status);
    call->Reject(r.status, r.reason, r.status == 503 ? std::optional(options_.retry_after) : std::nullopt, e.message);
  };
  auto name = [&](mcu::ParticipantRequest request) {
    request.protocol = "sip";
    request.display_name = display_name;
    request.remote = from;
    request.lobby = lobby;
    return request;
  };

  if (call->remote_offered()) {
    auto offer = sdp::ParseSdp(call->remote_sdp());
    if (!offer) return call->Reject(488, "Not Acceptable Here", std::nullopt, "SDP: " + offer.error().ToString());
    auto plan = sdp::PlanAnswer(*offer, policy);
    if (!plan) {
      TLOG_INFO(kLog, "call from {} to room {}: {} (488)", from, room->id, plan.error().reason);
      return call->Reject(488, "Not Acceptable Here", std::nullopt, plan.error().reason);
    }
    auto result = control_.AddParticipant(room->id, name(plan->request));
    if (!result) return refuse(result.error());
    if (result->streams.size() != plan->request.streams.size()) {
      (void)control_.RemoveParticipant(result->room_id, result->participant_id);
      return call->Reject(500, "Server Internal Error", std::nullopt, "the core answered a different stream count");
    }
    ReplaceUnspecifiedAddresses(*result, call->source().address);
    auto leg = std::make_unique<Leg>(*this, call, result->room_id, result->participant_id, policy, identity);
    leg->SetParty(display_name, from);
    leg->SetToward(call->source().address);
    const std::string answer = sdp::BuildAnswer(*offer, *plan, *result, identity);
    leg->SetPlan(std::move(*plan));
    call->SetObserver(leg.get());
    Leg* joined = leg.get();
    legs_[call->id()] = std::move(leg);
    TLOG_INFO(kLog, "call {} from {} joined room {} as {}{}", call->id(), from, result->room_id, result->participant_id,
              lobby ? " (lobby: PIN)" : "");
    call->Answer(answer);
    if (lobby && legs_.contains(call->id())) joined->StartLobby();
    return;
  }

  // Late offer: ports first (provisional streams), then our offer in the 200.
  sdp::OfferOptions offer_options;
  offer_options.policy = policy;
  const mcu::ParticipantRequest provisional = sdp::OfferRequest(offer_options);
  auto result = control_.AddParticipant(room->id, name(provisional));
  if (!result) return refuse(result.error());
  ReplaceUnspecifiedAddresses(*result, call->source().address);
  const std::string offer = sdp::BuildOffer(offer_options, *result, identity);
  auto parsed = sdp::ParseSdp(offer);
  if (!parsed || result->streams.size() != provisional.streams.size()) {
    (void)control_.RemoveParticipant(result->room_id, result->participant_id);
    return call->Reject(500, "Server Internal Error", std::nullopt, "could not build an offer");
  }
  auto leg = std::make_unique<Leg>(*this, call, result->room_id, result->participant_id, policy, identity);
  leg->SetParty(display_name, from);
  leg->SetToward(call->source().address);
  leg->SetOurOffer(std::move(*parsed));
  call->SetObserver(leg.get());
  Leg* joined = leg.get();
  legs_[call->id()] = std::move(leg);
  TLOG_INFO(kLog, "call {} from {} joined room {} as {} (late offer)", call->id(), from, result->room_id,
            result->participant_id);
  call->Answer(offer);
  if (lobby && legs_.contains(call->id())) joined->StartLobby();
}

}  // namespace tessera::signaling::sip

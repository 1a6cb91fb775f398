#include "tessera/signaling/h323/h323_conference.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/pin_lobby.h"
#include "tessera/base/log.h"
#include "tessera/signaling/sdp/local_address.h"

namespace tessera::signaling::h323 {
namespace {

constexpr log::Component kLog{"h323.conference", log::Tag::kH323};
using Kind = mcu::ControlError::Kind;
using RTag = h225::ReleaseCompleteReason::Tag;

ReleaseReason RefusalFor(const mcu::ControlError& e) {
  switch (e.kind) {
    case Kind::kNotFound:
      return {q850::kUnallocatedNumber, RTag::calledPartyNotRegistered, e.message};
    case Kind::kForbidden:
      return {q850::kCallRejected, RTag::noPermission, e.message};
    case Kind::kUnavailable:
      return {q850::kUserBusy, RTag::adaptiveBusy, e.message};
    case Kind::kBadRequest:
      return {q850::kIncompatibleDestination, RTag::undefinedReason, e.message};
    default:
      return {q850::kTemporaryFailure, RTag::undefinedReason, e.message};
  }
}

codecs::Capability ProvisionalVideo() {
  codecs::H264Params p;
  p.profile_level_id = {0x42, 0xe0, 31};
  p.packetization_mode = 1;
  return {.codec = codecs::CodecId::kH264, .clock_rate = 90000, .channels = 1, .params = p};
}

// Audio and video, receive only, nowhere to send yet: what AddParticipant needs to allocate
// the ports before H.245 has said anything.
mcu::ParticipantRequest ProvisionalRequest() {
  mcu::ParticipantRequest r;
  r.protocol = "h323";
  mcu::MediaStreamRequest audio;
  audio.kind = mcu::MediaKind::kAudio;
  audio.send = false;
  audio.payload_type = 0;
  audio.format = {.codec = codecs::CodecId::kPcmu, .clock_rate = 8000, .channels = 1};
  audio.telephone_event_payload_type = 101;
  r.streams.push_back(audio);
  mcu::MediaStreamRequest video;
  video.kind = mcu::MediaKind::kVideo;
  video.send = false;
  video.payload_type = 109;
  video.format = ProvisionalVideo();
  r.streams.push_back(video);
  return r;
}

mcu::MediaStreamRequest StreamFor(const SessionMedia& s, const mcu::MediaStreamRequest& previous) {
  mcu::MediaStreamRequest r = previous;
  r.receive = s.receiving;
  r.send = s.sending;
  if (s.format) {
    r.format = *s.format;
    r.payload_type = s.payload_type;
  }
  r.remote_rtp_port = 0;
  r.remote_rtcp_port.reset();
  if (s.remote_rtp) {
    r.remote_address = s.remote_rtp->ip;
    r.remote_rtp_port = s.remote_rtp->port;
  } else if (s.remote_rtcp && s.receiving) {
    // Receive only: the peer's RTCP address names it; RTP conventionally sits one below.
    r.remote_address = s.remote_rtcp->ip;
    r.remote_rtp_port = static_cast<uint16_t>(s.remote_rtcp->port & ~1u);
  }
  if (s.remote_rtcp && r.remote_rtp_port) r.remote_rtcp_port = s.remote_rtcp->port;
  return r;
}

}  // namespace

class H323Conference::Leg final : public H323CallEvents, public PinLobby::Host {
 public:
  Leg(H323Conference& owner, std::shared_ptr<H323Connection> connection, std::string room_id,
      std::string participant_id, mcu::ParticipantRequest request)
      : owner_(owner),
        connection_(std::move(connection)),
        room_id_(std::move(room_id)),
        participant_id_(std::move(participant_id)),
        request_(std::move(request)) {}

  void SetConnection(std::shared_ptr<H323Connection> c) { connection_ = std::move(c); }
  const std::shared_ptr<H323Connection>& connection() const { return connection_; }
  const std::string& participant_id() const { return participant_id_; }

  // Dial-out legs: the address dialled, for the error an operator gets if nobody answers.
  void SetDialled(std::string target) { dialled_ = std::move(target); }

  void OnCallConnected() override {
    connected_ = true;
    TLOG_INFO(kLog, "call {} ({}) connected: {} in room {}", connection_->id(), connection_->remote(), participant_id_,
              room_id_);
  }

  void OnCallMedia(const CallMedia& media) override {
    mcu::ParticipantRequest r = request_;
    r.streams[0] = StreamFor(media.audio, request_.streams[0]);
    r.streams[1] = StreamFor(media.video, request_.streams[1]);
    if (r.streams[1].format.codec == codecs::CodecId::kH264 && bitrate_bps_ > 0)
      r.streams[1].format.max_bitrate_bps = bitrate_bps_;
    r.lobby = false;  // the lobby is the core's state from AddParticipant; updates leave it alone
    auto updated = owner_.control_.UpdateParticipant(room_id_, participant_id_, r);
    if (!updated) {
      TLOG_INFO(kLog, "call {}: the room refused the channel change: {}", connection_->id(), updated.error().message);
      return connection_->Hangup(RefusalFor(updated.error()));
    }
    request_ = std::move(r);
    if (media.video.receiving && !keyframe_poll_) {
      keyframe_poll_ = std::make_unique<boost::asio::steady_timer>(owner_.io_);
      ScheduleKeyframePoll();
    }
  }

  void OnCallKeyframeRequest() override {
    auto r = owner_.control_.RequestKeyframe(room_id_, participant_id_);
    if (!r) TLOG_DEBUG(kLog, "keyframe request not passed on: {}", r.error().message);
  }

  void OnCallBitrate(int64_t bps) override {
    // flowControlCommand: what the endpoint can take now; the core picks the output rung.
    bitrate_bps_ = bps;
    mcu::ParticipantRequest r = request_;
    r.streams[1].format.max_bitrate_bps = bps;
    if (r.streams[1].remote_rtp_port == 0) return;  // nothing sent yet: applied with the channel
    if (auto updated = owner_.control_.UpdateParticipant(room_id_, participant_id_, r)) request_ = std::move(r);
  }

  void OnCallDigit(char digit) override {
    if (lobby_ && lobby_->waiting()) {
      (void)lobby_->OnDigit(digit);  // may end the call (this is then gone): nothing may follow
      return;
    }
    TLOG_DEBUG(kLog, "call {}: DTMF {}", connection_->id(), digit);
  }

  void OnCallEnded(const CallEnd& end) override {
    if (lobby_) lobby_->Stop();
    if (keyframe_poll_) keyframe_poll_->cancel();
    auto removed = owner_.control_.RemoveParticipant(room_id_, participant_id_);
    TLOG_INFO(kLog, "call {} left room {} (cause {}{}{})", connection_->id(), room_id_, end.reason.cause,
              end.reason.detail.empty() ? "" : ": ", end.reason.detail);
    if (!removed && removed.error().kind != Kind::kNotFound)
      TLOG_WARN(kLog, "participant {} not removed: {}", participant_id_, removed.error().message);
    if (!dialled_.empty() && !connected_ && !ended_by_core_) {  // not when an operator ended it
      owner_.control_.ReportError(
          room_id_, participant_id_, "dial_out_failed",
          fmt::format("the H.323 call to {} ended before it was answered (cause {}{}{})", dialled_, end.reason.cause,
                      end.reason.detail.empty() ? "" : ": ", end.reason.detail),
          {{"uri", "h323:" + dialled_}, {"cause", std::to_string(end.reason.cause)}});
    }
    if (owner_.options_.on_call_ended) owner_.options_.on_call_ended(connection_->id(), end);
    owner_.Forget(connection_->id());  // destroys this
  }

  // PIN rooms: the participant waits in the lobby (common/pin_lobby.h).
  void StartLobby() {
    lobby_ = std::make_unique<PinLobby>(owner_.control_, owner_.io_, LobbyOptionsOf(owner_.options_), room_id_,
                                        participant_id_, "H.323 call " + std::to_string(connection_->id()), *this);
    lobby_->Start();
  }

  void EndLobbyCall(PinLobby::End why, const std::string& detail) override {
    if (why == PinLobby::End::kGoodbye) return connection_->Hangup({q850::kCallRejected, RTag::noPermission, detail});
    connection_->Hangup({q850::kTemporaryFailure, RTag::undefinedReason, detail});
  }

  // Digits toward the peer: in H.245, or on the audio stream through the core.
  Result<void, std::string> SendDigits(std::string_view digits, DigitMethod method) {
    if (method == DigitMethod::kH245Alphanumeric || method == DigitMethod::kH245Signal) {
      for (char d : digits)
        connection_->SendDigit(
            d, method == DigitMethod::kH245Signal ? UserInputMode::kSignal : UserInputMode::kAlphanumeric);
      return {};
    }
    mcu::DtmfSendRequest request{.digits = std::string(digits)};
    if (method == DigitMethod::kInband) {
      request.method = mcu::DtmfMethod::kInband;
    } else {
      const auto& pt = connection_->call().media().telephone_event_payload_type;
      if (!pt) return MakeUnexpected(std::string("the peer takes no RFC 2833 telephone events"));
      request.payload_type = *pt;
    }
    auto sent = owner_.control_.SendDigits(room_id_, participant_id_, request);
    if (!sent) return MakeUnexpected(sent.error().message);
    return {};
  }

  // The core removed the participant (a kick, its room deleted): RELEASE COMPLETE, normal
  // clearing. OnCallEnded follows (its RemoveParticipant finds nobody), stops the lobby
  // and the keyframe poll and destroys this; nothing may follow.
  void EndForCore(const std::string& why) {
    TLOG_INFO(kLog, "call {}: ending, {}", connection_->id(), why);
    ended_by_core_ = true;
    if (keyframe_poll_) keyframe_poll_->cancel();
    connection_->Hangup({q850::kNormalClearing, RTag::undefinedReason, why});
  }

  void Detach() {
    connection_->SetEvents(nullptr);
    connection_->Hangup({q850::kNormalClearing, RTag::undefinedReason, "shutdown"});
    (void)owner_.control_.RemoveParticipant(room_id_, participant_id_);
  }

 private:
  void ScheduleKeyframePoll() {
    keyframe_poll_->expires_after(owner_.options_.keyframe_poll);
    keyframe_poll_->async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
      if (ec || !alive.lock()) return;
      PollKeyframes();
    });
  }

  // The core's keyframe requests for the peer's video become videoFastUpdatePicture.
  void PollKeyframes() {
    auto asked = owner_.control_.TakeKeyframeRequests(room_id_, participant_id_);
    if (!asked) {
      // A core that does not report them, or a participant already gone: stop asking.
      TLOG_DEBUG(kLog, "call {}: no keyframe requests from the core: {}", connection_->id(), asked.error().message);
      return;
    }
    if (*asked > 0 && request_.streams[1].receive) {
      connection_->RequestKeyframe();
    }
    ScheduleKeyframePoll();
  }

  // Passed in (not owned).
  H323Conference& owner_;
  // Owned.
  std::shared_ptr<H323Connection> connection_;
  std::string dialled_;  // dial-out legs: what was dialled
  bool connected_ = false;
  bool ended_by_core_ = false;  // EndForCore: an operator ended it, not a failure
  std::string room_id_;
  std::string participant_id_;
  mcu::ParticipantRequest request_;  // the last one the core took
  int64_t bitrate_bps_ = 0;
  std::unique_ptr<PinLobby> lobby_;  // PIN rooms
  // videoFastUpdatePicture for the core's keyframe requests.
  std::unique_ptr<boost::asio::steady_timer> keyframe_poll_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

H323Conference::H323Conference(mcu::ConferenceControl& control, boost::asio::io_context& io,
                               H323ConferenceOptions options)
    : control_(control), io_(io), options_(std::move(options)) {
  // The core may call this on any thread, from inside a control call: the hang-up runs
  // later on io_, and not at all once this is gone.
  control_.SetCallEnder("h323", [this, alive = std::weak_ptr<int>(alive_)](
                                    const std::string&, const std::string& participant, const std::string& why) {
    boost::asio::post(io_, [this, alive, participant, why] {
      if (alive.lock()) EndCallOf(participant, why);
    });
  });
}

H323Conference::~H323Conference() {
  control_.SetCallEnder("h323", nullptr);
  auto legs = std::move(legs_);
  for (auto& [id, leg] : legs)
    leg->Detach();
}

void H323Conference::Forget(uint64_t id) {
  legs_.erase(id);
}

void H323Conference::EndCallOf(const std::string& participant_id, const std::string& why) {
  // Rare (an operator's action): a scan of the calls is fine.
  for (auto& [id, leg] : legs_)
    if (leg->participant_id() == participant_id) return leg->EndForCore(why);  // may destroy leg
  TLOG_DEBUG(kLog, "{} ({}): no call left to end", participant_id, why);
}

std::vector<uint64_t> H323Conference::call_ids() const {
  std::vector<uint64_t> ids;
  for (const auto& [id, leg] : legs_)
    ids.push_back(id);
  return ids;
}

std::shared_ptr<H323Connection> H323Conference::connection(uint64_t id) const {
  auto leg = legs_.find(id);
  return leg == legs_.end() ? nullptr : leg->second->connection();
}

Result<void, std::string> H323Conference::SendDigits(uint64_t connection_id, std::string_view digits,
                                                     DigitMethod method) {
  auto leg = legs_.find(connection_id);
  if (leg == legs_.end()) return MakeUnexpected("no call " + std::to_string(connection_id));
  return leg->second->SendDigits(digits, method);
}

namespace {

LocalMedia LocalFrom(const mcu::ParticipantResult& result, const std::string& toward) {
  auto address = [&](const mcu::MediaStreamResult& s, uint16_t port) {
    std::string ip = s.local_address;
    if (ip.empty() || ip == "0.0.0.0" || ip == "::") ip = toward;
    return MediaAddress{ip, port};
  };
  LocalMedia m;
  m.audio_rtp = address(result.streams[0], result.streams[0].local_rtp_port);
  m.audio_rtcp = address(result.streams[0], result.streams[0].local_rtcp_port);
  if (result.streams.size() > 1) {
    m.video_rtp = address(result.streams[1], result.streams[1].local_rtp_port);
    m.video_rtcp = address(result.streams[1], result.streams[1].local_rtcp_port);
  }
  return m;
}

}  // namespace

void H323Conference::OnIncomingCall(const std::shared_ptr<H323Connection>& connection, const SetupInfo& setup) {
  const std::string from = connection->remote();
  std::optional<mcu::RoomSummary> room;
  std::string dialled;
  for (const auto& alias : setup.destination_aliases) {
    if (dialled.empty()) dialled = alias;
    if ((room = control_.FindRoom(alias))) break;
  }
  if (!room && !setup.called_number.empty()) {
    if (dialled.empty()) dialled = setup.called_number;
    room = control_.FindRoom(setup.called_number);
  }
  if (!room) {
    TLOG_INFO(kLog, "H.323 call from {} to \"{}\": no such room", from, dialled);
    return connection->Reject({q850::kUnallocatedNumber, RTag::calledPartyNotRegistered, "no such room"});
  }
  if (room->locked) {
    TLOG_INFO(kLog, "H.323 call from {} to room {}: locked", from, room->id);
    return connection->Reject({q850::kCallRejected, RTag::noPermission, "the room is locked"});
  }
  if (room->max_participants > 0 && room->participants >= room->max_participants) {
    TLOG_INFO(kLog, "H.323 call from {} to room {}: full", from, room->id);
    return connection->Reject({q850::kUserBusy, RTag::adaptiveBusy, "the room is full"});
  }
  mcu::ParticipantRequest request = ProvisionalRequest();
  request.display_name = setup.display_name.empty() ? from : setup.display_name;
  request.remote = "h323:" + from;
  request.lobby = room->has_pin;
  auto result = control_.AddParticipant(room->id, request);
  if (!result) {
    TLOG_INFO(kLog, "H.323 call from {} to room {}: {}", from, room->id, result.error().message);
    return connection->Reject(RefusalFor(result.error()));
  }
  if (result->streams.size() != request.streams.size()) {
    (void)control_.RemoveParticipant(result->room_id, result->participant_id);
    return connection->Reject({q850::kTemporaryFailure, RTag::undefinedReason, "the core answered other streams"});
  }
  request.lobby = false;
  auto leg = std::make_unique<Leg>(*this, connection, result->room_id, result->participant_id, request);
  Leg* joined = leg.get();
  connection->SetEvents(joined);
  legs_[connection->id()] = std::move(leg);
  TLOG_INFO(kLog, "H.323 call {} from {} ({}) joins room {} as {}{}", connection->id(), from, request.display_name,
            result->room_id, result->participant_id, room->has_pin ? " (lobby: PIN)" : "");
  connection->Accept(LocalFrom(*result, connection->local_ip()));
  if (room->has_pin && legs_.contains(connection->id())) joined->StartLobby();
}

Result<std::shared_ptr<H323Connection>, std::string> H323Conference::DialOut(H323Endpoint& endpoint,
                                                                             std::string_view room_name,
                                                                             std::string_view target_text,
                                                                             DialMode mode) {
  auto target = ParseDialTarget(target_text);
  if (!target) return MakeUnexpected("not an H.323 address: \"" + std::string(target_text) + "\"");
  std::optional<mcu::RoomSummary> room = control_.FindRoom(room_name);
  if (!room) return MakeUnexpected("no room \"" + std::string(room_name) + "\"");
  mcu::ParticipantRequest request = ProvisionalRequest();
  request.display_name = target->alias.empty() ? target->host : target->alias;
  request.remote = "h323:" + std::string(target_text);
  auto result = control_.AddParticipant(room->id, request);
  if (!result) return MakeUnexpected("the room refused the participant: " + result.error().message);
  if (result->streams.size() != request.streams.size()) {
    (void)control_.RemoveParticipant(result->room_id, result->participant_id);
    return MakeUnexpected(std::string("the core answered other streams"));
  }
  auto leg = std::make_unique<Leg>(*this, nullptr, result->room_id, result->participant_id, request);
  leg->SetDialled(std::string(target_text.starts_with("h323:") ? target_text.substr(5) : target_text));
  std::string toward = sdp::LocalAddressToward(target->host);
  LocalMedia local = LocalFrom(*result, toward.empty() ? "0.0.0.0" : toward);
  auto connection = endpoint.Dial(*target, local, target->mode.value_or(mode), leg.get());
  leg->SetConnection(connection);
  legs_[connection->id()] = std::move(leg);
  TLOG_INFO(kLog, "H.323 dial-out {} to {} for room {} as {}", connection->id(), target_text, result->room_id,
            result->participant_id);
  return connection;
}

}  // namespace tessera::signaling::h323

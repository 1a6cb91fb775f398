#include "tessera/signaling/h323/h323_call.h"

#include <algorithm>

#include "tessera/base/log.h"
#include "tessera/codecs/negotiation.h"
#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/q931_ies.h"

namespace tessera::signaling::h323 {
namespace {

constexpr log::Component kLog{"h323.call", log::Tag::kH323};
constexpr int kH264PayloadType = 109;
constexpr uint8_t kCauseStatusEnquiryResponse = 30;
constexpr uint8_t kCauseMessageTypeNonExistent = 97;

const asn1::ObjectIdentifier kH225Version{0, 0, 8, 2250, 0, 4};

using Tag = h225::ReleaseCompleteReason::Tag;
using Message = h245::MultimediaSystemControlMessage;

void SetReason(h225::ReleaseCompleteReason& r, Tag tag) {
  switch (tag) {
    case Tag::noBandwidth:
      r.set_noBandwidth();
      return;
    case Tag::unreachableDestination:
      r.set_unreachableDestination();
      return;
    case Tag::destinationRejection:
      r.set_destinationRejection();
      return;
    case Tag::noPermission:
      r.set_noPermission();
      return;
    case Tag::gatewayResources:
      r.set_gatewayResources();
      return;
    case Tag::adaptiveBusy:
      r.set_adaptiveBusy();
      return;
    case Tag::calledPartyNotRegistered:
      r.set_calledPartyNotRegistered();
      return;
    case Tag::securityDenied:
      r.set_securityDenied();
      return;
    default:
      r.set_undefinedReason();
      return;
  }
}

std::string AliasText(const h225::AliasAddress& a) {
  switch (a.tag()) {
    case h225::AliasAddress::Tag::dialledDigits:
      return std::get<0>(a.value);
    case h225::AliasAddress::Tag::h323_ID: {
      std::string s;
      for (char16_t c : std::get<1>(a.value))
        s.push_back(c < 0x80 ? static_cast<char>(c) : '?');
      return s;
    }
    case h225::AliasAddress::Tag::url_ID:
      return std::get<2>(a.value);
    case h225::AliasAddress::Tag::email_ID:
      return std::get<4>(a.value);
    default:
      return {};
  }
}

std::optional<MediaAddress> FromH225Address(const h225::TransportAddress& t) {
  // H.225.0 and H.245 lay IPv4/IPv6 addresses out alike; convert through H.245's form.
  h245::TransportAddress a;
  if (const auto* v4 = std::get_if<0>(&t.value)) {
    auto& ip = a.set_unicastAddress().set_iPAddress();
    ip.network = v4->ip;
    ip.tsapIdentifier = v4->port;
  } else if (const auto* v6 = std::get_if<3>(&t.value)) {
    auto& ip = a.set_unicastAddress().set_iP6Address();
    ip.network = v6->ip;
    ip.tsapIdentifier = v6->port;
  } else {
    return std::nullopt;
  }
  return FromH245Address(a);
}

std::optional<h225::TransportAddress> ToH225Address(const MediaAddress& m) {
  auto a = ToH245Address(m);
  if (!a) return std::nullopt;
  const auto& unicast = std::get<0>(a->value);
  h225::TransportAddress t;
  if (const auto* v4 = std::get_if<0>(&unicast.value)) {
    auto& ip = t.set_ipAddress();
    ip.ip = v4->network;
    ip.port = v4->tsapIdentifier;
  } else {
    const auto& v6 = std::get<2>(unicast.value);
    auto& ip = t.set_ip6Address();
    ip.ip = v6.network;
    ip.port = v6.tsapIdentifier;
  }
  return t;
}

std::vector<uint8_t> Guid(uint64_t seed) {
  std::vector<uint8_t> g(16);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  for (auto& b : g) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    b = static_cast<uint8_t>(x >> 56);
  }
  return g;
}

bool SameCodecFamily(const codecs::Capability& a, const codecs::Capability& b) {
  return a.codec == b.codec;
}

bool Supported(const std::vector<codecs::Capability>& ours, const codecs::Capability& c) {
  return std::any_of(ours.begin(), ours.end(), [&](const codecs::Capability& o) { return SameCodecFamily(o, c); });
}

int PayloadTypeOf(const codecs::Capability& c, const h245::H2250LogicalChannelParameters* h2250) {
  if (h2250 && h2250->dynamicRTPPayloadType) return *h2250->dynamicRTPPayloadType;
  return StaticPayloadType(c.codec).value_or(kH264PayloadType);
}

const h245::H2250LogicalChannelParameters* ForwardH2250(const h245::OpenLogicalChannel& olc) {
  return std::get_if<3>(&olc.forwardLogicalChannelParameters.multiplexParameters.value);
}
const h245::H2250LogicalChannelParameters* ReverseH2250(const h245::OpenLogicalChannel& olc) {
  if (!olc.reverseLogicalChannelParameters || !olc.reverseLogicalChannelParameters->multiplexParameters) return nullptr;
  return std::get_if<2>(&olc.reverseLogicalChannelParameters->multiplexParameters->value);
}

std::optional<codecs::Capability> FormatOf(const h245::DataType& d, const h245::H2250LogicalChannelParameters* p) {
  auto c = CapabilityFromDataType(d);
  if (c && p)
    if (auto* h264 = std::get_if<codecs::H264Params>(&c->params)) h264->packetization_mode = H264PacketizationMode(*p);
  return c;
}

}  // namespace

// Carries the H.245 session's output to the call and its events to the media bookkeeping.
class H323Call::H245Bridge final : public H245Session::Listener {
 public:
  explicit H245Bridge(H323Call& call) : call_(call) {}

  void SendH245(const Message& message) override {
    auto bytes = asn1::EncodePer(message);
    if (!bytes) {
      TLOG_WARN(kLog, "H.245 PDU not encodable: {}", bytes.error().ToString());
      return;
    }
    if (call_.h245_transport_ == H245Transport::kSeparate) {
      call_.transport_.SendH245(*bytes);
    } else {
      call_.SendTunnelled(std::move(*bytes));
    }
  }
  void OnH245Capabilities(const RemoteCapabilities& caps) override {
    call_.media_.telephone_event_payload_type = caps.telephone_event_payload_type;
    call_.h245_ready_caps_ = true;
    call_.OpenOurChannels(H245Session::Clock::now());
  }
  void OnH245MasterSlave(bool master) override {
    (void)master;
    call_.h245_ready_msd_ = true;
    call_.OpenOurChannels(H245Session::Clock::now());
  }
  std::optional<ChannelAnswer> OnH245ChannelOffered(const IncomingChannel& in) override {
    const bool video = in.kind == mcu::MediaKind::kVideo;
    const auto& ours = video ? call_.options_.h245.video : call_.options_.h245.audio;
    if (!Supported(ours, in.format) || !call_.local_known_) return std::nullopt;
    if (video && !call_.local_.video_rtp) return std::nullopt;
    SessionMedia& s = video ? call_.media_.video : call_.media_.audio;
    s.receiving = true;
    if (!s.sending) {
      s.format = in.format;
      s.payload_type = in.payload_type;
    }
    if (!s.remote_rtcp && in.remote_rtcp) s.remote_rtcp = in.remote_rtcp;
    (video ? call_.incoming_video_channel_ : call_.incoming_audio_channel_) = in.number;
    ChannelAnswer a = video ? ChannelAnswer{*call_.local_.video_rtp, *call_.local_.video_rtcp}
                            : ChannelAnswer{call_.local_.audio_rtp, call_.local_.audio_rtcp};
    call_.MediaChanged();
    return a;
  }
  void OnH245ChannelClosed(uint16_t number, bool outgoing) override {
    if (outgoing) {
      if (number == call_.our_audio_channel_) call_.media_.audio.sending = false, call_.our_audio_channel_ = 0;
      if (number == call_.our_video_channel_) call_.media_.video.sending = false, call_.our_video_channel_ = 0;
    } else {
      if (number == call_.incoming_audio_channel_)
        call_.media_.audio.receiving = false, call_.incoming_audio_channel_ = 0;
      if (number == call_.incoming_video_channel_)
        call_.media_.video.receiving = false, call_.incoming_video_channel_ = 0;
    }
    call_.MediaChanged();
  }
  void OnH245ChannelAcked(const ChannelAck& ack) override {
    SessionMedia& s = ack.kind == mcu::MediaKind::kVideo ? call_.media_.video : call_.media_.audio;
    s.sending = true;
    s.remote_rtp = ack.remote_rtp;
    if (ack.remote_rtcp) s.remote_rtcp = ack.remote_rtcp;
    call_.MediaChanged();
  }
  void OnH245ChannelRejected(uint16_t number) override {
    TLOG_INFO(kLog, "the peer rejected our logical channel {}", number);
    if (number == call_.our_audio_channel_) call_.our_audio_channel_ = 0;
    if (number == call_.our_video_channel_) call_.our_video_channel_ = 0;
  }
  void OnH245FastUpdate() override { call_.events_.OnCallKeyframeRequest(); }
  void OnH245FlowControl(int64_t bps) override { call_.events_.OnCallBitrate(bps); }
  void OnH245UserInput(char digit) override { call_.events_.OnCallDigit(digit); }
  void OnH245RoundTrip(std::chrono::milliseconds delay) override {
    TLOG_DEBUG(kLog, "H.245 round trip {} ms", delay.count());
  }
  void OnH245EndSession() override {
    if (call_.ended()) return;
    // Our endSessionCommand follows from the session; then RELEASE COMPLETE.
    call_.peer_ended_session_ = true;
  }
  void OnH245Failure(const std::string& reason) override {
    TLOG_INFO(kLog, "H.245: {}", reason);
    call_.h245_failure_ = reason;
  }

 private:
  H323Call& call_;
};

H323Call::H323Call(H323CallTransport& transport, H323CallEvents& events, H323CallOptions options)
    : transport_(transport), events_(events), options_(std::move(options)) {}

H323Call::~H323Call() = default;

h225::EndpointType H323Call::OurEndpoint() const {
  h225::EndpointType e;
  auto& vendor = e.vendor.emplace();
  vendor.vendor.t35CountryCode = 181;
  vendor.vendor.t35Extension = 0;
  vendor.vendor.manufacturerCode = 0x5445;
  const std::string product = "Tessera MCU";
  vendor.productId = std::vector<uint8_t>(product.begin(), product.end());
  e.mcu.emplace();
  e.mc = true;  // an MCU: the multipoint controller of the conference
  e.undefinedNode = false;
  return e;
}

Q931Message H323Call::NewQ931(Q931MessageType type) const {
  Q931Message m;
  m.call_reference = call_reference_;
  m.from_destination = !outgoing_;
  m.message_type = static_cast<uint8_t>(type);
  return m;
}

h225::H323_UserInformation H323Call::Wrap(h225::H323_UU_PDU_h323_message_body body, bool with_tunnelling_flag) const {
  h225::H323_UserInformation ui;
  ui.h323_uu_pdu.h323_message_body = std::move(body);
  // An extension addition: present once any addition is (H.225.0 requires it then).
  if (with_tunnelling_flag)
    ui.h323_uu_pdu.h245Tunnelling =
        h245_transport_ == H245Transport::kTunnel || (h245_transport_ == H245Transport::kNone && mode_.tunnelling);
  return ui;
}

void H323Call::Send(Q931Message q931, h225::H323_UserInformation ui) {
  if (state_ == State::kEnded) return;
  auto bytes = EncodeH225Message(std::move(q931), ui);
  if (!bytes) {
    TLOG_WARN(kLog, "H.225.0 message not encodable: {}", bytes.error().ToString());
    return;
  }
  transport_.SendSignalling(*bytes);
}

void H323Call::SendTunnelled(std::vector<uint8_t> pdu) {
  // One PDU per FACILITY (some Cisco stacks take no more), once CONNECT has gone either way.
  if (state_ != State::kConnected) {
    pending_tunnel_.push_back(std::move(pdu));
    return;
  }
  h225::H323_UU_PDU_h323_message_body body;
  body.set_empty();
  h225::H323_UserInformation ui = Wrap(std::move(body));
  ui.h323_uu_pdu.h245Control = std::vector<std::vector<uint8_t>>{std::move(pdu)};
  Send(NewQ931(Q931MessageType::kFacility), std::move(ui));
}

void H323Call::SendReleaseComplete(const ReleaseReason& reason) {
  Q931Message q = NewQ931(Q931MessageType::kReleaseComplete);
  Cause cause;
  cause.value = reason.cause;
  q.Set(q931_ie::kCause, EncodeCause(cause));
  h225::H323_UU_PDU_h323_message_body body;
  auto& rc = body.set_releaseComplete();
  rc.protocolIdentifier = kH225Version;
  SetReason(rc.reason.emplace(), reason.reason);
  if (!call_identifier_.empty()) rc.callIdentifier.emplace().guid = call_identifier_;
  Send(std::move(q), Wrap(std::move(body)));
}

void H323Call::SendStatus(uint8_t cause_value) {
  Q931Message q = NewQ931(Q931MessageType::kStatus);
  Cause cause;
  cause.value = cause_value;
  q.Set(q931_ie::kCause, EncodeCause(cause));
  // Call state (Q.931 4.5.7): 10 active, 9 incoming call proceeding, 3 outgoing call proceeding, 0 null.
  uint8_t call_state = 0;
  if (state_ == State::kConnected) call_state = 10;
  if (state_ == State::kIncomingSetup) call_state = 6;
  if (state_ == State::kOutgoingSetup || state_ == State::kOutgoingProceeding) call_state = 3;
  q.Set(q931_ie::kCallState, {call_state});
  h225::H323_UU_PDU_h323_message_body body;
  auto& s = body.set_status();
  s.protocolIdentifier = kH225Version;
  s.callIdentifier.guid = call_identifier_.empty() ? std::vector<uint8_t>(16, 0) : call_identifier_;
  Send(std::move(q), Wrap(std::move(body)));
}

void H323Call::End(CallEnd::Who who, const ReleaseReason& reason) {
  if (state_ == State::kEnded) return;
  state_ = State::kEnded;
  deadline_.reset();
  transport_.Close();
  events_.OnCallEnded(CallEnd{who, reason});  // may destroy the application's leg; not this
}

void H323Call::Fail(const ReleaseReason& reason) {
  if (state_ == State::kEnded) return;
  TLOG_INFO(kLog, "call {}: releasing, cause {}: {}", call_reference_, reason.cause, reason.detail);
  if (state_ != State::kIdle) SendReleaseComplete(reason);
  End(CallEnd::Who::kLocal, reason);
}

void H323Call::Hangup(const ReleaseReason& reason) {
  if (state_ == State::kEnded) return;
  if (h245_ && h245_started_) h245_->EndSession();
  SendReleaseComplete(reason);
  End(CallEnd::Who::kLocal, reason);
}

void H323Call::Reject(const ReleaseReason& reason) {
  if (state_ != State::kIncomingSetup) return Hangup(reason);
  SendReleaseComplete(reason);
  End(CallEnd::Who::kLocal, reason);
}

// --- Outgoing ---

void H323Call::StartOutgoing(const std::string& destination_alias, const LocalMedia& local, DialMode mode,
                             Clock::time_point now) {
  outgoing_ = true;
  mode_ = mode;
  local_ = local;
  local_known_ = true;
  const uint64_t seed = static_cast<uint64_t>(now.time_since_epoch().count()) ^ options_.h245.random_seed;
  call_reference_ = static_cast<uint16_t>((seed % 0x7FFE) + 1);
  call_identifier_ = Guid(seed);
  conference_id_ = Guid(seed + 1);

  Q931Message q = NewQ931(Q931MessageType::kSetup);
  BearerCapability bearer;
  bearer.transfer_capability = 0x08;  // unrestricted digital information
  q.Set(q931_ie::kBearerCapability, EncodeBearerCapability(bearer));
  q.Set(q931_ie::kDisplay, EncodeIa5Text(options_.display_name));
  const bool digits =
      !destination_alias.empty() && std::all_of(destination_alias.begin(), destination_alias.end(),
                                                [](char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#'; });
  if (digits) {
    PartyNumber called;
    called.digits = destination_alias;
    q.Set(q931_ie::kCalledPartyNumber, EncodePartyNumber(called));
  }

  h225::H323_UU_PDU_h323_message_body body;
  auto& s = body.set_setup();
  s.protocolIdentifier = kH225Version;
  h225::AliasAddress me;
  me.set_h323_ID() = std::u16string(options_.display_name.begin(), options_.display_name.end());
  s.sourceAddress = std::vector<h225::AliasAddress>{me};
  s.sourceInfo = OurEndpoint();
  if (!destination_alias.empty()) {
    auto& aliases = s.destinationAddress.emplace();
    if (digits) aliases.emplace_back().set_dialledDigits() = destination_alias;
    aliases.emplace_back().set_h323_ID() = std::u16string(destination_alias.begin(), destination_alias.end());
  }
  s.activeMC = true;
  s.conferenceID = conference_id_;
  s.conferenceGoal.set_create();
  s.callType.set_pointToPoint();
  s.callIdentifier.emplace().guid = call_identifier_;
  if (mode_.fast_start) s.fastStart = FastStartProposals();
  s.mediaWaitForConnect = false;
  s.canOverlapSend = false;
  s.multipleCalls = false;
  s.maintainConnection = false;
  state_ = State::kOutgoingSetup;
  deadline_ = now + options_.setup_timeout;
  Send(std::move(q), Wrap(std::move(body)));
}

std::vector<std::vector<uint8_t>> H323Call::FastStartProposals() {
  std::vector<std::vector<uint8_t>> proposals;
  uint16_t number = 1;
  auto propose = [&](const codecs::Capability& c, bool video) {
    auto data_type = DataTypeFor(c);
    if (!data_type) return;
    const MediaAddress& rtp = video ? *local_.video_rtp : local_.audio_rtp;
    const MediaAddress& rtcp = video ? *local_.video_rtcp : local_.audio_rtcp;
    auto fill = [&](h245::H2250LogicalChannelParameters& p, bool with_rtp) {
      p.sessionID = video ? 2 : 1;
      p.mediaGuaranteedDelivery = false;
      if (with_rtp) p.mediaChannel = ToH245Address(rtp);
      p.mediaControlChannel = ToH245Address(rtcp);
      p.silenceSuppression = false;
      if (c.codec == codecs::CodecId::kH264) {
        const auto* h264 = std::get_if<codecs::H264Params>(&c.params);
        p.dynamicRTPPayloadType = kH264PayloadType;
        p.mediaPacketization = H264Packetization(h264 ? h264->packetization_mode : 1, kH264PayloadType);
      }
    };
    // We transmit: the callee fills in where it receives.
    h245::OpenLogicalChannel tx;
    tx.forwardLogicalChannelNumber = number++;
    tx.forwardLogicalChannelParameters.dataType = *data_type;
    fill(tx.forwardLogicalChannelParameters.multiplexParameters.set_h2250LogicalChannelParameters(), false);
    // We receive: our RTP address travels in the reverse parameters.
    h245::OpenLogicalChannel rx;
    rx.forwardLogicalChannelNumber = number++;
    rx.forwardLogicalChannelParameters.dataType.set_nullData();
    rx.forwardLogicalChannelParameters.multiplexParameters.set_none();
    auto& reverse = rx.reverseLogicalChannelParameters.emplace();
    reverse.dataType = std::move(*data_type);
    fill(reverse.multiplexParameters.emplace().set_h2250LogicalChannelParameters(), true);
    for (auto* olc : {&tx, &rx})
      if (auto bytes = asn1::EncodePer(*olc)) proposals.push_back(std::move(*bytes));
  };
  std::vector<h245::DataType> seen;
  auto once = [&](const codecs::Capability& c, bool video) {
    auto d = DataTypeFor(c);
    if (!d || std::find(seen.begin(), seen.end(), *d) != seen.end()) return;
    seen.push_back(*d);
    propose(c, video);
  };
  for (const auto& c : options_.h245.audio)
    once(c, false);
  if (local_.video_rtp && local_.video_rtcp)
    for (const auto& c : options_.h245.video)
      once(c, true);
  return proposals;
}

void H323Call::TakeFastStartAnswer(const std::vector<std::vector<uint8_t>>& answer) {
  if (fast_start_done_) return;  // only the first answer counts (H.323 8.1.7.1)
  fast_start_done_ = true;
  for (const auto& bytes : answer) {
    auto olc = asn1::DecodePer<h245::OpenLogicalChannel>(bytes);
    if (!olc) {
      TLOG_INFO(kLog, "call {}: fast start answer not decodable: {}", call_reference_, olc.error().ToString());
      continue;
    }
    if (olc->forwardLogicalChannelParameters.dataType.tag() != h245::DataType::Tag::nullData) {
      // Our transmit proposal, accepted: where the callee receives.
      const auto* p = ForwardH2250(*olc);
      auto format = FormatOf(olc->forwardLogicalChannelParameters.dataType, p);
      if (!p || !format || !p->mediaChannel) continue;
      auto rtp = FromH245Address(*p->mediaChannel);
      if (!rtp) continue;
      const bool video = codecs::IsVideo(format->codec);
      SessionMedia& s = video ? media_.video : media_.audio;
      s.sending = true;
      s.format = std::move(*format);
      s.payload_type = PayloadTypeOf(*s.format, p);
      s.remote_rtp = rtp;
      if (p->mediaControlChannel) s.remote_rtcp = FromH245Address(*p->mediaControlChannel);
      (video ? our_video_channel_ : our_audio_channel_) = olc->forwardLogicalChannelNumber;
    } else if (olc->reverseLogicalChannelParameters) {
      // Our receive proposal, accepted: the callee transmits to our RTP address.
      const auto* p = ReverseH2250(*olc);
      auto format = FormatOf(olc->reverseLogicalChannelParameters->dataType, p);
      if (!format) continue;
      const bool video = codecs::IsVideo(format->codec);
      SessionMedia& s = video ? media_.video : media_.audio;
      s.receiving = true;
      if (!s.sending) {
        s.format = *format;
        s.payload_type = PayloadTypeOf(*format, p);
      }
      if (!s.remote_rtcp && p && p->mediaControlChannel) s.remote_rtcp = FromH245Address(*p->mediaControlChannel);
      (video ? incoming_video_channel_ : incoming_audio_channel_) = olc->forwardLogicalChannelNumber;
    }
  }
  TLOG_DEBUG(kLog, "call {}: fast start: audio {}{}, video {}{}", call_reference_, media_.audio.sending ? "tx" : "",
             media_.audio.receiving ? "rx" : "", media_.video.sending ? "tx" : "", media_.video.receiving ? "rx" : "");
  MediaChanged();
}

void H323Call::OnResponse(const Q931Message& q931, const h225::H323_UserInformation& ui, Clock::time_point now) {
  const auto& pdu = ui.h323_uu_pdu;
  const auto& body = pdu.h323_message_body;
  const std::optional<std::vector<std::vector<uint8_t>>>* fast_start = nullptr;
  const std::optional<h225::TransportAddress>* h245_address = nullptr;
  if (const auto* p = body.callProceeding()) fast_start = &p->fastStart, h245_address = &p->h245Address;
  if (const auto* a = body.alerting()) fast_start = &a->fastStart, h245_address = &a->h245Address;
  if (const auto* c = body.connect()) fast_start = &c->fastStart, h245_address = &c->h245Address;
  if (const auto* f = body.facility()) fast_start = &f->fastStart, h245_address = &f->h245Address;
  if (state_ == State::kOutgoingSetup) {
    state_ = State::kOutgoingProceeding;
    deadline_ = now + options_.connect_timeout;
    peer_tunnelling_ = pdu.h245Tunnelling.value_or(false);
    h245_transport_ = mode_.tunnelling && peer_tunnelling_ ? H245Transport::kTunnel : H245Transport::kSeparate;
  }
  if (fast_start && *fast_start && mode_.fast_start) TakeFastStartAnswer(**fast_start);
  if (ended()) return;
  if (h245_address && *h245_address && !peer_h245_address_) peer_h245_address_ = FromH225Address(**h245_address);
  if (q931.type() == Q931MessageType::kConnect && state_ == State::kOutgoingProceeding) {
    state_ = State::kConnected;
    deadline_.reset();
    TLOG_INFO(kLog, "call {}: connected ({})", call_reference_,
              h245_transport_ == H245Transport::kTunnel ? "H.245 tunnelled" : "separate H.245");
    events_.OnCallConnected();
    if (ended()) return;
    MediaChanged();  // fast start channels, now that the call is up
    if (ended()) return;
    StartH245(now);
  } else if (state_ == State::kConnected && h245_transport_ == H245Transport::kSeparate && !h245_started_ &&
             peer_h245_address_ && !h245_connecting_) {
    // FACILITY startH245 after CONNECT.
    StartH245(now);
  }
}

// --- Incoming ---

void H323Call::OnSetup(const Q931Message& q931, const h225::Setup_UUIE& setup, const h225::H323_UU_PDU& pdu,
                       Clock::time_point now) {
  (void)now;
  call_reference_ = q931.call_reference;
  call_identifier_ = setup.callIdentifier ? setup.callIdentifier->guid : Guid(q931.call_reference);
  conference_id_ = setup.conferenceID;
  state_ = State::kIncomingSetup;
  SetupInfo info;
  if (setup.destinationAddress)
    for (const auto& a : *setup.destinationAddress)
      if (auto text = AliasText(a); !text.empty()) info.destination_aliases.push_back(std::move(text));
  if (const auto* ie = q931.Find(q931_ie::kCalledPartyNumber))
    if (auto n = DecodePartyNumber(ie->contents, false)) info.called_number = n->digits;
  if (setup.sourceAddress)
    for (const auto& a : *setup.sourceAddress)
      if (auto text = AliasText(a); !text.empty()) info.source_aliases.push_back(std::move(text));
  if (const auto* ie = q931.Find(q931_ie::kDisplay))
    if (auto d = DecodeIa5Text(ie->contents)) info.display_name = *d;
  if (info.display_name.empty() && !info.source_aliases.empty()) info.display_name = info.source_aliases.front();
  if (setup.fastStart) fast_start_proposals_ = *setup.fastStart;
  info.fast_start = !fast_start_proposals_.empty();
  peer_tunnelling_ = pdu.h245Tunnelling.value_or(false);
  info.tunnelling = peer_tunnelling_;
  if (setup.h245Address) peer_h245_address_ = FromH225Address(*setup.h245Address);
  info.h245_address = peer_h245_address_.has_value();
  mode_.tunnelling = peer_tunnelling_;
  h245_transport_ = peer_tunnelling_ ? H245Transport::kTunnel : H245Transport::kSeparate;
  events_.OnCallSetup(info);
}

std::vector<std::vector<uint8_t>> H323Call::AnswerFastStart(const std::vector<std::vector<uint8_t>>& proposals) {
  struct Proposal {
    h245::OpenLogicalChannel olc;
    codecs::Capability format;
    bool transmit;  // the caller transmits
  };
  std::vector<Proposal> decoded;
  for (const auto& bytes : proposals) {
    auto olc = asn1::DecodePer<h245::OpenLogicalChannel>(bytes);
    if (!olc) {
      TLOG_INFO(kLog, "call {}: fast start proposal not decodable: {}", call_reference_, olc.error().ToString());
      continue;
    }
    const bool transmit = olc->forwardLogicalChannelParameters.dataType.tag() != h245::DataType::Tag::nullData;
    std::optional<codecs::Capability> format =
        transmit ? FormatOf(olc->forwardLogicalChannelParameters.dataType, ForwardH2250(*olc))
                 : (olc->reverseLogicalChannelParameters
                        ? FormatOf(olc->reverseLogicalChannelParameters->dataType, ReverseH2250(*olc))
                        : std::nullopt);
    if (!format) continue;
    const bool video = codecs::IsVideo(format->codec);
    if (!Supported(video ? options_.h245.video : options_.h245.audio, *format)) continue;
    if (video && !local_.video_rtp) continue;
    if (transmit ? !ForwardH2250(*olc) : !ReverseH2250(*olc)) continue;
    decoded.push_back({std::move(*olc), std::move(*format), transmit});
  }
  std::vector<std::vector<uint8_t>> answer;
  uint16_t our_number = 1;
  for (bool video : {false, true}) {
    const Proposal* tx = nullptr;
    const Proposal* rx = nullptr;
    for (const auto& p : decoded)
      if (codecs::IsVideo(p.format.codec) == video && p.transmit && !tx) tx = &p;
    // The same format both ways when the caller offers it (one payload format per session).
    for (const auto& p : decoded)
      if (codecs::IsVideo(p.format.codec) == video && !p.transmit && tx && SameCodecFamily(p.format, tx->format)) {
        rx = &p;
        break;
      }
    if (!rx)
      for (const auto& p : decoded)
        if (codecs::IsVideo(p.format.codec) == video && !p.transmit) {
          rx = &p;
          break;
        }
    const MediaAddress& rtp = video ? *local_.video_rtp : local_.audio_rtp;
    const MediaAddress& rtcp = video ? *local_.video_rtcp : local_.audio_rtcp;
    SessionMedia& s = video ? media_.video : media_.audio;
    if (rx) {
      // We transmit to the caller's RTP address.
      h245::OpenLogicalChannel olc = rx->olc;
      olc.forwardLogicalChannelNumber = our_number++;
      auto& p = std::get<2>(olc.reverseLogicalChannelParameters->multiplexParameters->value);
      s.sending = true;
      s.format = rx->format;
      s.payload_type = PayloadTypeOf(rx->format, &p);
      if (p.mediaChannel) s.remote_rtp = FromH245Address(*p.mediaChannel);
      if (p.mediaControlChannel) s.remote_rtcp = FromH245Address(*p.mediaControlChannel);
      p.mediaControlChannel = ToH245Address(rtcp);
      (video ? our_video_channel_ : our_audio_channel_) = olc.forwardLogicalChannelNumber;
      if (!s.remote_rtp) s.sending = false;
      if (auto bytes = asn1::EncodePer(olc)) answer.push_back(std::move(*bytes));
    }
    if (tx) {
      // The caller transmits to our RTP address.
      h245::OpenLogicalChannel olc = tx->olc;
      auto& p = std::get<3>(olc.forwardLogicalChannelParameters.multiplexParameters.value);
      s.receiving = true;
      if (!s.sending) {
        s.format = tx->format;
        s.payload_type = PayloadTypeOf(tx->format, &p);
      }
      if (!s.remote_rtcp && p.mediaControlChannel) s.remote_rtcp = FromH245Address(*p.mediaControlChannel);
      p.mediaChannel = ToH245Address(rtp);
      p.mediaControlChannel = ToH245Address(rtcp);
      (video ? incoming_video_channel_ : incoming_audio_channel_) = olc.forwardLogicalChannelNumber;
      if (auto bytes = asn1::EncodePer(olc)) answer.push_back(std::move(*bytes));
    }
  }
  return answer;
}

void H323Call::Accept(const LocalMedia& local, Clock::time_point now) {
  if (state_ != State::kIncomingSetup) return;
  local_ = local;
  local_known_ = true;
  if (!fast_start_proposals_.empty()) {
    fast_start_answer_ = AnswerFastStart(fast_start_proposals_);
    fast_start_done_ = true;
  }
  std::optional<h225::TransportAddress> h245_address;
  if (h245_transport_ == H245Transport::kSeparate) {
    if (peer_h245_address_) {
      // The caller listens: we connect (after CONNECT).
    } else if (auto listen = transport_.ListenH245()) {
      h245_address = ToH225Address(*listen);
    }
  }
  auto with_fast_start = [&](auto& uuie) {
    if (!fast_start_answer_.empty()) uuie.fastStart = fast_start_answer_;
  };
  {
    h225::H323_UU_PDU_h323_message_body body;
    auto& p = body.set_callProceeding();
    p.protocolIdentifier = kH225Version;
    p.destinationInfo = OurEndpoint();
    p.callIdentifier.emplace().guid = call_identifier_;
    with_fast_start(p);
    p.multipleCalls = false;
    p.maintainConnection = false;
    Send(NewQ931(Q931MessageType::kCallProceeding), Wrap(std::move(body)));
  }
  {
    Q931Message q = NewQ931(Q931MessageType::kConnect);
    q.Set(q931_ie::kDisplay, EncodeIa5Text(options_.display_name));
    h225::H323_UU_PDU_h323_message_body body;
    auto& c = body.set_connect();
    c.protocolIdentifier = kH225Version;
    c.h245Address = h245_address;
    c.destinationInfo = OurEndpoint();
    c.conferenceID = conference_id_.size() == 16 ? conference_id_ : Guid(call_reference_);
    c.callIdentifier.emplace().guid = call_identifier_;
    with_fast_start(c);
    c.multipleCalls = false;
    c.maintainConnection = false;
    Send(std::move(q), Wrap(std::move(body)));
  }
  state_ = State::kConnected;
  TLOG_INFO(kLog, "call {}: answered ({}{})", call_reference_,
            h245_transport_ == H245Transport::kTunnel ? "H.245 tunnelled" : "separate H.245",
            fast_start_answer_.empty() ? "" : ", fast start");
  MediaChanged();
  if (ended()) return;
  if (h245_transport_ == H245Transport::kSeparate && !peer_h245_address_ && !h245_address) {
    TLOG_INFO(kLog, "call {}: no H.245 transport (no tunnelling, no h245Address)", call_reference_);
  }
  StartH245(now);
}

// --- H.245 ---

void H323Call::StartH245(Clock::time_point now) {
  if (h245_started_ || ended()) return;
  if (!h245_) {
    bridge_ = std::make_unique<H245Bridge>(*this);
    h245_ = std::make_unique<H245Session>(*bridge_, options_.h245);
  }
  if (h245_transport_ == H245Transport::kSeparate) {
    if (!h245_connected_) {
      if (peer_h245_address_ && !h245_connecting_) {
        h245_connecting_ = true;
        transport_.ConnectH245(*peer_h245_address_);
      }
      deadline_ = now + options_.h245_timeout;  // the connection must come up (either way)
      return;
    }
  } else {
    // Tunnelled: flush what the session produced before CONNECT, one PDU per FACILITY.
    auto pending = std::move(pending_tunnel_);
    pending_tunnel_.clear();
    for (auto& pdu : pending)
      SendTunnelled(std::move(pdu));
  }
  h245_started_ = true;
  h245_->Start(now);
  AfterH245(now);
}

void H323Call::OnH245Connected(Clock::time_point now) {
  if (ended()) return;
  h245_connected_ = true;
  h245_connecting_ = false;
  deadline_.reset();
  h245_transport_ = H245Transport::kSeparate;
  StartH245(now);
}

void H323Call::ReceiveH245(std::span<const uint8_t> pdu, Clock::time_point now) {
  if (ended()) return;
  if (!h245_) {
    bridge_ = std::make_unique<H245Bridge>(*this);
    h245_ = std::make_unique<H245Session>(*bridge_, options_.h245);
  }
  h245_->Receive(pdu, now);
  AfterH245(now);
}

void H323Call::TakeTunnelledH245(const h225::H323_UU_PDU& pdu, Clock::time_point now) {
  if (!pdu.h245Control) return;
  for (const auto& bytes : *pdu.h245Control) {
    ReceiveH245(bytes, now);
    if (ended()) return;
  }
}

// Acts on what the H.245 session reported while it ran: the peer's endSessionCommand, a
// failed procedure.
void H323Call::AfterH245(Clock::time_point now) {
  (void)now;
  if (ended()) return;
  if (peer_ended_session_) {
    peer_ended_session_ = false;
    SendReleaseComplete(ReleaseReason{q850::kNormalClearing, Tag::undefinedReason, "endSessionCommand"});
    End(CallEnd::Who::kRemote, ReleaseReason{q850::kNormalClearing, Tag::undefinedReason, "endSessionCommand"});
    return;
  }
  if (h245_failure_) {
    std::string why = "H.245: " + *h245_failure_;
    h245_failure_.reset();
    if (h245_) h245_->EndSession();
    Fail(ReleaseReason{q850::kProtocolError, Tag::undefinedReason, why});
  }
}

void H323Call::OpenOurChannels(Clock::time_point now) {
  if (ended() || !h245_ || !h245_started_ || !h245_ready_caps_ || !h245_ready_msd_ || !local_known_) return;
  const auto& remote = h245_->remote_capabilities();
  if (!remote) return;
  // Audio: the format the peer already sends when it takes it too, else our preference.
  if (!media_.audio.sending && our_audio_channel_ == 0 && !remote->audio.empty()) {
    std::optional<codecs::Capability> chosen;
    if (media_.audio.receiving && media_.audio.format)
      for (const auto& c : remote->audio)
        if (SameCodecFamily(c, *media_.audio.format)) chosen = c;
    if (!chosen)
      if (auto n = codecs::NegotiateAudio(remote->audio, options_.h245.audio)) chosen = remote->audio[n->offer_index];
    if (chosen) {
      OutgoingChannel ch;
      ch.kind = mcu::MediaKind::kAudio;
      ch.format = *chosen;
      ch.payload_type = StaticPayloadType(chosen->codec).value_or(0);
      ch.local_rtcp = local_.audio_rtcp;
      if (auto number = h245_->OpenChannel(ch, now)) {
        our_audio_channel_ = *number;
        media_.audio.format = ch.format;
        media_.audio.payload_type = ch.payload_type;
      }
    }
  }
  if (ended()) return;
  if (!media_.video.sending && our_video_channel_ == 0 && !remote->video.empty() && local_.video_rtcp) {
    std::optional<codecs::Capability> chosen;
    int payload_type = kH264PayloadType;
    if (media_.video.receiving && media_.video.format) {
      for (const auto& c : remote->video)
        if (SameCodecFamily(c, *media_.video.format) && !chosen) chosen = c;
      if (chosen) payload_type = media_.video.payload_type;
    }
    if (!chosen)
      if (auto n = codecs::NegotiateVideo(remote->video, options_.h245.video)) chosen = remote->video[n->offer_index];
    if (chosen) {
      if (auto pt = StaticPayloadType(chosen->codec)) payload_type = *pt;
      if (chosen->codec == codecs::CodecId::kH264 && media_.video.receiving && media_.video.format)
        if (const auto* theirs = std::get_if<codecs::H264Params>(&media_.video.format->params))
          if (auto* p = std::get_if<codecs::H264Params>(&chosen->params))
            p->packetization_mode = theirs->packetization_mode;
      OutgoingChannel ch;
      ch.kind = mcu::MediaKind::kVideo;
      ch.format = *chosen;
      ch.payload_type = payload_type;
      ch.local_rtcp = *local_.video_rtcp;
      if (auto number = h245_->OpenChannel(ch, now)) {
        our_video_channel_ = *number;
        media_.video.format = ch.format;
        media_.video.payload_type = ch.payload_type;
      }
    }
  }
}

void H323Call::MediaChanged() {
  if (ended() || state_ != State::kConnected) return;
  events_.OnCallMedia(media_);
}

// --- Input ---

void H323Call::ReceiveSignalling(std::span<const uint8_t> bytes, Clock::time_point now) {
  if (ended()) return;
  auto q931 = ParseQ931(bytes);
  if (!q931) {
    ++bad_messages_;
    TLOG_INFO(kLog, "call {}: Q.931 message not parsable: {} (octet {})", call_reference_, q931.error().message,
              q931.error().offset);
    // Before any call exists there is nobody to answer: drop the connection.
    if (state_ == State::kIdle) End(CallEnd::Who::kTransport, {q850::kProtocolError, Tag::undefinedReason, "garbage"});
    return;
  }
  if (q931->message_type == static_cast<uint8_t>(Q931MessageType::kSetup) && state_ == State::kIdle) {
    call_reference_ = q931->call_reference;
    outgoing_ = false;
  } else if (q931->call_reference != call_reference_ || q931->from_destination != outgoing_) {
    ++bad_messages_;  // another call's reference (we carry one call per connection), or the global one
    TLOG_DEBUG(kLog, "call {}: message for call reference {} ignored", call_reference_, q931->call_reference);
    return;
  }
  auto decoded = DecodeH225Message(bytes);
  if (!decoded) {
    ++bad_messages_;
    TLOG_INFO(kLog, "call {}: {} not decodable: {}", call_reference_, ToString(q931->type()),
              decoded.error().ToString());
    const bool setup = q931->type() == Q931MessageType::kSetup && state_ == State::kIdle;
    if (setup || state_ == State::kOutgoingSetup) {
      state_ = setup ? State::kIncomingSetup : state_;
      Fail(ReleaseReason{q850::kInvalidIeContents, Tag::undefinedReason, decoded.error().ToString()});
    }
    return;
  }
  const Q931Message& q = decoded->q931;
  const h225::H323_UserInformation* ui = decoded->user_information ? &*decoded->user_information : nullptr;
  switch (q.type()) {
    case Q931MessageType::kSetup: {
      if (state_ != State::kIdle) {
        ++bad_messages_;
        return;
      }
      const h225::Setup_UUIE* setup = ui ? ui->h323_uu_pdu.h323_message_body.setup() : nullptr;
      if (!setup) {
        state_ = State::kIncomingSetup;
        return Fail(ReleaseReason{q850::kInvalidIeContents, Tag::undefinedReason, "SETUP without a Setup-UUIE"});
      }
      if (!q.Find(q931_ie::kBearerCapability))
        TLOG_DEBUG(kLog, "call {}: SETUP without Bearer capability (taken anyway)", call_reference_);
      OnSetup(q, *setup, ui->h323_uu_pdu, now);
      if (ended()) return;
      // H.245 PDUs tunnelled in the SETUP wait for our answer.
      if (peer_tunnelling_) TakeTunnelledH245(ui->h323_uu_pdu, now);
      return;
    }
    case Q931MessageType::kCallProceeding:
    case Q931MessageType::kAlerting:
    case Q931MessageType::kProgress:
    case Q931MessageType::kConnect:
      if (!outgoing_ || !ui || state_ == State::kIdle) {
        ++bad_messages_;
        return;
      }
      OnResponse(q, *ui, now);
      if (ended()) return;
      if (h245_transport_ == H245Transport::kTunnel) TakeTunnelledH245(ui->h323_uu_pdu, now);
      return;
    case Q931MessageType::kFacility:
      if (ui) {
        if (outgoing_ && ui->h323_uu_pdu.h323_message_body.facility()) OnResponse(q, *ui, now);
        if (!outgoing_)
          if (const auto* f = ui->h323_uu_pdu.h323_message_body.facility(); f && f->h245Address && !h245_started_) {
            peer_h245_address_ = FromH225Address(*f->h245Address);
            h245_transport_ = H245Transport::kSeparate;
            StartH245(now);
          }
        if (ended()) return;
        TakeTunnelledH245(ui->h323_uu_pdu, now);
      }
      return;
    case Q931MessageType::kReleaseComplete: {
      ReleaseReason r{q850::kNormalClearing, Tag::undefinedReason, "RELEASE COMPLETE"};
      if (const auto* ie = q.Find(q931_ie::kCause))
        if (auto cause = DecodeCause(ie->contents)) r.cause = cause->value;
      if (ui)
        if (const auto* rc = ui->h323_uu_pdu.h323_message_body.releaseComplete(); rc && rc->reason)
          r.reason = rc->reason->tag();
      TLOG_INFO(kLog, "call {}: released by the peer, cause {}", call_reference_, r.cause);
      return End(CallEnd::Who::kRemote, r);
    }
    case Q931MessageType::kStatusEnquiry:
      return SendStatus(kCauseStatusEnquiryResponse);
    case Q931MessageType::kStatus:
      return;
    case Q931MessageType::kInformation:
      if (const auto* ie = q.Find(q931_ie::kKeypad))
        if (auto digits = DecodeIa5Text(ie->contents))
          for (char d : *digits) {
            events_.OnCallDigit(d);
            if (ended()) return;
          }
      if (ui && h245_transport_ == H245Transport::kTunnel) TakeTunnelledH245(ui->h323_uu_pdu, now);
      return;
    case Q931MessageType::kNotify:
    case Q931MessageType::kUserInformation:
      if (ui && h245_transport_ == H245Transport::kTunnel) TakeTunnelledH245(ui->h323_uu_pdu, now);
      return;
    default:
      ++bad_messages_;
      return SendStatus(kCauseMessageTypeNonExistent);
  }
}

void H323Call::OnTransportClosed(bool h245_only) {
  if (ended()) return;
  if (h245_only) {
    // H.245 closed without endSessionCommand: the call cannot be controlled any more.
    h245_connected_ = false;
    return Fail(ReleaseReason{q850::kNormalClearing, Tag::undefinedReason, "the H.245 connection closed"});
  }
  TLOG_INFO(kLog, "call {}: the signalling connection closed", call_reference_);
  End(CallEnd::Who::kTransport, ReleaseReason{q850::kNormalClearing, Tag::undefinedReason, "connection closed"});
}

std::optional<H323Call::Clock::time_point> H323Call::NextTimeout() const {
  if (ended()) return std::nullopt;
  std::optional<Clock::time_point> t = deadline_;
  if (h245_)
    if (auto h = h245_->NextTimeout(); h && (!t || *h < *t)) t = h;
  return t;
}

void H323Call::OnTimer(Clock::time_point now) {
  if (ended()) return;
  if (deadline_ && now >= *deadline_) {
    deadline_.reset();
    if (state_ == State::kOutgoingSetup)
      return Fail({q850::kNoAnswer, Tag::unreachableDestination, "no answer to SETUP"});
    if (state_ == State::kOutgoingProceeding) return Fail({q850::kNoAnswer, Tag::undefinedReason, "no CONNECT"});
    if (state_ == State::kConnected && !h245_started_) {
      if (media_.audio.sending || media_.audio.receiving) {
        TLOG_INFO(kLog, "call {}: H.245 never came up; continuing with fast start media", call_reference_);
        return;
      }
      return Fail({q850::kTimerExpiry, Tag::undefinedReason, "the H.245 connection did not come up"});
    }
  }
  if (h245_) {
    h245_->OnTimer(now);
    AfterH245(now);
  }
}

// --- During the call ---

void H323Call::RequestKeyframe() {
  if (ended() || !h245_ || !h245_started_ || !media_.video.receiving) return;
  h245_->SendFastUpdate(incoming_video_channel_);
}

void H323Call::SendFlowControl(int64_t max_bitrate_bps) {
  if (ended() || !h245_ || !h245_started_ || !incoming_video_channel_) return;
  h245_->SendFlowControl(incoming_video_channel_, max_bitrate_bps);
}

void H323Call::SendDigit(char digit, UserInputMode mode, uint16_t duration_ms) {
  if (ended()) return;
  if (h245_ && h245_started_) {
    const auto& caps = h245_->remote_capabilities();
    const bool signal = mode == UserInputMode::kSignal || (mode == UserInputMode::kAuto && caps &&
                                                           caps->user_input_dtmf && !caps->user_input_alphanumeric);
    h245_->SendUserInput(digit, signal, duration_ms);
    return;
  }
  Q931Message q = NewQ931(Q931MessageType::kInformation);
  q.Set(q931_ie::kKeypad, EncodeIa5Text(std::string(1, digit)));
  h225::H323_UU_PDU_h323_message_body body;
  auto& info = body.set_information();
  info.protocolIdentifier = kH225Version;
  info.callIdentifier.emplace().guid = call_identifier_;
  Send(std::move(q), Wrap(std::move(body)));
}

}  // namespace tessera::signaling::h323

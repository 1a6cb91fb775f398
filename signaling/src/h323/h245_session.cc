#include "tessera/signaling/h323/h245_session.h"

#include <boost/asio/ip/address.hpp>

#include "tessera/base/log.h"
#include "tessera/signaling/asn1/per.h"

namespace tessera::signaling::h323 {
namespace {

constexpr log::Component kLog{"h323.h245", log::Tag::kH323};

using Message = h245::MultimediaSystemControlMessage;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

void Earliest(std::optional<H245Session::Clock::time_point>& best,
              const std::optional<H245Session::Clock::time_point>& t) {
  if (t && (!best || *t < *best)) best = t;
}

const h245::H2250LogicalChannelParameters* H2250Of(const h245::OpenLogicalChannel_forwardLogicalChannelParameters& p) {
  return std::get_if<3>(&p.multiplexParameters.value);
}

}  // namespace

std::optional<MediaAddress> FromH245Address(const h245::TransportAddress& address) {
  const auto* unicast = std::get_if<0>(&address.value);
  if (!unicast) return std::nullopt;
  if (const auto* v4 = std::get_if<0>(&unicast->value)) {
    if (v4->network.size() != 4) return std::nullopt;
    boost::asio::ip::address_v4::bytes_type b;
    std::copy(v4->network.begin(), v4->network.end(), b.begin());
    return MediaAddress{boost::asio::ip::address_v4(b).to_string(), v4->tsapIdentifier};
  }
  if (const auto* v6 = std::get_if<2>(&unicast->value)) {
    if (v6->network.size() != 16) return std::nullopt;
    boost::asio::ip::address_v6::bytes_type b;
    std::copy(v6->network.begin(), v6->network.end(), b.begin());
    return MediaAddress{boost::asio::ip::address_v6(b).to_string(), v6->tsapIdentifier};
  }
  return std::nullopt;
}

std::optional<h245::TransportAddress> ToH245Address(const MediaAddress& address) {
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(address.ip, ec);
  if (ec) return std::nullopt;
  h245::TransportAddress t;
  if (ip.is_v4()) {
    auto& v4 = t.set_unicastAddress().set_iPAddress();
    const auto b = ip.to_v4().to_bytes();
    v4.network.assign(b.begin(), b.end());
    v4.tsapIdentifier = address.port;
  } else {
    auto& v6 = t.set_unicastAddress().set_iP6Address();
    const auto b = ip.to_v6().to_bytes();
    v6.network.assign(b.begin(), b.end());
    v6.tsapIdentifier = address.port;
  }
  return t;
}

H245Session::H245Session(Listener& listener, H245Options options)
    : listener_(listener), options_(std::move(options)), random_state_(options_.random_seed | 1) {}

uint32_t H245Session::NextRandom() {
  // xorshift32: the determination number only has to differ from the peer's.
  random_state_ ^= random_state_ << 13;
  random_state_ ^= random_state_ >> 17;
  random_state_ ^= random_state_ << 5;
  return random_state_ & 0xFFFFFF;
}

void H245Session::Start(Clock::time_point now) {
  SendTerminalCapabilitySet(now);
  if (msd_state_ == MsdState::kIdle) SendMasterSlaveDetermination(now);
}

void H245Session::SendTerminalCapabilitySet(Clock::time_point now) {
  tcs_sequence_ = static_cast<uint16_t>((tcs_sequence_ + 1) & 0xFF);
  tcs_acked_ = false;
  Message m;
  m.set_request().set_terminalCapabilitySet() =
      BuildTerminalCapabilitySet(tcs_sequence_, options_.audio, options_.video, options_.telephone_event_payload_type);
  t101_ = now + options_.t101;
  Send(m);
}

void H245Session::SendMasterSlaveDetermination(Clock::time_point now) {
  msd_number_ = NextRandom();
  Message m;
  auto& msd = m.set_request().set_masterSlaveDetermination();
  msd.terminalType = options_.terminal_type;
  msd.statusDeterminationNumber = msd_number_;
  msd_state_ = MsdState::kOutgoingAwaitingResponse;
  t106_ = now + options_.t106;
  Send(m);
}

void H245Session::Receive(std::span<const uint8_t> pdu, Clock::time_point now) {
  auto message = asn1::DecodePer<Message>(pdu);
  if (!message) {
    ++counters_.undecodable;
    TLOG_INFO(kLog, "undecodable H.245 PDU dropped: {}", message.error().ToString());
    return;
  }
  Receive(*message, now);
}

void H245Session::Receive(const Message& message, Clock::time_point now) {
  ++counters_.received;
  if (const auto* r = message.request()) return OnRequest(*r, now);
  if (const auto* r = message.response()) return OnResponse(*r, now);
  if (const auto* c = message.command()) return OnCommand(*c, now);
  if (const auto* i = message.indication()) return OnIndication(*i);
  ++counters_.not_understood;
}

void H245Session::OnRequest(const h245::RequestMessage& r, Clock::time_point now) {
  using Tag = h245::RequestMessage::Tag;
  switch (r.tag()) {
    case Tag::terminalCapabilitySet: {
      const auto& tcs = *r.terminalCapabilitySet();
      remote_caps_ = ParseTerminalCapabilitySet(tcs);
      Message ack;
      ack.set_response().set_terminalCapabilitySetAck().sequenceNumber = tcs.sequenceNumber;
      Send(ack);
      TLOG_DEBUG(kLog, "peer capabilities: {} audio, {} video", remote_caps_->audio.size(), remote_caps_->video.size());
      listener_.OnH245Capabilities(*remote_caps_);
      return;
    }
    case Tag::masterSlaveDetermination:
      return OnMasterSlaveDetermination(*r.masterSlaveDetermination(), now);
    case Tag::openLogicalChannel:
      return OnOpenLogicalChannel(*r.openLogicalChannel());
    case Tag::closeLogicalChannel: {
      const uint16_t number = r.closeLogicalChannel()->forwardLogicalChannelNumber;
      Message ack;
      ack.set_response().set_closeLogicalChannelAck().forwardLogicalChannelNumber = number;
      Send(ack);  // acknowledged even when unknown (H.245 8.5.3: the channel is closed either way)
      if (incoming_.erase(number)) {
        listener_.OnH245ChannelClosed(number, false);
      } else {
        ++counters_.out_of_state;
      }
      return;
    }
    case Tag::requestChannelClose: {
      const uint16_t number = r.requestChannelClose()->forwardLogicalChannelNumber;
      Message ack;
      ack.set_response().set_requestChannelCloseAck().forwardLogicalChannelNumber = number;
      Send(ack);
      if (outgoing_.contains(number)) {
        CloseChannel(number, now);
      } else {
        ++counters_.out_of_state;
      }
      return;
    }
    case Tag::roundTripDelayRequest: {
      Message response;
      response.set_response().set_roundTripDelayResponse().sequenceNumber = r.roundTripDelayRequest()->sequenceNumber;
      Send(response);
      return;
    }
    default: {
      ++counters_.not_understood;
      Message m;
      m.set_indication().set_functionNotUnderstood().set_request() = r;
      Send(m);
      return;
    }
  }
}

void H245Session::OnResponse(const h245::ResponseMessage& r, Clock::time_point now) {
  using Tag = h245::ResponseMessage::Tag;
  switch (r.tag()) {
    case Tag::terminalCapabilitySetAck:
      if (t101_ && r.terminalCapabilitySetAck()->sequenceNumber == tcs_sequence_) {
        tcs_acked_ = true;
        t101_.reset();
      } else {
        ++counters_.out_of_state;
      }
      return;
    case Tag::terminalCapabilitySetReject:
      if (!t101_) {
        ++counters_.out_of_state;
        return;
      }
      t101_.reset();
      listener_.OnH245Failure("the peer rejected our capability set");
      return;
    case Tag::masterSlaveDeterminationAck:
      return OnMasterSlaveAck(*r.masterSlaveDeterminationAck());
    case Tag::masterSlaveDeterminationReject:
      return OnMasterSlaveReject(now);
    case Tag::openLogicalChannelAck:
      return OnOpenLogicalChannelAck(*r.openLogicalChannelAck());
    case Tag::openLogicalChannelReject: {
      const uint16_t number = r.openLogicalChannelReject()->forwardLogicalChannelNumber;
      auto it = outgoing_.find(number);
      if (it == outgoing_.end() || it->second.acked) {
        ++counters_.out_of_state;
        return;
      }
      outgoing_.erase(it);
      listener_.OnH245ChannelRejected(number);
      return;
    }
    case Tag::closeLogicalChannelAck: {
      auto it = outgoing_.find(r.closeLogicalChannelAck()->forwardLogicalChannelNumber);
      if (it == outgoing_.end() || !it->second.closing) {
        ++counters_.out_of_state;
        return;
      }
      outgoing_.erase(it);
      return;
    }
    case Tag::roundTripDelayResponse:
      if (rtd_sent_ && r.roundTripDelayResponse()->sequenceNumber == rtd_sequence_) {
        listener_.OnH245RoundTrip(duration_cast<milliseconds>(now - *rtd_sent_));
        rtd_sent_.reset();
      } else {
        ++counters_.out_of_state;
      }
      return;
    case Tag::requestChannelCloseAck:
      return;
    default:
      ++counters_.not_understood;  // responses to requests we never send: nothing to answer
      return;
  }
}

void H245Session::OnCommand(const h245::CommandMessage& c, Clock::time_point now) {
  using Tag = h245::CommandMessage::Tag;
  switch (c.tag()) {
    case Tag::miscellaneousCommand: {
      const auto& misc = *c.miscellaneousCommand();
      using T = h245::MiscellaneousCommand_type::Tag;
      if (misc.type.tag() == T::videoFastUpdatePicture || misc.type.tag() == T::videoFastUpdateGOB ||
          misc.type.tag() == T::videoFastUpdateMB) {
        listener_.OnH245FastUpdate();
      }
      return;
    }
    case Tag::flowControlCommand: {
      const auto& fc = *c.flowControlCommand();
      if (const auto* rate = std::get_if<0>(&fc.restriction.value)) {
        listener_.OnH245FlowControl(int64_t{*rate} * 100);
      } else {
        listener_.OnH245FlowControl(0);
      }
      return;
    }
    case Tag::endSessionCommand:
      listener_.OnH245EndSession();
      EndSession();
      return;
    case Tag::sendTerminalCapabilitySet:
      SendTerminalCapabilitySet(now);
      return;
    default: {
      ++counters_.not_understood;
      Message m;
      m.set_indication().set_functionNotUnderstood().set_command() = c;
      Send(m);
      return;
    }
  }
}

void H245Session::OnIndication(const h245::IndicationMessage& i) {
  using Tag = h245::IndicationMessage::Tag;
  if (i.tag() == Tag::masterSlaveDeterminationRelease) {
    // The peer gave up waiting for us: start over when it asks again.
    if (msd_state_ != MsdState::kDone) {
      msd_state_ = MsdState::kIdle;
      t106_.reset();
    }
    return;
  }
  if (i.tag() != Tag::userInput) return;  // other indications need no answer
  const auto& ui = *i.userInput();
  using U = h245::UserInputIndication::Tag;
  if (ui.tag() == U::alphanumeric) {
    for (char d : std::get<1>(ui.value))
      listener_.OnH245UserInput(d);
  } else if (ui.tag() == U::signal) {
    const auto& s = std::get<3>(ui.value);
    if (!s.signalType.empty()) listener_.OnH245UserInput(s.signalType[0]);
  }
}

void H245Session::OnMasterSlaveDetermination(const h245::MasterSlaveDetermination& m, Clock::time_point now) {
  if (msd_state_ == MsdState::kIncomingAwaitingResponse || msd_state_ == MsdState::kDone) {
    // A new determination from the peer (it restarted): decide again.
    ++counters_.out_of_state;
  }
  // H.245 8.2.3: the larger terminal type is master; on a tie the status determination
  // numbers decide, (theirs - ours) mod 2^24 below 2^23 making us master.
  std::optional<bool> we_master;
  if (m.terminalType < options_.terminal_type) {
    we_master = true;
  } else if (m.terminalType > options_.terminal_type) {
    we_master = false;
  } else {
    const uint32_t diff = (m.statusDeterminationNumber - msd_number_) & 0xFFFFFF;
    // Without an outgoing determination of our own, our number is 0 here... use one now.
    if (msd_state_ == MsdState::kIdle || msd_state_ == MsdState::kDone) {
      msd_number_ = NextRandom();
      const uint32_t d = (m.statusDeterminationNumber - msd_number_) & 0xFFFFFF;
      if (d != 0 && d != 0x800000) we_master = d < 0x800000;
    } else if (diff != 0 && diff != 0x800000) {
      we_master = diff < 0x800000;
    }
  }
  if (!we_master) {
    Message reject;
    reject.set_response().set_masterSlaveDeterminationReject().cause.set_identicalNumbers();
    Send(reject);
    msd_state_ = msd_state_ == MsdState::kOutgoingAwaitingResponse ? msd_state_ : MsdState::kIdle;
    return;
  }
  Message ack;
  auto& decision = ack.set_response().set_masterSlaveDeterminationAck().decision;
  // The decision names the PEER's role.
  if (*we_master) {
    decision.set_slave();
  } else {
    decision.set_master();
  }
  Send(ack);
  master_ = *we_master;
  msd_state_ = MsdState::kIncomingAwaitingResponse;
  t106_ = now + options_.t106;
}

void H245Session::OnMasterSlaveAck(const h245::MasterSlaveDeterminationAck& a) {
  const bool we_master = a.decision.tag() == h245::MasterSlaveDeterminationAck_decision::Tag::master;
  if (msd_state_ == MsdState::kOutgoingAwaitingResponse) {
    // Our determination answered: confirm with an Ack naming the peer's role.
    Message ack;
    auto& decision = ack.set_response().set_masterSlaveDeterminationAck().decision;
    if (we_master) {
      decision.set_slave();
    } else {
      decision.set_master();
    }
    Send(ack);
    Determined(we_master);
    return;
  }
  if (msd_state_ == MsdState::kIncomingAwaitingResponse) {
    if (master_ && *master_ != we_master) {
      TLOG_INFO(kLog, "master/slave determination: the peer's answer contradicts ours");
      listener_.OnH245Failure("master/slave determination inconsistent");
      return;
    }
    Determined(we_master);
    return;
  }
  ++counters_.out_of_state;
}

void H245Session::OnMasterSlaveReject(Clock::time_point now) {
  if (msd_state_ != MsdState::kOutgoingAwaitingResponse && msd_state_ != MsdState::kIncomingAwaitingResponse) {
    ++counters_.out_of_state;
    return;
  }
  if (++msd_retries_ >= options_.n100) {
    msd_state_ = MsdState::kIdle;
    t106_.reset();
    listener_.OnH245Failure("master/slave determination: identical numbers " + std::to_string(msd_retries_) + " times");
    return;
  }
  SendMasterSlaveDetermination(now);
}

void H245Session::Determined(bool master) {
  msd_state_ = MsdState::kDone;
  t106_.reset();
  master_ = master;
  TLOG_DEBUG(kLog, "master/slave determination: we are {}", master ? "master" : "slave");
  listener_.OnH245MasterSlave(master);
}

void H245Session::RejectChannel(uint16_t number, int cause_index) {
  Message m;
  auto& reject = m.set_response().set_openLogicalChannelReject();
  reject.forwardLogicalChannelNumber = number;
  if (cause_index == 1) {
    reject.cause.set_unsuitableReverseParameters();
  } else if (cause_index == 9) {
    reject.cause.set_invalidSessionID();
  } else {
    reject.cause.set_dataTypeNotSupported();
  }
  Send(m);
}

void H245Session::OnOpenLogicalChannel(const h245::OpenLogicalChannel& olc) {
  const uint16_t number = olc.forwardLogicalChannelNumber;
  // Bidirectional channels (T.120, H.224 data) are not taken.
  if (olc.reverseLogicalChannelParameters) return RejectChannel(number, 1);
  const auto* h2250 = H2250Of(olc.forwardLogicalChannelParameters);
  if (!h2250) return RejectChannel(number, 2);
  auto format = CapabilityFromDataType(olc.forwardLogicalChannelParameters.dataType);
  if (!format) return RejectChannel(number, 2);
  IncomingChannel in;
  in.number = number;
  in.kind = codecs::IsVideo(format->codec) ? mcu::MediaKind::kVideo : mcu::MediaKind::kAudio;
  in.session_id = h2250->sessionID;
  if (auto* p = std::get_if<codecs::H264Params>(&format->params)) p->packetization_mode = H264PacketizationMode(*h2250);
  in.format = std::move(*format);
  if (h2250->dynamicRTPPayloadType) {
    in.payload_type = *h2250->dynamicRTPPayloadType;
  } else if (auto pt = StaticPayloadType(in.format.codec)) {
    in.payload_type = *pt;
  } else {
    return RejectChannel(number, 2);  // a dynamic format without its payload type
  }
  if (h2250->mediaControlChannel) in.remote_rtcp = FromH245Address(*h2250->mediaControlChannel);
  // Tandberg opens with session 0 and expects a dynamic ID >= 32 from the master.
  // The ack's sessionID is INTEGER(1..255): a peer that keeps opening session-0 channels
  // runs out of dynamic IDs (found by h245_session_fuzzer: the ack did not encode).
  if (in.session_id == 0 && master_.value_or(true)) {
    if (next_dynamic_session_ > 255) return RejectChannel(number, 9);
    in.session_id = next_dynamic_session_++;
  }
  auto answer = listener_.OnH245ChannelOffered(in);
  if (!answer) return RejectChannel(number, 2);
  auto rtp = ToH245Address(answer->local_rtp);
  auto rtcp = ToH245Address(answer->local_rtcp);
  if (!rtp || !rtcp) return RejectChannel(number, 0);
  Message m;
  auto& ack = m.set_response().set_openLogicalChannelAck();
  ack.forwardLogicalChannelNumber = number;
  auto& params = ack.forwardMultiplexAckParameters.emplace().set_h2250LogicalChannelAckParameters();
  if (in.session_id != 0) params.sessionID = in.session_id;  // 0 (we are slave) cannot be acked: left out
  params.mediaChannel = std::move(*rtp);
  params.mediaControlChannel = std::move(*rtcp);
  if (h2250->dynamicRTPPayloadType) params.dynamicRTPPayloadType = *h2250->dynamicRTPPayloadType;
  incoming_[number] = std::move(in);
  Send(m);
}

void H245Session::OnOpenLogicalChannelAck(const h245::OpenLogicalChannelAck& ack) {
  auto it = outgoing_.find(ack.forwardLogicalChannelNumber);
  if (it == outgoing_.end() || it->second.acked || it->second.closing) {
    ++counters_.out_of_state;
    return;
  }
  const h245::H2250LogicalChannelAckParameters* params =
      ack.forwardMultiplexAckParameters ? std::get_if<0>(&ack.forwardMultiplexAckParameters->value) : nullptr;
  std::optional<MediaAddress> rtp =
      params && params->mediaChannel ? FromH245Address(*params->mediaChannel) : std::nullopt;
  if (!rtp) {
    // Nowhere to send: close the channel again.
    TLOG_INFO(kLog, "OpenLogicalChannelAck for channel {} without a usable media address", it->first);
    ++counters_.out_of_state;
    it->second.deadline.reset();
    CloseChannel(it->first, Clock::now());
    return;
  }
  it->second.acked = true;
  it->second.deadline.reset();
  ChannelAck a;
  a.number = it->first;
  a.kind = it->second.request.kind;
  a.remote_rtp = *rtp;
  if (params->mediaControlChannel) a.remote_rtcp = FromH245Address(*params->mediaControlChannel);
  listener_.OnH245ChannelAcked(a);
}

std::optional<uint16_t> H245Session::OpenChannel(const OutgoingChannel& channel, Clock::time_point now) {
  auto data_type = DataTypeFor(channel.format);
  auto rtcp = ToH245Address(channel.local_rtcp);
  if (!data_type || !rtcp) return std::nullopt;
  while (outgoing_.contains(next_channel_) || next_channel_ == 0)
    ++next_channel_;
  const uint16_t number = next_channel_++;
  Message m;
  auto& olc = m.set_request().set_openLogicalChannel();
  olc.forwardLogicalChannelNumber = number;
  olc.forwardLogicalChannelParameters.dataType = std::move(*data_type);
  auto& h2250 = olc.forwardLogicalChannelParameters.multiplexParameters.set_h2250LogicalChannelParameters();
  h2250.sessionID = channel.session_id ? channel.session_id : (channel.kind == mcu::MediaKind::kAudio ? 1 : 2);
  h2250.mediaGuaranteedDelivery = false;
  h2250.mediaControlChannel = std::move(*rtcp);
  h2250.silenceSuppression = false;
  if (channel.format.codec == codecs::CodecId::kH264) {
    const auto* p = std::get_if<codecs::H264Params>(&channel.format.params);
    h2250.dynamicRTPPayloadType = static_cast<uint16_t>(channel.payload_type);
    h2250.mediaPacketization =
        H264Packetization(p ? p->packetization_mode : 1, static_cast<uint16_t>(channel.payload_type));
  } else if (!StaticPayloadType(channel.format.codec)) {
    h2250.dynamicRTPPayloadType = static_cast<uint16_t>(channel.payload_type);
  }
  outgoing_[number] = Outgoing{channel, false, false, now + options_.t103};
  Send(m);
  return number;
}

void H245Session::CloseChannel(uint16_t number, Clock::time_point now) {
  auto it = outgoing_.find(number);
  if (it == outgoing_.end() || it->second.closing) return;
  it->second.closing = true;
  it->second.deadline = now + options_.t103;
  Message m;
  auto& clc = m.set_request().set_closeLogicalChannel();
  clc.forwardLogicalChannelNumber = number;
  clc.source.set_lcse();
  Send(m);
  listener_.OnH245ChannelClosed(number, true);
}

void H245Session::SendFastUpdate(uint16_t incoming_channel) {
  Message m;
  auto& misc = m.set_command().set_miscellaneousCommand();
  misc.logicalChannelNumber = incoming_channel ? incoming_channel : 1;
  misc.type.set_videoFastUpdatePicture();
  Send(m);
}

void H245Session::SendFlowControl(uint16_t incoming_channel, int64_t max_bitrate_bps) {
  Message m;
  auto& fc = m.set_command().set_flowControlCommand();
  if (incoming_channel) {
    fc.scope.set_logicalChannelNumber() = incoming_channel;
  } else {
    fc.scope.set_wholeMultiplex();
  }
  if (max_bitrate_bps > 0) {
    fc.restriction.set_maximumBitRate() = static_cast<uint32_t>(std::min<int64_t>(max_bitrate_bps / 100, 16777215));
  } else {
    fc.restriction.set_noRestriction();
  }
  Send(m);
}

void H245Session::SendUserInput(char digit, bool as_signal, uint16_t duration_ms) {
  Message m;
  auto& ui = m.set_indication().set_userInput();
  if (as_signal) {
    auto& s = ui.set_signal();
    s.signalType = std::string(1, digit);
    s.duration = duration_ms;
  } else {
    ui.set_alphanumeric() = std::string(1, digit);
  }
  Send(m);
}

void H245Session::SendRoundTripDelay(Clock::time_point now) {
  if (rtd_sent_) return;  // one outstanding at a time
  rtd_sequence_ = static_cast<uint16_t>((rtd_sequence_ + 1) & 0xFF);
  rtd_sent_ = now;
  Message m;
  m.set_request().set_roundTripDelayRequest().sequenceNumber = rtd_sequence_;
  Send(m);
}

void H245Session::EndSession() {
  if (end_sent_) return;
  end_sent_ = true;
  Message m;
  m.set_command().set_endSessionCommand().set_disconnect();
  Send(m);
}

size_t H245Session::open_outgoing() const {
  size_t n = 0;
  for (const auto& [number, c] : outgoing_)
    n += c.acked && !c.closing;
  return n;
}

std::optional<H245Session::Clock::time_point> H245Session::NextTimeout() const {
  std::optional<Clock::time_point> best;
  Earliest(best, t101_);
  Earliest(best, t106_);
  if (rtd_sent_) Earliest(best, *rtd_sent_ + options_.t105);
  for (const auto& [number, c] : outgoing_)
    Earliest(best, c.deadline);
  return best;
}

void H245Session::OnTimer(Clock::time_point now) {
  if (t101_ && now >= *t101_) {
    t101_.reset();
    listener_.OnH245Failure("no answer to our capability set (T101)");
    return;
  }
  if (t106_ && now >= *t106_) {
    t106_.reset();
    Message release;
    release.set_indication().set_masterSlaveDeterminationRelease();
    Send(release);
    msd_state_ = MsdState::kIdle;
    listener_.OnH245Failure("no answer to master/slave determination (T106)");
    return;
  }
  if (rtd_sent_ && now >= *rtd_sent_ + options_.t105) {
    rtd_sent_.reset();
    listener_.OnH245Failure("no answer to round-trip delay request (T105)");
    return;
  }
  for (auto it = outgoing_.begin(); it != outgoing_.end();) {
    if (!it->second.deadline || now < *it->second.deadline) {
      ++it;
      continue;
    }
    const uint16_t number = it->first;
    const bool closing = it->second.closing;
    it = outgoing_.erase(it);
    if (closing) continue;  // CloseLogicalChannelAck never came: the channel is gone anyway
    // H.245 8.4.3: T103 expiry on an open → close it, and tell the user it was rejected.
    Message m;
    auto& clc = m.set_request().set_closeLogicalChannel();
    clc.forwardLogicalChannelNumber = number;
    clc.source.set_lcse();
    Send(m);
    listener_.OnH245ChannelRejected(number);
  }
}

}  // namespace tessera::signaling::h323

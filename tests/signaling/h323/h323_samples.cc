#include "h323_samples.h"

#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/q931_ies.h"

namespace tessera::signaling::h323::testing {
namespace {

const asn1::ObjectIdentifier kH225Version7{0, 0, 8, 2250, 0, 7};
const asn1::ObjectIdentifier kH245Version15{0, 0, 8, 245, 0, 15};
const asn1::ObjectIdentifier kH264Capability{0, 0, 8, 241, 0, 0, 1};
const asn1::ObjectIdentifier kH264NonInterleaved{0, 0, 8, 241, 0, 0, 0, 1};
const std::vector<uint8_t> kLocalIp{127, 0, 0, 1};

std::vector<uint8_t> Guid(uint8_t seed) {
  std::vector<uint8_t> g(16);
  for (size_t i = 0; i < g.size(); ++i)
    g[i] = static_cast<uint8_t>(seed * 17 + i * 29);
  return g;
}

h225::EndpointType TesseraEndpoint() {
  h225::EndpointType e;
  auto& vendor = e.vendor.emplace();
  vendor.vendor.t35CountryCode = 181;  // United States (T.35): a placeholder vendor
  vendor.vendor.t35Extension = 0;
  vendor.vendor.manufacturerCode = 0x5445;
  const std::string product = "Tessera MCU";
  const std::string version = "0.1";
  vendor.productId = std::vector<uint8_t>(product.begin(), product.end());
  vendor.versionId = std::vector<uint8_t>(version.begin(), version.end());
  e.mcu.emplace();
  e.mc = true;
  e.undefinedNode = false;
  return e;
}

h225::TransportAddress IpAddress(uint16_t port) {
  h225::TransportAddress a;
  auto& ip = a.set_ipAddress();
  ip.ip = kLocalIp;
  ip.port = port;
  return a;
}

h245::TransportAddress UnicastIp(uint16_t port) {
  h245::TransportAddress a;
  auto& ip = a.set_unicastAddress().set_iPAddress();
  ip.network = kLocalIp;
  ip.tsapIdentifier = port;
  return a;
}

h245::GenericParameter Collapsing(uint16_t id, uint16_t value, bool boolean_array) {
  h245::GenericParameter p;
  p.parameterIdentifier.set_standard() = id;
  if (boolean_array) {
    p.parameterValue.set_booleanArray() = value;
  } else {
    p.parameterValue.set_unsignedMin() = value;
  }
  return p;
}

// H.264 through H.241: profile (41, bit mask) and level (42) as collapsing parameters.
h245::GenericCapability H264(uint16_t profile_mask, uint16_t level, uint32_t max_bit_rate) {
  h245::GenericCapability g;
  g.capabilityIdentifier.set_standard() = kH264Capability;
  g.maxBitRate = max_bit_rate;
  g.collapsing = std::vector<h245::GenericParameter>{Collapsing(41, profile_mask, true), Collapsing(42, level, false)};
  return g;
}

h245::MultipointCapability NoMultipoint() {
  h245::MultipointCapability m;
  m.mediaDistributionCapability.emplace_back();
  return m;
}

h245::DataType G711Alaw() {
  h245::DataType d;
  d.set_audioData().set_g711Alaw64k() = 20;
  return d;
}

h245::H2250LogicalChannelParameters H2250(uint16_t session, uint16_t rtcp_port) {
  h245::H2250LogicalChannelParameters p;
  p.sessionID = session;
  p.mediaGuaranteedDelivery = false;
  p.mediaControlChannel = UnicastIp(rtcp_port);
  p.silenceSuppression = false;
  return p;
}

h225::H323_UserInformation Wrap(h225::H323_UU_PDU_h323_message_body body) {
  h225::H323_UserInformation ui;
  ui.h323_uu_pdu.h323_message_body = std::move(body);
  ui.h323_uu_pdu.h245Tunnelling = true;
  return ui;
}

std::vector<uint8_t> Encoded(const h245::OpenLogicalChannel& olc) {
  auto bytes = asn1::EncodePer(olc);
  return bytes ? std::move(*bytes) : std::vector<uint8_t>{};
}

}  // namespace

h245::MultimediaSystemControlMessage MakeTerminalCapabilitySet(size_t capabilities) {
  h245::MultimediaSystemControlMessage m;
  auto& tcs = m.set_request().set_terminalCapabilitySet();
  tcs.sequenceNumber = 1;
  tcs.protocolIdentifier = kH245Version15;
  auto& h2250 = tcs.multiplexCapability.emplace().set_h2250Capability();
  h2250.maximumAudioDelayJitter = 250;
  h2250.receiveMultipointCapability = NoMultipoint();
  h2250.transmitMultipointCapability = NoMultipoint();
  h2250.receiveAndTransmitMultipointCapability = NoMultipoint();
  h2250.mcCapability.centralizedConferenceMC = true;
  h2250.mcCapability.decentralizedConferenceMC = false;
  h2250.rtcpVideoControlCapability = true;
  h2250.logicalChannelSwitchingCapability = false;
  h2250.t120DynamicPortCapability = false;

  std::vector<h245::Capability> table;
  auto audio = [&](auto setter) {
    h245::Capability c;
    setter(c.set_receiveAudioCapability());
    table.push_back(std::move(c));
  };
  audio([](h245::AudioCapability& a) { a.set_g711Alaw64k() = 20; });
  audio([](h245::AudioCapability& a) { a.set_g711Ulaw64k() = 20; });
  audio([](h245::AudioCapability& a) { a.set_g722_64k() = 20; });
  audio([](h245::AudioCapability& a) { a.set_g722_56k() = 20; });
  audio([](h245::AudioCapability& a) { a.set_g722_48k() = 20; });
  audio([](h245::AudioCapability& a) { a.set_g728() = 20; });
  audio([](h245::AudioCapability& a) { a.set_g729() = 2; });
  audio([](h245::AudioCapability& a) { a.set_g729AnnexA() = 2; });
  audio([](h245::AudioCapability& a) { a.set_g711Alaw56k() = 20; });
  audio([](h245::AudioCapability& a) { a.set_g711Ulaw56k() = 20; });
  {
    h245::Capability c;
    auto& h261 = c.set_receiveVideoCapability().set_h261VideoCapability();
    h261.qcifMPI = 1;
    h261.cifMPI = 1;
    h261.maxBitRate = 19200;
    table.push_back(std::move(c));
  }
  for (uint16_t mpi = 1; mpi <= 2; ++mpi) {
    h245::Capability c;
    auto& h263 = c.set_receiveVideoCapability().set_h263VideoCapability();
    h263.sqcifMPI = mpi;
    h263.qcifMPI = mpi;
    h263.cifMPI = mpi;
    h263.cif4MPI = 2;
    h263.maxBitRate = 19200;
    h263.errorCompensation = false;
    table.push_back(std::move(c));
  }
  // H.264 Baseline (64) and High (8) at levels 1.3 ... 4 (H.241 level numbers).
  for (uint16_t level : {36, 43, 50, 57, 64, 71, 78, 85}) {
    for (uint16_t profile : {64, 8}) {
      h245::Capability c;
      c.set_receiveVideoCapability().set_genericVideoCapability() = H264(profile, level, 40000);
      table.push_back(std::move(c));
    }
  }
  {
    h245::Capability c;
    auto& rfc2833 = c.set_receiveRTPAudioTelephonyEventCapability();
    rfc2833.dynamicRTPPayloadType = 101;
    rfc2833.audioTelephoneEvent = "0-16";
    table.push_back(std::move(c));
  }
  for (int kind = 0; kind < 3; ++kind) {
    h245::Capability c;
    auto& ui = c.set_receiveUserInputCapability();
    if (kind == 0) ui.set_basicString();
    if (kind == 1) ui.set_dtmf();
    if (kind == 2) ui.set_hookflash();
    table.push_back(std::move(c));
  }
  table.resize(std::min(capabilities, table.size()));
  auto& entries = tcs.capabilityTable.emplace();
  std::vector<uint16_t> numbers;
  for (size_t i = 0; i < table.size(); ++i) {
    auto& e = entries.emplace_back();
    e.capabilityTableEntryNumber = static_cast<uint16_t>(i + 1);
    e.capability = std::move(table[i]);
    numbers.push_back(static_cast<uint16_t>(i + 1));
  }
  // One descriptor: every audio capability is an alternative of the first set, every video
  // one of the second, the rest one set each.
  auto& d = tcs.capabilityDescriptors.emplace().emplace_back();
  d.capabilityDescriptorNumber = 0;
  auto& sets = d.simultaneousCapabilities.emplace();
  std::vector<uint16_t> audio_set, video_set;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& cap = *entries[i].capability;
    if (cap.receiveAudioCapability()) {
      audio_set.push_back(numbers[i]);
    } else if (cap.receiveVideoCapability()) {
      video_set.push_back(numbers[i]);
    } else {
      sets.push_back({numbers[i]});
    }
  }
  if (!video_set.empty()) sets.insert(sets.begin(), video_set);
  if (!audio_set.empty()) sets.insert(sets.begin(), audio_set);
  return m;
}

h245::MultimediaSystemControlMessage MakeMasterSlaveDetermination() {
  h245::MultimediaSystemControlMessage m;
  auto& msd = m.set_request().set_masterSlaveDetermination();
  msd.terminalType = 190;  // an MCU with audio and video processors (H.323 Table 1)
  msd.statusDeterminationNumber = 0x00ABCDEF;
  return m;
}

h245::OpenLogicalChannel MakeAudioChannel(uint16_t channel, uint16_t rtcp_port) {
  h245::OpenLogicalChannel olc;
  olc.forwardLogicalChannelNumber = channel;
  olc.forwardLogicalChannelParameters.dataType = G711Alaw();
  olc.forwardLogicalChannelParameters.multiplexParameters.set_h2250LogicalChannelParameters() = H2250(1, rtcp_port);
  return olc;
}

h245::OpenLogicalChannel MakeH264Channel(uint16_t channel, uint16_t rtcp_port) {
  h245::OpenLogicalChannel olc;
  olc.forwardLogicalChannelNumber = channel;
  olc.forwardLogicalChannelParameters.dataType.set_videoData().set_genericVideoCapability() = H264(64, 71, 20000);
  auto& h2250 = olc.forwardLogicalChannelParameters.multiplexParameters.set_h2250LogicalChannelParameters();
  h2250 = H2250(2, rtcp_port);
  h2250.dynamicRTPPayloadType = 109;
  auto& rtp = h2250.mediaPacketization.emplace().set_rtpPayloadType();
  rtp.payloadDescriptor.set_oid() = kH264NonInterleaved;
  rtp.payloadType = 109;
  return olc;
}

h245::MultimediaSystemControlMessage AsRequest(const h245::OpenLogicalChannel& olc) {
  h245::MultimediaSystemControlMessage m;
  m.set_request().set_openLogicalChannel() = olc;
  return m;
}

h245::MultimediaSystemControlMessage MakeOpenLogicalChannelAck(uint16_t channel, uint16_t rtp_port) {
  h245::MultimediaSystemControlMessage m;
  auto& ack = m.set_response().set_openLogicalChannelAck();
  ack.forwardLogicalChannelNumber = channel;
  auto& h2250 = ack.forwardMultiplexAckParameters.emplace().set_h2250LogicalChannelAckParameters();
  h2250.mediaChannel = UnicastIp(rtp_port);
  h2250.mediaControlChannel = UnicastIp(static_cast<uint16_t>(rtp_port + 1));
  h2250.sessionID = 1;
  return m;
}

h245::MultimediaSystemControlMessage MakeVideoFastUpdatePicture(uint16_t channel) {
  h245::MultimediaSystemControlMessage m;
  auto& misc = m.set_command().set_miscellaneousCommand();
  misc.logicalChannelNumber = channel;
  misc.type.set_videoFastUpdatePicture();
  return m;
}

h245::MultimediaSystemControlMessage MakeUserInputSignal(char digit) {
  h245::MultimediaSystemControlMessage m;
  auto& signal = m.set_indication().set_userInput().set_signal();
  signal.signalType = std::string(1, digit);
  signal.duration = 100;
  return m;
}

h245::MultimediaSystemControlMessage MakeEndSession() {
  h245::MultimediaSystemControlMessage m;
  m.set_command().set_endSessionCommand().set_disconnect();
  return m;
}

h225::H323_UserInformation MakeSetup(size_t fast_start) {
  h225::H323_UU_PDU_h323_message_body body;
  auto& s = body.set_setup();
  s.protocolIdentifier = kH225Version7;
  h225::AliasAddress caller;
  caller.set_h323_ID() = u"room system";
  s.sourceAddress = std::vector<h225::AliasAddress>{caller};
  s.sourceInfo = TesseraEndpoint();
  s.sourceInfo.mcu.reset();
  s.sourceInfo.terminal.emplace();
  s.sourceInfo.mc = false;
  h225::AliasAddress digits, id;
  digits.set_dialledDigits() = "1000";
  id.set_h323_ID() = u"1000";
  s.destinationAddress = std::vector<h225::AliasAddress>{digits, id};
  s.destCallSignalAddress = IpAddress(1720);
  s.activeMC = false;
  s.conferenceID = Guid(1);
  s.conferenceGoal.set_create();
  s.callType.set_pointToPoint();
  s.sourceCallSignalAddress = IpAddress(34854);
  s.callIdentifier.emplace().guid = Guid(2);
  if (fast_start > 0) {
    auto& fs = s.fastStart.emplace();
    for (size_t i = 0; i < fast_start; ++i) {
      // Alternating: a receive proposal (reverse parameters, null forward data) and a
      // transmit one, for A-law then μ-law.
      h245::OpenLogicalChannel olc = MakeAudioChannel(static_cast<uint16_t>(101 + i / 2), 5001);
      if (i % 4 >= 2) olc.forwardLogicalChannelParameters.dataType.set_audioData().set_g711Ulaw64k() = 20;
      if (i % 2 == 0) {
        auto& reverse = olc.reverseLogicalChannelParameters.emplace();
        reverse.dataType = olc.forwardLogicalChannelParameters.dataType;
        auto& h2250 = reverse.multiplexParameters.emplace().set_h2250LogicalChannelParameters();
        h2250 = H2250(1, 5001);
        h2250.mediaChannel = UnicastIp(5000);
        olc.forwardLogicalChannelNumber = 1;
        olc.forwardLogicalChannelParameters.dataType.set_nullData();
        olc.forwardLogicalChannelParameters.multiplexParameters.set_none();
      }
      fs.push_back(Encoded(olc));
    }
  }
  s.mediaWaitForConnect = false;
  s.canOverlapSend = false;
  s.multipleCalls = false;
  s.maintainConnection = false;
  return Wrap(std::move(body));
}

h225::H323_UserInformation MakeCallProceeding() {
  h225::H323_UU_PDU_h323_message_body body;
  auto& p = body.set_callProceeding();
  p.protocolIdentifier = kH225Version7;
  p.destinationInfo = TesseraEndpoint();
  p.callIdentifier.emplace().guid = Guid(2);
  p.multipleCalls = false;
  p.maintainConnection = false;
  return Wrap(std::move(body));
}

h225::H323_UserInformation MakeAlerting() {
  h225::H323_UU_PDU_h323_message_body body;
  auto& a = body.set_alerting();
  a.protocolIdentifier = kH225Version7;
  a.destinationInfo = TesseraEndpoint();
  a.callIdentifier.emplace().guid = Guid(2);
  a.multipleCalls = false;
  a.maintainConnection = false;
  return Wrap(std::move(body));
}

h225::H323_UserInformation MakeConnect(size_t accepted_fast_start) {
  h225::H323_UU_PDU_h323_message_body body;
  auto& c = body.set_connect();
  c.protocolIdentifier = kH225Version7;
  c.h245Address = IpAddress(30000);
  c.destinationInfo = TesseraEndpoint();
  c.conferenceID = Guid(1);
  c.callIdentifier.emplace().guid = Guid(2);
  if (accepted_fast_start > 0) {
    auto& fs = c.fastStart.emplace();
    for (size_t i = 0; i < accepted_fast_start; ++i) {
      h245::OpenLogicalChannel olc = MakeAudioChannel(static_cast<uint16_t>(1 + i), 40001);
      auto& h2250 = *olc.forwardLogicalChannelParameters.multiplexParameters.h2250LogicalChannelParameters();
      h2250.mediaChannel = UnicastIp(40000);
      fs.push_back(Encoded(olc));
    }
  }
  c.multipleCalls = false;
  c.maintainConnection = false;
  return Wrap(std::move(body));
}

h225::H323_UserInformation MakeTunnelledH245(const std::vector<h245::MultimediaSystemControlMessage>& pdus) {
  h225::H323_UU_PDU_h323_message_body body;
  body.set_empty();
  h225::H323_UserInformation ui = Wrap(std::move(body));
  auto& control = ui.h323_uu_pdu.h245Control.emplace();
  for (const auto& pdu : pdus) {
    auto bytes = asn1::EncodePer(pdu);
    control.push_back(bytes ? std::move(*bytes) : std::vector<uint8_t>{});
  }
  return ui;
}

h225::H323_UserInformation MakeReleaseComplete() {
  h225::H323_UU_PDU_h323_message_body body;
  auto& r = body.set_releaseComplete();
  r.protocolIdentifier = kH225Version7;
  r.reason.emplace().set_undefinedReason();
  r.callIdentifier.emplace().guid = Guid(2);
  return Wrap(std::move(body));
}

Q931Message MakeQ931(Q931MessageType type, uint16_t call_reference, bool from_destination) {
  Q931Message m;
  m.call_reference = call_reference;
  m.from_destination = from_destination;
  m.message_type = static_cast<uint8_t>(type);
  if (type == Q931MessageType::kSetup) {
    BearerCapability bearer;
    bearer.transfer_capability = 0x08;  // unrestricted digital information
    m.Set(q931_ie::kBearerCapability, EncodeBearerCapability(bearer));
    m.Set(q931_ie::kDisplay, EncodeIa5Text("room system"));
    PartyNumber called;
    called.type_of_number = 0;
    called.numbering_plan = 1;
    called.digits = "1000";
    m.Set(q931_ie::kCalledPartyNumber, EncodePartyNumber(called));
  }
  if (type == Q931MessageType::kConnect || type == Q931MessageType::kAlerting) {
    m.Set(q931_ie::kDisplay, EncodeIa5Text("Tessera room 1000"));
  }
  if (type == Q931MessageType::kReleaseComplete) {
    m.Set(q931_ie::kCause, EncodeCause(Cause{}));
  }
  return m;
}

std::vector<NamedH225> SampleCall() {
  const uint16_t crv = 5272;
  std::vector<NamedH225> call;
  call.push_back({"SETUP", MakeQ931(Q931MessageType::kSetup, crv, false), MakeSetup()});
  call.push_back({"CALL PROCEEDING", MakeQ931(Q931MessageType::kCallProceeding, crv, true), MakeCallProceeding()});
  call.push_back({"ALERTING", MakeQ931(Q931MessageType::kAlerting, crv, true), MakeAlerting()});
  call.push_back({"CONNECT", MakeQ931(Q931MessageType::kConnect, crv, true), MakeConnect()});
  call.push_back({"FACILITY (TerminalCapabilitySet)", MakeQ931(Q931MessageType::kFacility, crv, true),
                  MakeTunnelledH245({MakeTerminalCapabilitySet()})});
  call.push_back({"FACILITY (MasterSlaveDetermination)", MakeQ931(Q931MessageType::kFacility, crv, true),
                  MakeTunnelledH245({MakeMasterSlaveDetermination()})});
  call.push_back({"FACILITY (OpenLogicalChannel H.264)", MakeQ931(Q931MessageType::kFacility, crv, true),
                  MakeTunnelledH245({AsRequest(MakeH264Channel(2, 40003))})});
  call.push_back({"FACILITY (videoFastUpdatePicture)", MakeQ931(Q931MessageType::kFacility, crv, false),
                  MakeTunnelledH245({MakeVideoFastUpdatePicture(2)})});
  call.push_back({"RELEASE COMPLETE", MakeQ931(Q931MessageType::kReleaseComplete, crv, true), MakeReleaseComplete()});
  return call;
}

std::vector<NamedH245> SampleH245() {
  return {
      {"TerminalCapabilitySet", MakeTerminalCapabilitySet()},
      {"MasterSlaveDetermination", MakeMasterSlaveDetermination()},
      {"OpenLogicalChannel (G.711)", AsRequest(MakeAudioChannel(1, 40001))},
      {"OpenLogicalChannel (H.264)", AsRequest(MakeH264Channel(2, 40003))},
      {"OpenLogicalChannelAck", MakeOpenLogicalChannelAck(1, 40000)},
      {"videoFastUpdatePicture", MakeVideoFastUpdatePicture(2)},
      {"userInput signal", MakeUserInputSignal('5')},
      {"endSessionCommand", MakeEndSession()},
  };
}

}  // namespace tessera::signaling::h323::testing

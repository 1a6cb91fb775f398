#pragma once
// H.225.0 and H.245 messages like the ones Tessera's call control will send, built field by
// field from the generated types: the realistic inputs of the cross-checks (Erlang, tshark) and
// the benchmark. Tessera answers as an MCU (terminal type 190, `mc` TRUE).

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/signaling/h323/gen/h225.h"
#include "tessera/signaling/h323/gen/h245.h"
#include "tessera/signaling/h323/q931.h"

namespace tessera::signaling::h323::testing {

// --- H.245 ---
// A TerminalCapabilitySet with `capabilities` entries (G.711, G.722, G.728, G.729, H.261,
// H.263, H.264 through H.241 at several levels, RFC 2833 events, user input), one descriptor.
h245::MultimediaSystemControlMessage MakeTerminalCapabilitySet(size_t capabilities = 30);
h245::MultimediaSystemControlMessage MakeMasterSlaveDetermination();
// An audio (G.711 A-law, session 1) or H.264 video (session 2, packetization mode 1) channel
// proposal with its RTP/RTCP addresses.
h245::OpenLogicalChannel MakeAudioChannel(uint16_t channel, uint16_t rtcp_port);
h245::OpenLogicalChannel MakeH264Channel(uint16_t channel, uint16_t rtcp_port);
h245::MultimediaSystemControlMessage MakeOpenLogicalChannelAck(uint16_t channel, uint16_t rtp_port);
h245::MultimediaSystemControlMessage MakeVideoFastUpdatePicture(uint16_t channel);
h245::MultimediaSystemControlMessage MakeUserInputSignal(char digit);
h245::MultimediaSystemControlMessage MakeEndSession();
h245::MultimediaSystemControlMessage AsRequest(const h245::OpenLogicalChannel& olc);

// --- H.225.0 ---
// SETUP dialling the room "1000" (dialledDigits and h323-ID), with `fast_start` proposals
// (pairs of receive/transmit G.711 A/μ channels) and H.245 tunnelling.
h225::H323_UserInformation MakeSetup(size_t fast_start = 4);
h225::H323_UserInformation MakeCallProceeding();
h225::H323_UserInformation MakeAlerting();
h225::H323_UserInformation MakeConnect(size_t accepted_fast_start = 2);
// FACILITY with an `empty` body carrying tunnelled H.245 PDUs.
h225::H323_UserInformation MakeTunnelledH245(const std::vector<h245::MultimediaSystemControlMessage>& pdus);
h225::H323_UserInformation MakeReleaseComplete();

// The Q.931 side of a message of `type`: SETUP gets Bearer capability, Display and Called
// party number "1000"; RELEASE COMPLETE a Cause (normal call clearing).
Q931Message MakeQ931(Q931MessageType type, uint16_t call_reference, bool from_destination);

struct NamedH225 {
  std::string name;
  Q931Message q931;
  h225::H323_UserInformation pdu;
};
// A whole call's worth of H.225.0 messages in order (SETUP ... RELEASE COMPLETE).
std::vector<NamedH225> SampleCall();

struct NamedH245 {
  std::string name;
  h245::MultimediaSystemControlMessage pdu;
};
std::vector<NamedH245> SampleH245();

}  // namespace tessera::signaling::h323::testing

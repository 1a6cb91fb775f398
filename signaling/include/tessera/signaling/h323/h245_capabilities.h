#pragma once
// H.245 capabilities and data types as codecs::Capability (capabilities.h), both ways: what a
// TerminalCapabilitySet says an endpoint receives, the TerminalCapabilitySet Tessera sends,
// and the DataType of a logical channel. Pure functions.
//
// Mapped: G.711 A-law and μ-law 64k, G.722 64k, H.261, H.263 (baseline options), H.264
// through H.241 genericVideoCapability (profile bit mask 41, level 42, CustomMaxMBPS 3,
// CustomMaxFS 4, CustomMaxBRandCPB 6; maxBitRate in 100 bit/s), RFC 2833 telephone events
// and user input (alphanumeric, dtmf signal). Anything else is skipped.
//
// H.241 units: CustomMaxMBPS counts 500 macroblocks/s, CustomMaxFS 256 macroblocks,
// CustomMaxBRandCPB 25000 bit/s; the level parameter is H.241's own numbering (15 = 1,
// 19 = 1b, 22 = 1.1 ... 85 = 4, 92 = 4.1 ...), not level_idc.

#include <cstdint>
#include <optional>
#include <vector>

#include "tessera/codecs/capabilities.h"
#include "tessera/signaling/h323/gen/h245.h"

namespace tessera::signaling::h323 {

// What the peer's TerminalCapabilitySet says it can receive.
struct RemoteCapabilities {
  std::vector<codecs::Capability> audio;  // in the peer's table order
  std::vector<codecs::Capability> video;
  std::optional<int> telephone_event_payload_type;  // receiveRTPAudioTelephonyEventCapability
  bool user_input_alphanumeric = false;
  bool user_input_dtmf = false;
};

RemoteCapabilities ParseTerminalCapabilitySet(const h245::TerminalCapabilitySet& tcs);

// Tessera's TerminalCapabilitySet: every audio and video format of `audio`/`video` that
// H.245 can express, RFC 2833 events on `telephone_event_payload_type`, user input
// (basicString, dtmf), one descriptor (one audio alternative and one video alternative
// simultaneously).
h245::TerminalCapabilitySet BuildTerminalCapabilitySet(uint16_t sequence_number,
                                                       const std::vector<codecs::Capability>& audio,
                                                       const std::vector<codecs::Capability>& video,
                                                       int telephone_event_payload_type = 101);

std::optional<codecs::Capability> CapabilityFromAudio(const h245::AudioCapability& audio);
std::optional<codecs::Capability> CapabilityFromVideo(const h245::VideoCapability& video);
std::optional<h245::AudioCapability> AudioCapabilityFor(const codecs::Capability& c,
                                                        uint16_t frames_per_packet_ms = 20);
std::optional<h245::VideoCapability> VideoCapabilityFor(const codecs::Capability& c);

// A logical channel's DataType as a capability (nullopt for nullData and unknown types);
// and the DataType for sending `c`.
std::optional<codecs::Capability> CapabilityFromDataType(const h245::DataType& data_type);
std::optional<h245::DataType> DataTypeFor(const codecs::Capability& c);

// The RTP payload type of a static format (PCMU 0, PCMA 8, G.722 9, H.261 31, H.263 34);
// nullopt for formats that need a dynamic one (H.264).
std::optional<int> StaticPayloadType(codecs::CodecId codec);

// H.264 packetization modes as H.241 names them in mediaPacketization.
h245::H2250LogicalChannelParameters_mediaPacketization H264Packetization(int mode, uint16_t payload_type);
// The packetization mode an OLC's mediaPacketization names (0 when absent or unknown).
int H264PacketizationMode(const h245::H2250LogicalChannelParameters& params);

// H.241 level number <-> level_idc (0 / nullopt when unknown).
int H241LevelToLevelIdc(int h241_level);
std::optional<int> LevelIdcToH241Level(int level_idc, bool level_1b = false);

}  // namespace tessera::signaling::h323

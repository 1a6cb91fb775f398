#pragma once
// What the control plane hands the core to add a participant, and what it gets back: the
// protocol-neutral result of an offer/answer (SDP for SIP and plain RTP, H.245 for H.323).
// The adapter in signaling/ has already chosen the codec of each stream (codecs/
// negotiation.h); the core allocates the local ports, creates the RTP sessions, puts the
// participant's sources into the room and its subscriptions on the right output rung.
//
// Thread safety: plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/codecs/capabilities.h"

namespace tessera::mcu {

enum class MediaKind : uint8_t { kAudio, kVideo };

// SDES keying (RFC 4568) for one RTP session: the endpoint's a=crypto choice. The core
// parses and checks it (mcu/rtp/crypto_attribute.h) and answers with its own key.
struct SrtpRequest {
  uint32_t tag = 1;
  std::string suite;       // "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM"
  std::string key_params;  // "inline:<base64>[|lifetime][|MKI:len]", never logged
};

// One negotiated RTP session: an m= line or an H.245 logical channel pair.
struct MediaStreamRequest {
  MediaKind kind = MediaKind::kAudio;
  // Directions from Tessera's side: receive = the endpoint sends to us (its sendrecv or
  // sendonly), send = we send to it (its sendrecv or recvonly).
  bool receive = true;
  bool send = true;

  // The chosen format, the same payload type both ways (RFC 3264 §6.1 lets us send with the
  // endpoint's number), as codecs/negotiation.h answered it: codec, clock rate, channels,
  // fmtp parameters (H.264 profile-level-id and packetization-mode, Opus fmtp...), and in
  // max_bitrate_bps the bandwidth the endpoint can receive (b=AS/TIAS; 0 = none given).
  int payload_type = 0;
  codecs::Capability format;
  // RFC 4733 telephone-event, when negotiated on an audio stream.
  std::optional<int> telephone_event_payload_type;
  int telephone_event_clock_rate = 8000;
  int ptime_ms = 20;

  // Where the endpoint receives: its c= address and m= port (RTCP on port + 1 unless
  // rtcp_mux or an explicit rtcp port). Symmetric RTP moves this to where its packets come
  // from once they arrive (endpoints behind NAT).
  std::string remote_address;
  uint16_t remote_rtp_port = 0;
  std::optional<uint16_t> remote_rtcp_port;
  bool rtcp_mux = false;

  // RTCP feedback negotiated (RFC 4585/5104 rtcp-fb, or the H.245 equivalents).
  bool nack = false;
  bool pli = false;
  bool fir = false;
  bool tmmbr = false;
  bool remb = false;

  std::optional<SrtpRequest> srtp;  // null: plain RTP (RTP/AVP, RTP/AVPF)
};

struct ParticipantRequest {
  std::string display_name;
  std::string protocol = "rtp";  // "rtp", "sip", "h323", "synthetic": for stats and the API
  std::string remote;            // who, for logs and stats: a SIP URI, an address
  std::vector<MediaStreamRequest> streams;
  // Joins a PIN room's lobby: neither mixed nor shown, hearing only the prompt the control
  // plane chooses (PlayPrompt) and keying DTMF (TakeDigits) until AdmitParticipant.
  bool lobby = false;
};

// What the core created for one requested stream, in the same order.
struct MediaStreamResult {
  std::string local_address;  // where the endpoint should send (the configured RTP address)
  uint16_t local_rtp_port = 0;
  uint16_t local_rtcp_port = 0;  // == local_rtp_port with rtcp-mux
  uint32_t local_ssrc = 0;       // what Tessera sends with
  // Our a=crypto for the answer: same tag and suite as asked, our own fresh key.
  std::optional<SrtpRequest> srtp;
};

struct ParticipantResult {
  std::string participant_id;  // unique on this server, URL-safe
  std::string room_id;         // the room's canonical id (the request may have used an alias)
  std::vector<MediaStreamResult> streams;
};

}  // namespace tessera::mcu

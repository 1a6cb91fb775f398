#pragma once
// SDP (RFC 4566) as structures, and their parser and serializer: syntax only. The offer/
// answer logic (RFC 3264: choosing codecs, H.264 packetization modes, SRTP) is built on top
// of these types elsewhere, against the codec capabilities; the helpers here (effective
// rtpmap with the static payload types of RFC 3551, fmtp parameters, feedback per payload,
// profile flags) are what that code needs.
//
// Attributes the media layer uses are parsed into typed fields: rtpmap, fmtp, rtcp-fb
// (RFC 4585), crypto (RFC 4568), direction, rtcp (RFC 3605), rtcp-mux (RFC 5761), ptime,
// maxptime, mid; every other attribute is kept in order as name/value. Bandwidth lines
// (b=AS, b=TIAS, b=CT, ...) are kept with their type.
//
// Thread safety: plain values and pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/base/result.h"

namespace tessera::signaling::sdp {

struct Origin {
  std::string username = "-";
  std::string session_id = "0";       // decimal digits
  std::string session_version = "0";  // decimal digits
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address = "0.0.0.0";
  bool operator==(const Origin&) const = default;
};

struct Connection {
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address;
  std::optional<uint32_t> ttl;    // IPv4 multicast only
  std::optional<uint32_t> count;  // number of addresses
  bool operator==(const Connection&) const = default;
};

struct Bandwidth {
  std::string type;  // "AS", "TIAS", "CT", "RS", "RR", or an X- type
  uint64_t value = 0;
  bool operator==(const Bandwidth&) const = default;
};

struct Timing {
  uint64_t start = 0;
  uint64_t stop = 0;
  std::vector<std::string> repeats;  // r= lines, raw
  bool operator==(const Timing&) const = default;
};

struct Attribute {
  std::string name;
  std::optional<std::string> value;  // nullopt for a property attribute ("a=recvonly")
  bool operator==(const Attribute&) const = default;
};

enum class Direction : uint8_t { kSendRecv, kSendOnly, kRecvOnly, kInactive };
std::string_view ToString(Direction d);

struct RtpMap {
  int payload_type = 0;
  std::string encoding_name;  // as written ("H264", "opus", "telephone-event")
  uint32_t clock_rate = 0;
  uint32_t channels = 0;  // 0 = not given (1 for audio)
  bool operator==(const RtpMap&) const = default;
};

struct Fmtp {
  std::string format;      // payload type as written
  std::string parameters;  // "profile-level-id=42e01f;packetization-mode=1"
  bool operator==(const Fmtp&) const = default;
};

struct RtcpFeedback {
  std::string format;     // payload type or "*"
  std::string type;       // "nack", "ccm", "goog-remb", "trr-int", ...
  std::string parameter;  // "pli", "fir", "tmmbr", "" ...
  bool operator==(const RtcpFeedback&) const = default;
};

struct Crypto {
  uint32_t tag = 0;
  std::string suite;           // "AES_CM_128_HMAC_SHA1_80"
  std::string key_params;      // "inline:<base64>[|lifetime][|MKI:len]" (several joined by ';')
  std::string session_params;  // rest of the line, may be empty
  bool operator==(const Crypto&) const = default;
};

struct RtcpAddress {
  uint16_t port = 0;
  std::optional<Connection> connection;
  bool operator==(const RtcpAddress&) const = default;
};

struct MediaDescription {
  std::string media;  // "audio", "video", "application", ...
  uint16_t port = 0;  // 0 = stream rejected or disabled
  std::optional<uint16_t> port_count;
  std::string protocol;              // "RTP/AVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", ...
  std::vector<std::string> formats;  // payload types as written
  std::string information;
  std::vector<Connection> connections;
  std::vector<Bandwidth> bandwidths;
  std::string key;  // k=, obsolete

  std::vector<RtpMap> rtpmaps;
  std::vector<Fmtp> fmtps;
  std::vector<RtcpFeedback> rtcp_feedback;
  std::vector<Crypto> cryptos;
  std::optional<Direction> direction;
  std::optional<RtcpAddress> rtcp;
  bool rtcp_mux = false;
  std::optional<uint32_t> ptime;
  std::optional<uint32_t> maxptime;
  std::optional<std::string> mid;
  std::vector<Attribute> attributes;  // every other attribute, in order

  // Numeric payload types of `formats` (non-numeric formats are skipped).
  std::vector<int> PayloadTypes() const;
  // The rtpmap for `pt`, or the RFC 3551 static assignment (0 PCMU, 8 PCMA, 9 G722, 18 G729,
  // 34 H263, ...) when no rtpmap is given.
  std::optional<RtpMap> EffectiveRtpMap(int pt) const;
  const Fmtp* FindFmtp(int pt) const;
  // rtcp-fb lines that apply to `pt`, including the "*" ones.
  std::vector<RtcpFeedback> FeedbackFor(int pt) const;
  std::optional<uint64_t> GetBandwidth(std::string_view type) const;
  const Attribute* FindAttribute(std::string_view name) const;
  bool IsRtp() const;               // protocol has an RTP profile
  bool IsSecure() const;            // SAVP / SAVPF
  bool HasFeedbackProfile() const;  // AVPF / SAVPF
  bool operator==(const MediaDescription&) const = default;
};

struct SessionDescription {
  int version = 0;
  Origin origin;
  std::string session_name = "-";
  std::string information;
  std::string uri;
  std::vector<std::string> emails;
  std::vector<std::string> phones;
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<Timing> timings;  // at least one when parsed; serializer writes "t=0 0" if empty
  std::string time_zones;
  std::string key;
  std::optional<Direction> direction;
  std::vector<Attribute> attributes;  // other session-level attributes, in order
  std::vector<MediaDescription> media;

  // Media-level direction, else session-level, else sendrecv (RFC 4566 §6).
  Direction EffectiveDirection(const MediaDescription& m) const;
  // Media-level c= (first), else session-level; nullptr if neither.
  const Connection* EffectiveConnection(const MediaDescription& m) const;
  bool operator==(const SessionDescription&) const = default;
};

struct SdpError {
  int line = 0;  // 1-based line of the problem, 0 for the whole description
  std::string message;
  std::string ToString() const;  // "line 7: a=rtpmap: invalid clock rate"
};

struct SdpLimits {
  size_t max_size = 65535;
  size_t max_lines = 4096;
  size_t max_media = 64;
};

Result<SessionDescription, SdpError> ParseSdp(std::string_view text, const SdpLimits& limits = {});
// RFC 4566 order, CRLF line ends.
std::string SerializeSdp(const SessionDescription& sdp);

// "a=b; c=d;e" -> {("a","b"), ("c","d"), ("e","")}: the key=value list most fmtp lines use.
std::vector<std::pair<std::string, std::string>> ParseFmtpParameters(std::string_view parameters);

}  // namespace tessera::signaling::sdp

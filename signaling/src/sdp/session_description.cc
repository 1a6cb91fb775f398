// SDP helpers and serializer (RFC 4566 §5 order).
#include "tessera/signaling/sdp/session_description.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace tessera::signaling::sdp {
namespace {

struct StaticType {
  int pt;
  const char* name;
  uint32_t clock;
  uint32_t channels;
};
// RFC 3551 §6 static payload types.
constexpr std::array<StaticType, 24> kStaticTypes = {{
    {0, "PCMU", 8000, 1},   {3, "GSM", 8000, 1},    {4, "G723", 8000, 1},   {5, "DVI4", 8000, 1},
    {6, "DVI4", 16000, 1},  {7, "LPC", 8000, 1},    {8, "PCMA", 8000, 1},   {9, "G722", 8000, 1},
    {10, "L16", 44100, 2},  {11, "L16", 44100, 1},  {12, "QCELP", 8000, 1}, {13, "CN", 8000, 1},
    {14, "MPA", 90000, 0},  {15, "G728", 8000, 1},  {16, "DVI4", 11025, 1}, {17, "DVI4", 22050, 1},
    {18, "G729", 8000, 1},  {25, "CelB", 90000, 0}, {26, "JPEG", 90000, 0}, {28, "nv", 90000, 0},
    {31, "H261", 90000, 0}, {32, "MPV", 90000, 0},  {33, "MP2T", 90000, 0}, {34, "H263", 90000, 0},
}};

std::optional<int> FormatNumber(std::string_view f) {
  int v = 0;
  const auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
  if (ec != std::errc() || p != f.data() + f.size() || v < 0 || v > 127) return std::nullopt;
  return v;
}

void AppendConnection(std::string& out, const Connection& c) {
  fmt::format_to(std::back_inserter(out), "c={} {} {}", c.net_type, c.addr_type, c.address);
  if (c.ttl) fmt::format_to(std::back_inserter(out), "/{}", *c.ttl);
  if (c.count) fmt::format_to(std::back_inserter(out), "/{}", *c.count);
  out += "\r\n";
}

void AppendAttribute(std::string& out, std::string_view name, const std::optional<std::string>& value) {
  out += "a=";
  out += name;
  if (value) {
    out += ':';
    out += *value;
  }
  out += "\r\n";
}

}  // namespace

std::string_view ToString(Direction d) {
  switch (d) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
  }
  return "sendrecv";
}

std::string SdpError::ToString() const {
  return line > 0 ? fmt::format("line {}: {}", line, message) : message;
}

std::vector<int> MediaDescription::PayloadTypes() const {
  std::vector<int> out;
  for (const std::string& f : formats) {
    if (auto n = FormatNumber(f)) out.push_back(*n);
  }
  return out;
}

std::optional<RtpMap> MediaDescription::EffectiveRtpMap(int pt) const {
  for (const RtpMap& r : rtpmaps) {
    if (r.payload_type == pt) return r;
  }
  for (const StaticType& s : kStaticTypes) {
    if (s.pt == pt) return RtpMap{pt, s.name, s.clock, s.channels};
  }
  return std::nullopt;
}

const Fmtp* MediaDescription::FindFmtp(int pt) const {
  for (const Fmtp& f : fmtps) {
    if (FormatNumber(f.format) == pt) return &f;
  }
  return nullptr;
}

std::vector<RtcpFeedback> MediaDescription::FeedbackFor(int pt) const {
  std::vector<RtcpFeedback> out;
  for (const RtcpFeedback& fb : rtcp_feedback) {
    if (fb.format == "*" || FormatNumber(fb.format) == pt) out.push_back(fb);
  }
  return out;
}

std::optional<uint64_t> MediaDescription::GetBandwidth(std::string_view type) const {
  for (const Bandwidth& b : bandwidths) {
    if (b.type == type) return b.value;
  }
  return std::nullopt;
}

const Attribute* MediaDescription::FindAttribute(std::string_view name) const {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool MediaDescription::IsRtp() const {
  return protocol.find("RTP/") != std::string::npos;
}

bool MediaDescription::IsSecure() const {
  return protocol.find("SAVP") != std::string::npos;
}

bool MediaDescription::HasFeedbackProfile() const {
  return protocol.ends_with("AVPF");
}

Direction SessionDescription::EffectiveDirection(const MediaDescription& m) const {
  return m.direction.value_or(direction.value_or(Direction::kSendRecv));
}

const Connection* SessionDescription::EffectiveConnection(const MediaDescription& m) const {
  if (!m.connections.empty()) return &m.connections.front();
  return connection ? &*connection : nullptr;
}

std::vector<std::pair<std::string, std::string>> ParseFmtpParameters(std::string_view parameters) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos <= parameters.size()) {
    size_t end = parameters.find(';', pos);
    if (end == std::string_view::npos) end = parameters.size();
    std::string_view item = parameters.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty()) {
      const size_t eq = item.find('=');
      out.emplace_back(std::string(item.substr(0, eq)),
                       eq == std::string_view::npos ? std::string() : std::string(item.substr(eq + 1)));
    }
    pos = end + 1;
  }
  return out;
}

std::string SerializeSdp(const SessionDescription& s) {
  std::string out;
  out.reserve(512);
  fmt::format_to(std::back_inserter(out), "v={}\r\n", s.version);
  const Origin& o = s.origin;
  fmt::format_to(std::back_inserter(out), "o={} {} {} {} {} {}\r\n", o.username, o.session_id, o.session_version,
                 o.net_type, o.addr_type, o.address);
  fmt::format_to(std::back_inserter(out), "s={}\r\n", s.session_name.empty() ? "-" : s.session_name);
  if (!s.information.empty()) out += "i=" + s.information + "\r\n";
  if (!s.uri.empty()) out += "u=" + s.uri + "\r\n";
  for (const auto& e : s.emails)
    out += "e=" + e + "\r\n";
  for (const auto& p : s.phones)
    out += "p=" + p + "\r\n";
  if (s.connection) AppendConnection(out, *s.connection);
  for (const Bandwidth& b : s.bandwidths)
    fmt::format_to(std::back_inserter(out), "b={}:{}\r\n", b.type, b.value);
  if (s.timings.empty()) out += "t=0 0\r\n";
  for (const Timing& t : s.timings) {
    fmt::format_to(std::back_inserter(out), "t={} {}\r\n", t.start, t.stop);
    for (const auto& r : t.repeats)
      out += "r=" + r + "\r\n";
  }
  if (!s.time_zones.empty()) out += "z=" + s.time_zones + "\r\n";
  if (!s.key.empty()) out += "k=" + s.key + "\r\n";
  for (const Attribute& a : s.attributes)
    AppendAttribute(out, a.name, a.value);
  if (s.direction) AppendAttribute(out, ToString(*s.direction), std::nullopt);

  for (const MediaDescription& m : s.media) {
    fmt::format_to(std::back_inserter(out), "m={} {}", m.media, m.port);
    if (m.port_count) fmt::format_to(std::back_inserter(out), "/{}", *m.port_count);
    fmt::format_to(std::back_inserter(out), " {}", m.protocol);
    for (const std::string& f : m.formats)
      out += " " + f;
    out += "\r\n";
    if (!m.information.empty()) out += "i=" + m.information + "\r\n";
    for (const Connection& c : m.connections)
      AppendConnection(out, c);
    for (const Bandwidth& b : m.bandwidths)
      fmt::format_to(std::back_inserter(out), "b={}:{}\r\n", b.type, b.value);
    if (!m.key.empty()) out += "k=" + m.key + "\r\n";
    if (m.mid) AppendAttribute(out, "mid", *m.mid);
    if (m.rtcp) {
      std::string v = std::to_string(m.rtcp->port);
      if (m.rtcp->connection) {
        const Connection& c = *m.rtcp->connection;
        v += " " + c.net_type + " " + c.addr_type + " " + c.address;
      }
      AppendAttribute(out, "rtcp", v);
    }
    if (m.rtcp_mux) AppendAttribute(out, "rtcp-mux", std::nullopt);
    // rtpmap followed by its fmtp lines (the usual layout), taking fmtp lines only from the
    // front of their list so that their order, like every list's, survives a parse of what
    // we wrote (found by sdp_fuzzer).
    auto write_fmtp = [&](const Fmtp& fp) {
      AppendAttribute(out, "fmtp", fp.parameters.empty() ? fp.format : fp.format + " " + fp.parameters);
    };
    size_t next_fmtp = 0;
    for (const RtpMap& r : m.rtpmaps) {
      std::string v = fmt::format("{} {}/{}", r.payload_type, r.encoding_name, r.clock_rate);
      if (r.channels) v += fmt::format("/{}", r.channels);
      AppendAttribute(out, "rtpmap", v);
      const std::string pt = std::to_string(r.payload_type);
      while (next_fmtp < m.fmtps.size() && m.fmtps[next_fmtp].format == pt)
        write_fmtp(m.fmtps[next_fmtp++]);
    }
    for (; next_fmtp < m.fmtps.size(); ++next_fmtp)
      write_fmtp(m.fmtps[next_fmtp]);
    for (const RtcpFeedback& fb : m.rtcp_feedback) {
      AppendAttribute(out, "rtcp-fb", fb.format + " " + fb.type + (fb.parameter.empty() ? "" : " " + fb.parameter));
    }
    if (m.ptime) AppendAttribute(out, "ptime", std::to_string(*m.ptime));
    if (m.maxptime) AppendAttribute(out, "maxptime", std::to_string(*m.maxptime));
    for (const Crypto& c : m.cryptos) {
      AppendAttribute(out, "crypto",
                      fmt::format("{} {} {}{}{}", c.tag, c.suite, c.key_params, c.session_params.empty() ? "" : " ",
                                  c.session_params));
    }
    for (const Attribute& a : m.attributes)
      AppendAttribute(out, a.name, a.value);
    if (m.direction) AppendAttribute(out, ToString(*m.direction), std::nullopt);
  }
  return out;
}

}  // namespace tessera::signaling::sdp

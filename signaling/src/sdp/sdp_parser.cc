// SDP parser (RFC 4566 §5). Line by line; each line is checked before it is used, every
// number is range checked, and the size of what is produced is bounded by the limits.
#include <fmt/format.h>

#include <charconv>

#include "tessera/signaling/sdp/session_description.h"

namespace tessera::signaling::sdp {
namespace {

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

template <typename T>
std::optional<T> Number(std::string_view s, T max) {
  if (!IsDigits(s)) return std::nullopt;
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v > static_cast<uint64_t>(max)) return std::nullopt;
  return static_cast<T>(v);
}

// Splits on single spaces; tolerates runs of spaces and a trailing space.
std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
      ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t')
      ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`{|}~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, const SdpLimits& limits) : text_(text), limits_(limits) {}

  Result<SessionDescription, SdpError> Run() {
    if (text_.size() > limits_.max_size) return Fail(0, fmt::format("larger than {} bytes", limits_.max_size));
    size_t pos = 0;
    bool first = true;
    while (pos < text_.size()) {
      size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos, end - pos);
      pos = end + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no_;
      if (static_cast<size_t>(line_no_) > limits_.max_lines)
        return Fail(0, fmt::format("more than {} lines", limits_.max_lines));
      if (line.empty()) continue;  // tolerated, notably at the end
      if (line.size() < 2 || line[1] != '=') return Fail(line_no_, "expected <type>=<value>");
      const char type = line[0];
      const std::string_view value = line.substr(2);
      for (char c : value) {
        if (c == '\0' || c == '\r') return Fail(line_no_, "NUL or CR inside a line");
      }
      if (first) {
        if (type != 'v') return Fail(line_no_, "the first line must be v=0");
        if (value != "0") return Fail(line_no_, "unsupported SDP version (expected v=0)");
        first = false;
        continue;
      }
      if (auto e = Line(type, value)) return MakeUnexpected(std::move(*e));
    }
    if (first) return Fail(0, "empty session description");
    if (!seen_origin_) return Fail(0, "missing o= line");
    if (sdp_.timings.empty()) sdp_.timings.push_back({});  // t= is required, but often missing
    return std::move(sdp_);
  }

 private:
  Unexpected<SdpError> Fail(int line, std::string message) {
    return MakeUnexpected(SdpError{line, std::move(message)});
  }
  std::optional<SdpError> Error(std::string message) { return SdpError{line_no_, std::move(message)}; }

  std::optional<SdpError> Line(char type, std::string_view value) {
    MediaDescription* m = sdp_.media.empty() ? nullptr : &sdp_.media.back();
    switch (type) {
      case 'o':
        return OriginLine(value);
      case 's':
        // RFC 4566 §5.3: never empty; "-" stands for "no name" (what we write for "").
        sdp_.session_name = value.empty() ? std::string("-") : std::string(value);
        return std::nullopt;
      case 'i':
        (m ? m->information : sdp_.information) = std::string(value);
        return std::nullopt;
      case 'u':
        sdp_.uri = std::string(value);
        return std::nullopt;
      case 'e':
        sdp_.emails.emplace_back(value);
        return std::nullopt;
      case 'p':
        sdp_.phones.emplace_back(value);
        return std::nullopt;
      case 'c': {
        auto c = ParseConnection(value);
        if (!c) return Error("c=: expected 'IN IP4|IP6 <address>[/ttl][/count]'");
        if (m) {
          if (m->connections.size() >= 16) return Error("c=: too many connection lines");
          m->connections.push_back(std::move(*c));
        } else {
          sdp_.connection = std::move(*c);
        }
        return std::nullopt;
      }
      case 'b': {
        const size_t colon = value.find(':');
        if (colon == std::string_view::npos || !IsToken(value.substr(0, colon))) {
          return Error("b=: expected '<type>:<bandwidth>'");
        }
        const auto bw = Number<uint64_t>(value.substr(colon + 1), 1'000'000'000'000ull);
        if (!bw) return Error("b=: invalid bandwidth value");
        auto& list = m ? m->bandwidths : sdp_.bandwidths;
        if (list.size() >= 16) return Error("b=: too many bandwidth lines");
        list.push_back(Bandwidth{std::string(value.substr(0, colon)), *bw});
        return std::nullopt;
      }
      case 't': {
        const auto f = Fields(value);
        if (f.size() != 2) return Error("t=: expected '<start> <stop>'");
        const auto start = Number<uint64_t>(f[0], UINT64_MAX);
        const auto stop = Number<uint64_t>(f[1], UINT64_MAX);
        if (!start || !stop) return Error("t=: invalid time");
        if (sdp_.timings.size() >= 16) return Error("t=: too many time lines");
        sdp_.timings.push_back(Timing{*start, *stop, {}});
        return std::nullopt;
      }
      case 'r':
        if (sdp_.timings.empty()) return Error("r= before t=");
        if (sdp_.timings.back().repeats.size() >= 16) return Error("r=: too many repeat lines");
        sdp_.timings.back().repeats.emplace_back(value);
        return std::nullopt;
      case 'z':
        sdp_.time_zones = std::string(value);
        return std::nullopt;
      case 'k':
        (m ? m->key : sdp_.key) = std::string(value);
        return std::nullopt;
      case 'a':
        return AttributeLine(value, m);
      case 'm':
        return MediaLine(value);
      default:
        // Unknown type letters are skipped rather than failing the whole call.
        return std::nullopt;
    }
  }

  std::optional<SdpError> OriginLine(std::string_view value) {
    const auto f = Fields(value);
    if (f.size() != 6) return Error("o=: expected 6 fields '<user> <id> <version> IN IP4|IP6 <address>'");
    if (!IsDigits(f[1]) || !IsDigits(f[2]) || f[1].size() > 40 || f[2].size() > 40) {
      return Error("o=: session id and version must be decimal numbers");
    }
    sdp_.origin = Origin{std::string(f[0]), std::string(f[1]), std::string(f[2]),
                         std::string(f[3]), std::string(f[4]), std::string(f[5])};
    seen_origin_ = true;
    return std::nullopt;
  }

  static std::optional<Connection> ParseConnection(std::string_view value) {
    const auto f = Fields(value);
    if (f.size() != 3 || !IsToken(f[0]) || !IsToken(f[1])) return std::nullopt;
    Connection c{std::string(f[0]), std::string(f[1]), {}, {}, {}};
    std::string_view addr = f[2];
    const size_t slash = addr.find('/');
    if (slash != std::string_view::npos) {
      std::string_view rest = addr.substr(slash + 1);
      addr = addr.substr(0, slash);
      const size_t slash2 = rest.find('/');
      const auto first = Number<uint32_t>(rest.substr(0, slash2), 65535);
      if (!first) return std::nullopt;
      if (c.addr_type == "IP4") {
        c.ttl = *first;
        if (slash2 != std::string_view::npos) {
          const auto count = Number<uint32_t>(rest.substr(slash2 + 1), 65535);
          if (!count) return std::nullopt;
          c.count = *count;
        }
      } else {
        if (slash2 != std::string_view::npos) return std::nullopt;
        c.count = *first;
      }
    }
    if (addr.empty()) return std::nullopt;
    c.address = std::string(addr);
    return c;
  }

  std::optional<SdpError> MediaLine(std::string_view value) {
    if (sdp_.media.size() >= limits_.max_media) return Error(fmt::format("more than {} m= lines", limits_.max_media));
    const auto f = Fields(value);
    if (f.size() < 3) return Error("m=: expected '<media> <port>[/<count>] <proto> <fmt> ...'");
    MediaDescription m;
    if (!IsToken(f[0])) return Error("m=: invalid media type");
    m.media = std::string(f[0]);
    std::string_view port = f[1];
    const size_t slash = port.find('/');
    if (slash != std::string_view::npos) {
      const auto count = Number<uint16_t>(port.substr(slash + 1), 65535);
      if (!count) return Error("m=: invalid port count");
      m.port_count = *count;
      port = port.substr(0, slash);
    }
    const auto p = Number<uint16_t>(port, 65535);
    if (!p) return Error("m=: invalid port");
    m.port = *p;
    for (char c : f[2]) {
      if (!IsTokenChar(c) && c != '/') return Error("m=: invalid transport protocol");
    }
    m.protocol = std::string(f[2]);
    for (size_t i = 3; i < f.size(); ++i) {
      if (m.formats.size() >= 128) return Error("m=: too many formats");
      m.formats.emplace_back(f[i]);
    }
    sdp_.media.push_back(std::move(m));
    return std::nullopt;
  }

  std::optional<SdpError> AttributeLine(std::string_view value, MediaDescription* m) {
    const size_t colon = value.find(':');
    const std::string_view name = value.substr(0, colon);
    if (!IsToken(name)) return Error("a=: invalid attribute name");
    const bool has_value = colon != std::string_view::npos;
    const std::string_view v = has_value ? value.substr(colon + 1) : std::string_view();
    if (++attribute_count_ > limits_.max_lines) return Error("too many attributes");

    // Direction and unknown attributes may appear at both levels.
    std::optional<Direction> dir;
    if (name == "sendrecv") dir = Direction::kSendRecv;
    if (name == "sendonly") dir = Direction::kSendOnly;
    if (name == "recvonly") dir = Direction::kRecvOnly;
    if (name == "inactive") dir = Direction::kInactive;
    if (dir && !has_value) {
      (m ? m->direction : sdp_.direction) = dir;
      return std::nullopt;
    }
    if (!m) {
      sdp_.attributes.push_back(Attribute{std::string(name), has_value ? std::optional(std::string(v)) : std::nullopt});
      return std::nullopt;
    }
    if (name == "rtpmap") return RtpMapAttr(v, *m);
    if (name == "fmtp") {
      const size_t sp = v.find(' ');
      const std::string_view format = v.substr(0, sp);
      if (format.empty() || !IsToken(format)) return Error("a=fmtp: expected '<format> <parameters>'");
      const std::string_view params = sp == std::string_view::npos ? std::string_view() : v.substr(sp + 1);
      m->fmtps.push_back(Fmtp{std::string(format), std::string(params)});
      return std::nullopt;
    }
    if (name == "rtcp-fb") {
      const auto f = Fields(v);
      if (f.size() < 2 || f.size() > 3) return Error("a=rtcp-fb: expected '<pt>|* <type> [<parameter>]'");
      if (f[0] != "*" && !IsDigits(f[0])) return Error("a=rtcp-fb: payload type must be a number or '*'");
      m->rtcp_feedback.push_back(
          RtcpFeedback{std::string(f[0]), std::string(f[1]), f.size() == 3 ? std::string(f[2]) : std::string()});
      return std::nullopt;
    }
    if (name == "crypto") {
      const auto f = Fields(v);
      if (f.size() < 3) return Error("a=crypto: expected '<tag> <suite> <key-params> [<session-params>]'");
      const auto tag = Number<uint32_t>(f[0], 999999999);
      if (!tag) return Error("a=crypto: invalid tag");
      Crypto c{*tag, std::string(f[1]), std::string(f[2]), {}};
      for (size_t i = 3; i < f.size(); ++i) {
        if (!c.session_params.empty()) c.session_params += ' ';
        c.session_params += f[i];
      }
      m->cryptos.push_back(std::move(c));
      return std::nullopt;
    }
    if (name == "rtcp") {
      const auto f = Fields(v);
      const auto port = f.empty() ? std::nullopt : Number<uint16_t>(f[0], 65535);
      if (!port || (f.size() != 1 && f.size() != 4)) return Error("a=rtcp: expected '<port> [IN IP4 <address>]'");
      RtcpAddress r{*port, {}};
      if (f.size() == 4) {
        r.connection = ParseConnection(v.substr(f[1].data() - v.data()));
        if (!r.connection) return Error("a=rtcp: invalid address");
      }
      m->rtcp = std::move(r);
      return std::nullopt;
    }
    if (name == "rtcp-mux" && !has_value) {
      m->rtcp_mux = true;
      return std::nullopt;
    }
    if (name == "ptime" || name == "maxptime") {
      // Some endpoints write fractional ptimes ("20.0"): keep the integer part.
      const auto ms = Number<uint32_t>(v.substr(0, v.find('.')), 100000);
      if (!ms) return Error(fmt::format("a={}: expected milliseconds", name));
      (name == "ptime" ? m->ptime : m->maxptime) = *ms;
      return std::nullopt;
    }
    if (name == "mid" && has_value) {
      m->mid = std::string(v);
      return std::nullopt;
    }
    m->attributes.push_back(Attribute{std::string(name), has_value ? std::optional(std::string(v)) : std::nullopt});
    return std::nullopt;
  }

  std::optional<SdpError> RtpMapAttr(std::string_view v, MediaDescription& m) {
    // <payload type> <encoding name>/<clock rate>[/<encoding parameters>]
    const size_t sp = v.find(' ');
    if (sp == std::string_view::npos) return Error("a=rtpmap: expected '<pt> <encoding>/<clock rate>'");
    const auto pt = Number<int>(v.substr(0, sp), 127);
    if (!pt) return Error("a=rtpmap: payload type must be 0-127");
    std::string_view rest = v.substr(sp + 1);
    while (!rest.empty() && rest.back() == ' ')
      rest.remove_suffix(1);
    const size_t s1 = rest.find('/');
    if (s1 == std::string_view::npos || s1 == 0) return Error("a=rtpmap: expected '<encoding>/<clock rate>'");
    RtpMap r{*pt, std::string(rest.substr(0, s1)), 0, 0};
    for (char c : r.encoding_name) {
      if (!IsTokenChar(c)) return Error("a=rtpmap: invalid encoding name");
    }
    std::string_view tail = rest.substr(s1 + 1);
    const size_t s2 = tail.find('/');
    const auto clock = Number<uint32_t>(tail.substr(0, s2), 10'000'000);
    if (!clock || *clock == 0) return Error("a=rtpmap: invalid clock rate");
    r.clock_rate = *clock;
    if (s2 != std::string_view::npos) {
      const auto channels = Number<uint32_t>(tail.substr(s2 + 1), 255);
      if (!channels || *channels == 0) return Error("a=rtpmap: invalid channel count");
      r.channels = *channels;
    }
    m.rtpmaps.push_back(std::move(r));
    return std::nullopt;
  }

  std::string_view text_;
  const SdpLimits& limits_;
  SessionDescription sdp_;
  int line_no_ = 0;
  size_t attribute_count_ = 0;
  bool seen_origin_ = false;
};

}  // namespace

Result<SessionDescription, SdpError> ParseSdp(std::string_view text, const SdpLimits& limits) {
  return Parser(text, limits).Run();
}

}  // namespace tessera::signaling::sdp

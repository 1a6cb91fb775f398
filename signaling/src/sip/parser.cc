// SIP message parser and stream framer (RFC 3261 §7, §18.3, §25; RFC 4475 for what must be
// accepted and what must be refused).
#include "tessera/signaling/sip/parser.h"

#include <fmt/format.h>

#include "sip/grammar.h"

namespace tessera::signaling::sip {
namespace {

constexpr size_t kMaxReason = 150;
constexpr size_t kMaxEnvelopeValue = 1024;

ParseError Error(int status, std::string_view reason) {
  ParseError e;
  e.status = status;
  e.reason.reserve(std::min(reason.size(), kMaxReason));
  for (char c : reason.substr(0, kMaxReason)) {
    const auto u = static_cast<unsigned char>(c);
    e.reason += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  return e;
}

ParseError HeaderError(std::string_view what, std::string_view header, std::string_view detail = {}) {
  return Error(400, detail.empty() ? fmt::format("{} {} header", what, header)
                                   : fmt::format("{} {} header: {}", what, header, detail));
}

// Locates the empty line that ends the header block. `header_end` is the offset of the line
// break ending the last header line; `body_start` the first byte after the empty line.
bool FindHeaderEnd(std::string_view data, size_t* header_end, size_t* body_start, size_t from = 0) {
  for (size_t i = data.find('\n', from); i != std::string_view::npos; i = data.find('\n', i + 1)) {
    if (i + 1 < data.size() && data[i + 1] == '\n') {
      *header_end = i;
      *body_start = i + 2;
      return true;
    }
    if (i + 2 < data.size() && data[i + 1] == '\r' && data[i + 2] == '\n') {
      *header_end = i;
      *body_start = i + 3;
      return true;
    }
  }
  return false;
}

// Logical lines of a header block: CRLF or LF line ends, continuation lines (starting with
// SP/HTAB) folded into the previous line with a single SP (RFC 3261 §7.3.1).
class LineReader {
 public:
  explicit LineReader(std::string_view block) : block_(block) {}
  bool Next(std::string& line) {
    if (pos_ >= block_.size()) return false;
    line.assign(Physical());
    while (pos_ < block_.size() && grammar::IsWs(block_[pos_])) {
      std::string_view cont = grammar::Trim(Physical());
      line += ' ';
      line.append(cont.data(), cont.size());
    }
    return true;
  }

 private:
  std::string_view Physical() {
    size_t end = block_.find('\n', pos_);
    if (end == std::string_view::npos) end = block_.size();
    std::string_view l = block_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return l;
  }
  std::string_view block_;
  size_t pos_ = 0;
};

std::string_view SkipLeadingCrlf(std::string_view data) {
  while (!data.empty() && (data.front() == '\r' || data.front() == '\n'))
    data.remove_prefix(1);
  return data;
}

bool HasControl(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return true;
  }
  return false;
}

// Best-effort raw values for a stateless error response; never fails.
void FillEnvelope(std::string_view data, ParseError& e) {
  data = SkipLeadingCrlf(data);
  size_t header_end = data.size();
  size_t body_start = 0;
  if (!FindHeaderEnd(data, &header_end, &body_start)) header_end = data.size();
  LineReader lines(data.substr(0, header_end));
  std::string line;
  if (!lines.Next(line)) return;
  const size_t sp = line.find(' ');
  const std::string_view first = std::string_view(line).substr(0, sp);
  e.is_request = sp != std::string::npos && grammar::IsToken(first) && !first.starts_with("SIP/");
  if (e.is_request) e.method = std::string(first);
  for (int n = 0; n < 256 && lines.Next(line); ++n) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string_view name = CanonicalHeaderName(grammar::Trim(std::string_view(line).substr(0, colon)));
    const std::string_view value = grammar::Trim(std::string_view(line).substr(colon + 1));
    if (value.empty() || value.size() > kMaxEnvelopeValue || HasControl(value)) continue;
    if (name == "Via") {
      if (e.raw_via.size() < 16) e.raw_via.emplace_back(value);
    } else if (name == "From" && e.raw_from.empty()) {
      e.raw_from = value;
    } else if (name == "To" && e.raw_to.empty()) {
      e.raw_to = value;
    } else if (name == "Call-ID" && e.raw_call_id.empty()) {
      e.raw_call_id = value;
    } else if (name == "CSeq" && e.raw_cseq.empty()) {
      e.raw_cseq = value;
    }
  }
}

Result<void, ParseError> ParseStartLine(std::string_view line, Message& msg) {
  if (line.size() >= 4 && grammar::EqualsIgnoreCase(line.substr(0, 4), "SIP/")) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    msg.is_request = false;
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos || !grammar::EqualsIgnoreCase(line.substr(0, sp), "SIP/2.0")) {
      return MakeUnexpected(Error(505, "Version Not Supported"));
    }
    const std::string_view rest = line.substr(sp + 1);
    if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' ')) {
      return MakeUnexpected(Error(400, "Malformed Status-Line: status code must be 3 digits"));
    }
    const auto code = grammar::ParseUint(rest.substr(0, 3), 999);
    if (!code || *code < 100 || *code > 699) {
      return MakeUnexpected(Error(400, "Malformed Status-Line: status code must be 100-699"));
    }
    msg.status = static_cast<int>(*code);
    msg.reason = rest.size() > 4 ? std::string(rest.substr(4)) : std::string();
    if (HasControl(msg.reason)) return MakeUnexpected(Error(400, "Malformed Status-Line: control character"));
    return {};
  }
  // Request-Line = Method SP Request-URI SP SIP-Version: exactly one SP between elements.
  msg.is_request = true;
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return MakeUnexpected(Error(400, "Malformed Request-Line: expected 'METHOD URI SIP/2.0'"));
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!grammar::IsToken(method)) return MakeUnexpected(Error(400, "Malformed Request-Line: invalid method"));
  if (uri.empty()) return MakeUnexpected(Error(400, "Malformed Request-Line: empty Request-URI"));
  if (!grammar::EqualsIgnoreCase(version, "SIP/2.0")) {
    if (version.size() > 4 && grammar::EqualsIgnoreCase(version.substr(0, 4), "SIP/")) {
      return MakeUnexpected(Error(505, fmt::format("Version Not Supported (only SIP/2.0)")));
    }
    return MakeUnexpected(Error(400, "Malformed Request-Line: expected SIP/2.0"));
  }
  msg.method_name = std::string(method);
  msg.method = ParseMethod(method);
  auto parsed = ParseUri(uri, /*allow_headers=*/false);
  if (!parsed) return MakeUnexpected(Error(400, "Malformed Request-URI: " + parsed.error()));
  msg.request_uri = std::move(*parsed);
  return {};
}

bool ValidCallId(std::string_view id) {
  // callid = word [ "@" word ]
  if (id.empty()) return false;
  const size_t at = id.find('@');
  auto word = [](std::string_view w) {
    if (w.empty()) return false;
    for (char c : w) {
      if (!grammar::IsWordChar(c)) return false;
    }
    return true;
  };
  if (at == std::string_view::npos) return word(id);
  return word(id.substr(0, at)) && word(id.substr(at + 1));
}

bool ValidMediaType(std::string_view v) {
  grammar::Scanner sc(v);
  if (sc.Token().empty() || !sc.Separator('/') || sc.Token().empty()) return false;
  ParamList params;
  if (grammar::ParseParams(sc, params)) return false;
  sc.SkipWs();
  return sc.done();
}

struct Seen {
  bool from = false, to = false, call_id = false, cseq = false, max_forwards = false, content_type = false;
  std::optional<uint64_t> content_length;
};

Result<void, ParseError> ParseHeader(std::string_view line, const ParseLimits& limits, Message& msg, Seen& seen) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return MakeUnexpected(Error(400, "Malformed header line: missing ':'"));
  const std::string_view raw_name = grammar::Trim(line.substr(0, colon));
  if (!grammar::IsToken(raw_name)) return MakeUnexpected(Error(400, "Malformed header name"));
  const std::string_view value = grammar::Trim(line.substr(colon + 1));
  const std::string_view name = CanonicalHeaderName(raw_name);

  auto once = [&](bool& flag) -> Result<void, ParseError> {
    if (flag) return MakeUnexpected(HeaderError("Multiple", name));
    flag = true;
    return {};
  };
  auto list_limit = [&](size_t n) -> Result<void, ParseError> {
    if (n > limits.max_list_values) return MakeUnexpected(HeaderError("Too many values in", name));
    return {};
  };

  if (name == "Via") {
    if (auto r = ParseViaList(value, msg.via); !r) return MakeUnexpected(HeaderError("Malformed", name, r.error()));
    return list_limit(msg.via.size());
  }
  if (name == "From" || name == "To") {
    if (auto r = once(name == "From" ? seen.from : seen.to); !r) return r;
    auto na = ParseNameAddr(value);
    if (!na) return MakeUnexpected(HeaderError("Malformed", name, na.error()));
    (name == "From" ? msg.from : msg.to) = std::move(*na);
    return {};
  }
  if (name == "Call-ID") {
    if (auto r = once(seen.call_id); !r) return r;
    if (!ValidCallId(value)) return MakeUnexpected(HeaderError("Malformed", name));
    msg.call_id = std::string(value);
    return {};
  }
  if (name == "CSeq") {
    if (auto r = once(seen.cseq); !r) return r;
    auto cseq = ParseCSeq(value);
    if (!cseq) return MakeUnexpected(HeaderError("Malformed", name, cseq.error()));
    msg.cseq = std::move(*cseq);
    return {};
  }
  if (name == "Max-Forwards") {
    if (auto r = once(seen.max_forwards); !r) return r;
    const auto v = grammar::ParseUint(value, 255);
    if (!v) return MakeUnexpected(HeaderError("Malformed", name, "expected 0-255"));
    msg.max_forwards = static_cast<uint32_t>(*v);
    return {};
  }
  if (name == "Contact") {
    const bool had_wildcard = !msg.contact.empty() && msg.contact.front().wildcard;
    if (auto r = ParseNameAddrList(value, msg.contact, /*allow_wildcard=*/true); !r) {
      return MakeUnexpected(HeaderError("Malformed", name, r.error()));
    }
    const bool wildcard_now = !msg.contact.empty() && msg.contact.back().wildcard;
    if ((had_wildcard || wildcard_now) && msg.contact.size() > 1) {
      return MakeUnexpected(HeaderError("Malformed", name, "'*' must be the only Contact"));
    }
    return list_limit(msg.contact.size());
  }
  if (name == "Route" || name == "Record-Route") {
    auto& list = name == "Route" ? msg.route : msg.record_route;
    if (auto r = ParseNameAddrList(value, list); !r) return MakeUnexpected(HeaderError("Malformed", name, r.error()));
    return list_limit(list.size());
  }
  if (name == "Content-Length") {
    if (seen.content_length) return MakeUnexpected(HeaderError("Multiple", name));
    const auto v = grammar::ParseUint(value, 0xffffffffu);
    if (!v) return MakeUnexpected(HeaderError("Malformed", name, "expected a non-negative integer"));
    seen.content_length = *v;
    return {};
  }
  if (name == "Content-Type") {
    if (auto r = once(seen.content_type); !r) return r;
    if (!ValidMediaType(value)) return MakeUnexpected(HeaderError("Malformed", name));
    msg.content_type = std::string(value);
    return {};
  }
  if (msg.headers.size() >= limits.max_headers) return MakeUnexpected(Error(400, "Too many headers"));
  msg.headers.push_back(Header{std::string(name), std::string(value)});
  return {};
}

Result<Message, ParseError> Parse(std::string_view data, const ParseLimits& limits, bool stream) {
  data = SkipLeadingCrlf(data);
  if (data.empty()) return MakeUnexpected(Error(400, "Empty message"));
  size_t header_end = 0;
  size_t body_start = 0;
  if (!FindHeaderEnd(data, &header_end, &body_start)) {
    // Tolerate a datagram whose header block ends at the end of the packet without the
    // empty line (seen from broken keep-alive senders): only if it ends with a line break.
    if (stream || data.back() != '\n') return MakeUnexpected(Error(400, "Missing empty line after the headers"));
    header_end = data.size() - 1;
    body_start = data.size();
  }
  LineReader lines(data.substr(0, header_end));
  std::string line;
  Message msg;
  lines.Next(line);
  if (auto r = ParseStartLine(line, msg); !r) return MakeUnexpected(std::move(r.error()));

  Seen seen;
  size_t count = 0;
  while (lines.Next(line)) {
    if (++count > limits.max_headers) return MakeUnexpected(Error(400, "Too many headers"));
    if (auto r = ParseHeader(line, limits, msg, seen); !r) return MakeUnexpected(std::move(r.error()));
  }

  const char* missing = msg.via.empty() ? "Via"
                        : !seen.from    ? "From"
                        : !seen.to      ? "To"
                        : !seen.call_id ? "Call-ID"
                        : !seen.cseq    ? "CSeq"
                                        : nullptr;
  if (missing) return MakeUnexpected(Error(400, fmt::format("Missing {} header", missing)));
  if (msg.is_request && msg.cseq.method != msg.method_name) {
    return MakeUnexpected(Error(400, "CSeq method does not match the request method"));
  }

  const std::string_view body = data.substr(body_start);
  if (seen.content_length) {
    if (*seen.content_length > body.size()) {
      return MakeUnexpected(Error(400, "Content-Length larger than the message body"));
    }
    // On a datagram, octets after Content-Length are ignored (RFC 3261 §18.3).
    msg.body = std::string(body.substr(0, *seen.content_length));
  } else {
    if (stream) return MakeUnexpected(Error(400, "Missing Content-Length header"));
    msg.body = std::string(body);
  }
  return msg;
}

// Finds Content-Length in a header block for framing.
enum class LengthStatus { kFound, kMissing, kBad };
LengthStatus FindContentLength(std::string_view block, uint64_t* length) {
  LineReader lines(block);
  std::string line;
  lines.Next(line);  // start line
  bool found = false;
  while (lines.Next(line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (CanonicalHeaderName(grammar::Trim(std::string_view(line).substr(0, colon))) != "Content-Length") continue;
    if (found) return LengthStatus::kBad;
    const auto v = grammar::ParseUint(grammar::Trim(std::string_view(line).substr(colon + 1)), 0xffffffffu);
    if (!v) return LengthStatus::kBad;
    *length = *v;
    found = true;
  }
  return found ? LengthStatus::kFound : LengthStatus::kMissing;
}

}  // namespace

Result<Message, ParseError> ParseMessage(std::string_view data, const ParseLimits& limits, bool stream) {
  if (data.size() > limits.max_message_size) {
    ParseError e = Error(513, fmt::format("Message Too Large (limit {} bytes)", limits.max_message_size));
    FillEnvelope(data.substr(0, limits.max_message_size), e);
    return MakeUnexpected(std::move(e));
  }
  auto r = Parse(data, limits, stream);
  if (!r) FillEnvelope(data, r.error());
  return r;
}

StreamFramer::Frame StreamFramer::Next() {
  // Drop what was returned before; compact only when it is worth the copy.
  if (consumed_ > 0 && (consumed_ >= buffer_.size() || consumed_ > 4096)) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  Frame frame;
  while (true) {
    std::string_view data = std::string_view(buffer_).substr(consumed_);
    if (!pending_total_ && scan_from_ == 0 && data.starts_with("\r\n")) {
      if (data.starts_with("\r\n\r\n")) {  // RFC 5626 keep-alive ping
        consumed_ += 4;
        frame.status = Status::kPing;
        return frame;
      }
      if (data.size() < 4) return frame;  // maybe the start of a ping
      consumed_ += 2;                     // a pong or a stray line break between messages
      continue;
    }
    if (data.empty()) return frame;
    if (!pending_total_) {
      // Resume the search where the last read stopped (minus a possible split "\r\n\r"):
      // a peer trickling bytes must not make every read rescan the whole header block.
      size_t header_end = 0;
      size_t body_start = 0;
      const std::string_view window = data.substr(0, std::min(data.size(), max_ + 4));
      const size_t from = scan_from_ > 3 ? scan_from_ - 3 : 0;
      scanned_ += window.size() - std::min(from, window.size());
      if (!FindHeaderEnd(window, &header_end, &body_start, from)) {
        scan_from_ = window.size();
        if (data.size() > max_) {
          frame.status = Status::kError;
          frame.error = Error(513, fmt::format("Message Too Large (headers exceed {} bytes)", max_));
          FillEnvelope(data.substr(0, max_), frame.error);
        }
        return frame;
      }
      uint64_t length = 0;
      const LengthStatus ls = FindContentLength(data.substr(0, header_end), &length);
      if (ls != LengthStatus::kFound) {
        frame.status = Status::kError;
        frame.error =
            Error(400, ls == LengthStatus::kMissing ? "Missing Content-Length header (required on stream transports)"
                                                    : "Malformed Content-Length header");
        FillEnvelope(data.substr(0, body_start), frame.error);
        return frame;
      }
      if (body_start + length > max_) {
        frame.status = Status::kError;
        frame.error = Error(513, fmt::format("Message Too Large (limit {} bytes)", max_));
        FillEnvelope(data.substr(0, body_start), frame.error);
        return frame;
      }
      pending_total_ = body_start + length;
    }
    if (data.size() < *pending_total_) return frame;
    frame.status = Status::kMessage;
    frame.message = data.substr(0, *pending_total_);
    consumed_ += frame.message.size();
    pending_total_.reset();
    scan_from_ = 0;
    return frame;
  }
}

}  // namespace tessera::signaling::sip

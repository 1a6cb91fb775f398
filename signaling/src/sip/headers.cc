// Typed header values: name-addr/addr-spec, Via, CSeq (RFC 3261 §20, §25.1).
#include "tessera/signaling/sip/headers.h"

#include <fmt/format.h>

#include <array>

#include "sip/grammar.h"

namespace tessera::signaling::sip {
namespace {

using grammar::Scanner;

constexpr std::array<std::pair<Method, std::string_view>, 14> kMethods = {{
    {Method::kInvite, "INVITE"},
    {Method::kAck, "ACK"},
    {Method::kBye, "BYE"},
    {Method::kCancel, "CANCEL"},
    {Method::kOptions, "OPTIONS"},
    {Method::kRegister, "REGISTER"},
    {Method::kInfo, "INFO"},
    {Method::kUpdate, "UPDATE"},
    {Method::kPrack, "PRACK"},
    {Method::kSubscribe, "SUBSCRIBE"},
    {Method::kNotify, "NOTIFY"},
    {Method::kRefer, "REFER"},
    {Method::kMessage, "MESSAGE"},
    {Method::kPublish, "PUBLISH"},
}};

bool IsHostChar(char c) {
  return grammar::IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '[' || c == ']' || c == ':';
}

bool ValidViaHost(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') return host.size() >= 4 && host.back() == ']';
  return host.find_first_of("[]:") == std::string_view::npos;
}

Result<Via, std::string> ParseVia(std::string_view text) {
  Scanner sc(text);
  sc.SkipWs();
  const std::string_view name = sc.Token();
  if (!sc.Separator('/')) return MakeUnexpected(std::string("expected SIP/2.0/<transport>"));
  const std::string_view version = sc.Token();
  if (!sc.Separator('/')) return MakeUnexpected(std::string("expected SIP/2.0/<transport>"));
  const std::string_view transport = sc.Token();
  if (!grammar::EqualsIgnoreCase(name, "SIP") || version != "2.0") {
    return MakeUnexpected(std::string("unsupported protocol (expected SIP/2.0)"));
  }
  if (transport.empty()) return MakeUnexpected(std::string("missing transport"));
  Via via;
  via.transport = grammar::Lower(transport);
  for (char& c : via.transport)
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (!grammar::IsWs(sc.peek())) return MakeUnexpected(std::string("expected whitespace before sent-by"));
  sc.SkipWs();
  std::string_view host;
  if (sc.peek() == '[') {
    host = sc.While([](char c) { return c != ']'; });
    if (!sc.Consume(']')) return MakeUnexpected(std::string("unterminated IPv6 reference in sent-by"));
    host = std::string_view(host.data(), host.size() + 1);
  } else {
    host = sc.While([](char c) { return IsHostChar(c) && c != ':'; });
  }
  if (!ValidViaHost(host)) return MakeUnexpected(std::string("missing or invalid sent-by host"));
  via.host = std::string(host);
  if (sc.Separator(':')) {
    const auto port = grammar::ParseUint(sc.While(grammar::IsDigit), 65535);
    if (!port) return MakeUnexpected(std::string("invalid sent-by port"));
    via.port = static_cast<uint16_t>(*port);
  }
  if (auto e = grammar::ParseParams(sc, via.params)) return MakeUnexpected(std::move(*e));
  sc.SkipWs();
  if (!sc.done()) return MakeUnexpected(fmt::format("unexpected '{}' after sent-by", sc.peek()));
  if (const auto rport = via.params.Get("rport"); rport && !rport->empty()) {
    if (!grammar::ParseUint(*rport, 65535)) return MakeUnexpected(std::string("invalid rport"));
  }
  if (const auto branch = via.params.Get("branch"); branch && (branch->empty() || !grammar::IsToken(*branch))) {
    return MakeUnexpected(std::string("invalid branch"));
  }
  return via;
}

bool IsDisplayNameChar(char c) {
  return grammar::IsTokenChar(c) || grammar::IsWs(c);
}

}  // namespace

Method ParseMethod(std::string_view name) {
  for (const auto& [m, n] : kMethods) {
    if (n == name) return m;
  }
  return Method::kUnknown;
}

std::string_view MethodName(Method method) {
  for (const auto& [m, n] : kMethods) {
    if (m == method) return n;
  }
  return {};
}

std::string QuoteString(std::string_view plain) {
  std::string out;
  out.reserve(plain.size());
  for (char c : plain) {
    if (c == '"' || c == '\\') out += '\\';
    // CR and LF cannot be quoted (RFC 3261 quoted-pair excludes them): drop them.
    if (c == '\r' || c == '\n') continue;
    out += c;
  }
  return out;
}

void NameAddr::SetDisplayName(std::string_view plain) {
  display_name = QuoteString(plain);
  display_quoted = true;
}

std::string NameAddr::PlainDisplayName() const {
  if (!display_quoted) return display_name;
  std::string out;
  for (size_t i = 0; i < display_name.size(); ++i) {
    if (display_name[i] == '\\' && i + 1 < display_name.size()) ++i;
    out += display_name[i];
  }
  return out;
}

std::string NameAddr::ToString() const {
  if (wildcard) return "*";
  std::string out;
  if (!display_name.empty()) {
    if (display_quoted) {
      out += '"';
      out += display_name;
      out += "\" ";
    } else {
      out += display_name;
      out += ' ';
    }
  }
  out += '<';
  out += uri.ToString();
  out += '>';
  params.AppendTo(out);
  return out;
}

bool Via::HasRfc3261Branch() const {
  return Branch().starts_with(kBranchMagicCookie);
}

std::string Via::SentBy() const {
  const uint16_t p = port.value_or(transport == "TLS" ? 5061 : 5060);
  return fmt::format("{}:{}", grammar::Lower(host), p);
}

std::string Via::ToString() const {
  std::string out = "SIP/2.0/" + transport + " " + host;
  if (port) fmt::format_to(std::back_inserter(out), ":{}", *port);
  params.AppendTo(out);
  return out;
}

std::string CSeq::ToString() const {
  return fmt::format("{} {}", number, method);
}

bool SplitHeaderList(std::string_view value, std::vector<std::string_view>& out) {
  return grammar::SplitList(value, out);
}

Result<NameAddr, std::string> ParseNameAddr(std::string_view value) {
  Scanner sc(grammar::Trim(value));
  NameAddr na;
  std::string_view uri_text;
  bool bracketed = false;
  if (sc.peek() == '"') {
    const auto quoted = sc.QuotedString();
    if (!quoted) return MakeUnexpected(std::string("unterminated quoted display name"));
    na.display_name = std::string(*quoted);
    na.display_quoted = true;
    sc.SkipWs();
    if (sc.peek() != '<') return MakeUnexpected(std::string("expected '<' after the display name"));
  } else {
    const size_t lt = sc.rest().find('<');
    if (lt != std::string_view::npos) {
      const std::string_view display = grammar::Trim(sc.rest().substr(0, lt));
      for (char c : display) {
        if (!IsDisplayNameChar(c)) {
          return MakeUnexpected(std::string("display name with special characters must be quoted"));
        }
      }
      na.display_name = std::string(display);
      sc.Advance(lt);
    }
  }
  if (sc.Consume('<')) {
    bracketed = true;
    const size_t gt = sc.rest().find('>');
    if (gt == std::string_view::npos) return MakeUnexpected(std::string("missing '>'"));
    uri_text = sc.rest().substr(0, gt);
    sc.Advance(gt + 1);
  } else {
    // addr-spec: the URI ends at whitespace or ';' (parameters there belong to the header).
    uri_text = sc.While([](char c) { return c != ';' && !grammar::IsWs(c); });
  }
  if (uri_text.empty()) return MakeUnexpected(std::string("missing URI"));
  auto uri = ParseUri(uri_text, /*allow_headers=*/true);
  if (!uri) return MakeUnexpected(std::move(uri.error()));
  if (!bracketed && !uri->headers.empty()) {
    return MakeUnexpected(std::string("a URI with headers must be enclosed in <>"));
  }
  na.uri = std::move(*uri);
  if (auto e = grammar::ParseParams(sc, na.params)) return MakeUnexpected(std::move(*e));
  sc.SkipWs();
  if (!sc.done()) return MakeUnexpected(fmt::format("unexpected '{}' after the address", sc.peek()));
  if (const auto tag = na.params.Get("tag"); tag && !grammar::IsToken(*tag)) {
    return MakeUnexpected(std::string("invalid tag"));
  }
  return na;
}

Result<void, std::string> ParseNameAddrList(std::string_view value, std::vector<NameAddr>& out, bool allow_wildcard) {
  if (allow_wildcard && grammar::Trim(value) == "*") {
    NameAddr star;
    star.wildcard = true;
    out.push_back(std::move(star));
    return {};
  }
  std::vector<std::string_view> parts;
  if (!SplitHeaderList(value, parts)) return MakeUnexpected(std::string("unbalanced quotes or <>"));
  for (std::string_view part : parts) {
    if (part.empty()) return MakeUnexpected(std::string("empty list element"));
    if (allow_wildcard && part == "*") return MakeUnexpected(std::string("'*' must be the only Contact"));
    auto na = ParseNameAddr(part);
    if (!na) return MakeUnexpected(std::move(na.error()));
    out.push_back(std::move(*na));
  }
  return {};
}

Result<void, std::string> ParseViaList(std::string_view value, std::vector<Via>& out) {
  std::vector<std::string_view> parts;
  if (!SplitHeaderList(value, parts)) return MakeUnexpected(std::string("unbalanced quotes"));
  for (std::string_view part : parts) {
    if (part.empty()) return MakeUnexpected(std::string("empty list element"));
    auto via = ParseVia(part);
    if (!via) return MakeUnexpected(std::move(via.error()));
    out.push_back(std::move(*via));
  }
  return {};
}

Result<CSeq, std::string> ParseCSeq(std::string_view value) {
  Scanner sc(grammar::Trim(value));
  const std::string_view digits = sc.While(grammar::IsDigit);
  const auto number = grammar::ParseUint(digits, 0xffffffffu);
  if (!number) {
    return MakeUnexpected(digits.empty() ? std::string("missing sequence number")
                                         : std::string("sequence number out of range (must be below 2^32)"));
  }
  if (!grammar::IsWs(sc.peek())) return MakeUnexpected(std::string("expected whitespace after the number"));
  sc.SkipWs();
  const std::string_view method = sc.Token();
  sc.SkipWs();
  if (method.empty() || !sc.done()) return MakeUnexpected(std::string("malformed method"));
  return CSeq{static_cast<uint32_t>(*number), std::string(method)};
}

}  // namespace tessera::signaling::sip

// SIP URI parsing and printing (RFC 3261 §19.1, grammar in §25.1).
#include "tessera/signaling/sip/uri.h"

#include <fmt/format.h>

#include "sip/grammar.h"

namespace tessera::signaling::sip {
namespace {

using grammar::IsAlnum;
using grammar::IsAlpha;
using grammar::IsDigit;
using grammar::IsHex;
using grammar::IsUnreserved;

// Checks "%HH" escapes and that every other character satisfies `allowed`.
bool ValidEscaped(std::string_view s, bool (*allowed)(char)) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      if (!IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
      i += 2;
    } else if (!allowed(s[i])) {
      return false;
    }
  }
  return true;
}

bool UserChar(char c) {  // unreserved / user-unreserved
  return IsUnreserved(c) || c == '&' || c == '=' || c == '+' || c == '$' || c == ',' || c == ';' || c == '?' ||
         c == '/';
}
bool PasswordChar(char c) {
  return IsUnreserved(c) || c == '&' || c == '=' || c == '+' || c == '$' || c == ',';
}
bool ParamChar(char c) {  // param-unreserved / unreserved
  return IsUnreserved(c) || c == '[' || c == ']' || c == '/' || c == ':' || c == '&' || c == '+' || c == '$';
}
bool HeaderChar(char c) {  // hnv-unreserved / unreserved
  return IsUnreserved(c) || c == '[' || c == ']' || c == '/' || c == '?' || c == ':' || c == '+' || c == '$';
}
bool HostnameChar(char c) {
  // RFC 1123 labels; '_' is not in the grammar but appears in real deployments.
  return IsAlnum(c) || c == '-' || c == '.' || c == '_';
}

bool ValidHost(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.size() < 4 || host.back() != ']') return false;
    for (char c : host.substr(1, host.size() - 2)) {
      if (!IsHex(c) && c != ':' && c != '.') return false;
    }
    return host.find(':') != std::string_view::npos;
  }
  if (host.front() == '.' || host.front() == '-') return false;
  for (char c : host) {
    if (!HostnameChar(c)) return false;
  }
  return true;
}

bool ValidScheme(std::string_view s) {
  if (s.empty() || !IsAlpha(s.front())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

Result<Uri, std::string> ParseSipUri(std::string_view rest, Uri uri, bool allow_headers) {
  // userinfo ends at the first '@': no other part of a SIP URI may contain a bare '@'.
  const size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const size_t colon = userinfo.find(':');
    const std::string_view user = userinfo.substr(0, colon);
    if (user.empty()) return MakeUnexpected(std::string("empty user part before '@'"));
    if (!ValidEscaped(user, UserChar)) return MakeUnexpected(fmt::format("invalid character in user part"));
    uri.user = std::string(user);
    if (colon != std::string_view::npos) {
      const std::string_view password = userinfo.substr(colon + 1);
      if (!ValidEscaped(password, PasswordChar)) return MakeUnexpected(std::string("invalid character in password"));
      uri.password = std::string(password);
      uri.has_password = true;
    }
    rest.remove_prefix(at + 1);
  }

  // host [":" port]
  size_t host_end = 0;
  if (!rest.empty() && rest.front() == '[') {
    host_end = rest.find(']');
    if (host_end == std::string_view::npos) return MakeUnexpected(std::string("unterminated IPv6 reference"));
    ++host_end;
  } else {
    while (host_end < rest.size() && rest[host_end] != ':' && rest[host_end] != ';' && rest[host_end] != '?')
      ++host_end;
  }
  const std::string_view host = rest.substr(0, host_end);
  if (!ValidHost(host)) {
    return MakeUnexpected(host.empty() ? std::string("missing host")
                                       : fmt::format("invalid host '{}'", host.substr(0, 64)));
  }
  uri.host = std::string(host);
  rest.remove_prefix(host_end);
  if (!rest.empty() && rest.front() == ':') {
    rest.remove_prefix(1);
    size_t n = 0;
    while (n < rest.size() && IsDigit(rest[n]))
      ++n;
    const auto port = grammar::ParseUint(rest.substr(0, n), 65535);
    if (!port) return MakeUnexpected(std::string("invalid port"));
    uri.port = static_cast<uint16_t>(*port);
    rest.remove_prefix(n);
  }

  // *( ";" pname ["=" pvalue] )
  while (!rest.empty() && rest.front() == ';') {
    rest.remove_prefix(1);
    size_t n = 0;
    while (n < rest.size() && rest[n] != ';' && rest[n] != '?')
      ++n;
    const std::string_view param = rest.substr(0, n);
    rest.remove_prefix(n);
    const size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    if (name.empty()) return MakeUnexpected(std::string("empty URI parameter"));
    if (!ValidEscaped(name, ParamChar)) return MakeUnexpected(std::string("invalid URI parameter name"));
    Param p{std::string(name), std::nullopt};
    if (eq != std::string_view::npos) {
      const std::string_view value = param.substr(eq + 1);
      if (value.empty() || !ValidEscaped(value, ParamChar)) {
        return MakeUnexpected(fmt::format("invalid value of URI parameter '{}'", name.substr(0, 64)));
      }
      p.value = std::string(value);
    }
    uri.params.Add(std::move(p));
  }

  if (!rest.empty() && rest.front() == '?') {
    if (!allow_headers) return MakeUnexpected(std::string("URI headers ('?') are not allowed here"));
    rest.remove_prefix(1);
    while (true) {
      const size_t amp = rest.find('&');
      const std::string_view h = rest.substr(0, amp);
      const size_t eq = h.find('=');
      if (eq == std::string_view::npos || eq == 0) return MakeUnexpected(std::string("malformed URI header"));
      const std::string_view name = h.substr(0, eq);
      const std::string_view value = h.substr(eq + 1);
      if (!ValidEscaped(name, HeaderChar) || !ValidEscaped(value, HeaderChar)) {
        return MakeUnexpected(std::string("invalid character in URI header"));
      }
      uri.headers.emplace_back(std::string(name), std::string(value));
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    rest = {};
  }
  if (!rest.empty()) return MakeUnexpected(fmt::format("unexpected character '{}' in URI", rest.front()));
  return uri;
}

}  // namespace

const Param* ParamList::Find(std::string_view name) const {
  for (const Param& p : params_) {
    if (grammar::EqualsIgnoreCase(p.name, name)) return &p;
  }
  return nullptr;
}

std::optional<std::string_view> ParamList::Get(std::string_view name) const {
  const Param* p = Find(name);
  if (!p) return std::nullopt;
  return p->value ? std::string_view(*p->value) : std::string_view();
}

void ParamList::Set(std::string_view name, std::optional<std::string> value) {
  for (Param& p : params_) {
    if (grammar::EqualsIgnoreCase(p.name, name)) {
      p.value = std::move(value);
      return;
    }
  }
  params_.push_back(Param{std::string(name), std::move(value)});
}

void ParamList::Remove(std::string_view name) {
  std::erase_if(params_, [&](const Param& p) { return grammar::EqualsIgnoreCase(p.name, name); });
}

void ParamList::AppendTo(std::string& out) const {
  for (const Param& p : params_) {
    out += ';';
    out += p.name;
    if (p.value) {
      out += '=';
      out += *p.value;
    }
  }
}

std::string Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && IsHex(text[i + 1]) && IsHex(text[i + 2])) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string Uri::UnescapedUser() const {
  return Unescape(user);
}

std::string Uri::HostWithoutBrackets() const {
  std::string_view h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return grammar::Lower(h);
}

std::string Uri::TransportParam() const {
  const auto t = params.Get("transport");
  return t ? grammar::Lower(*t) : std::string();
}

std::string Uri::ToString() const {
  std::string out = scheme_text;
  out += ':';
  if (!is_sip()) {
    out += opaque;
    return out;
  }
  if (!user.empty()) {
    out += user;
    if (has_password) {
      out += ':';
      out += password;
    }
    out += '@';
  }
  out += host;
  if (port) fmt::format_to(std::back_inserter(out), ":{}", *port);
  params.AppendTo(out);
  for (size_t i = 0; i < headers.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += headers[i].first;
    out += '=';
    out += headers[i].second;
  }
  return out;
}

Result<Uri, std::string> ParseUri(std::string_view text, bool allow_headers) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"') {
      return MakeUnexpected(u <= 0x20 ? std::string("whitespace or control character in URI")
                                      : fmt::format("invalid character in URI"));
    }
  }
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return MakeUnexpected(std::string("missing scheme"));
  const std::string_view scheme = text.substr(0, colon);
  if (!ValidScheme(scheme)) return MakeUnexpected(std::string("invalid URI scheme"));
  Uri uri;
  const std::string lower = grammar::Lower(scheme);
  std::string_view rest = text.substr(colon + 1);
  if (lower == "sip" || lower == "sips") {
    uri.scheme = lower == "sip" ? UriScheme::kSip : UriScheme::kSips;
    uri.scheme_text = lower;
    return ParseSipUri(rest, std::move(uri), allow_headers);
  }
  uri.scheme = lower == "tel" ? UriScheme::kTel : UriScheme::kOther;
  uri.scheme_text = lower == "tel" ? lower : std::string(scheme);
  if (rest.empty()) return MakeUnexpected(std::string("empty URI after scheme"));
  uri.opaque = std::string(rest);
  uri.host.clear();
  return uri;
}

bool UriEquivalent(const Uri& a, const Uri& b) {
  if (a.scheme != b.scheme) return false;
  if (!a.is_sip()) return grammar::EqualsIgnoreCase(a.scheme_text, b.scheme_text) && a.opaque == b.opaque;
  if (Unescape(a.user) != Unescape(b.user) || a.has_password != b.has_password ||
      Unescape(a.password) != Unescape(b.password)) {
    return false;
  }
  if (a.HostWithoutBrackets() != b.HostWithoutBrackets() || a.port != b.port) return false;
  // Parameters that must match when present in either URI.
  for (const char* name : {"transport", "user", "ttl", "method", "maddr"}) {
    const auto va = a.params.Get(name);
    const auto vb = b.params.Get(name);
    if (va.has_value() != vb.has_value()) return false;
    if (va && !grammar::EqualsIgnoreCase(Unescape(*va), Unescape(*vb))) return false;
  }
  // Any other parameter present in both must match.
  for (const Param& p : a.params) {
    const auto vb = b.params.Get(p.name);
    if (!vb) continue;
    if (!grammar::EqualsIgnoreCase(Unescape(p.value.value_or("")), Unescape(*vb))) return false;
  }
  if (a.headers.size() != b.headers.size()) return false;
  for (const auto& [name, value] : a.headers) {
    bool found = false;
    for (const auto& [n2, v2] : b.headers) {
      if (grammar::EqualsIgnoreCase(Unescape(name), Unescape(n2)) && Unescape(value) == Unescape(v2)) found = true;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace tessera::signaling::sip

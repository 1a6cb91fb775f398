#pragma once
// SIP URIs (RFC 3261 §19.1, §25.1) and the generic ";name=value" parameter lists that URIs and
// header field values share.
//
// Components are stored as they appeared on the wire (escapes kept), so a parsed URI
// serializes back byte for byte; compare and look up through the helpers, which unescape.
// Non-SIP URIs (tel:, http:, unknown schemes) are kept as an opaque string after the scheme.
//
// Thread safety: plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/base/result.h"

namespace tessera::signaling::sip {

// One ";name[=value]" parameter. Names compare case-insensitively; values are raw text
// (a quoted-string value keeps its quotes).
struct Param {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const Param&) const = default;
};

class ParamList {
 public:
  bool empty() const { return params_.empty(); }
  size_t size() const { return params_.size(); }
  const std::vector<Param>& items() const { return params_; }
  auto begin() const { return params_.begin(); }
  auto end() const { return params_.end(); }

  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  const Param* Find(std::string_view name) const;
  // The value of `name`; "" if the parameter has no value; nullopt if absent.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Replaces the first parameter with that name, or appends.
  void Set(std::string_view name, std::optional<std::string> value = std::nullopt);
  void Remove(std::string_view name);
  void Add(Param p) { params_.push_back(std::move(p)); }

  // ";a=b;c" — what follows a URI or a header value.
  void AppendTo(std::string& out) const;

  bool operator==(const ParamList&) const = default;

 private:
  std::vector<Param> params_;
};

enum class UriScheme : uint8_t { kSip, kSips, kTel, kOther };

struct Uri {
  UriScheme scheme = UriScheme::kSip;
  std::string scheme_text = "sip";  // as written, lower-cased for sip/sips/tel
  // SIP/SIPS only:
  std::string user;      // escaped, as on the wire; may be empty
  std::string password;  // escaped; rarely used
  bool has_password = false;
  std::string host;  // hostname, IPv4, or "[IPv6]" with brackets
  std::optional<uint16_t> port;
  ParamList params;
  std::vector<std::pair<std::string, std::string>> headers;  // "?h=v&h2=v2", raw
  // Other schemes: everything after "scheme:".
  std::string opaque;

  bool is_sip() const { return scheme == UriScheme::kSip || scheme == UriScheme::kSips; }
  // User part with %HH escapes decoded (RFC 3261 §19.1.4). May contain any byte, even NUL.
  std::string UnescapedUser() const;
  // Host without IPv6 brackets, lower-cased.
  std::string HostWithoutBrackets() const;
  // The "transport" parameter lower-cased ("udp", "tcp", "tls"...), empty if absent.
  std::string TransportParam() const;
  bool LooseRouting() const { return params.Has("lr"); }

  std::string ToString() const;
  bool operator==(const Uri&) const = default;
};

// Parses an absolute URI. For sip/sips the full RFC 3261 syntax is checked (user, password,
// host, port, parameters, headers); `allow_headers` = false rejects "?headers" (e.g. in a
// Request-URI, RFC 4475 §3.1.2.11). The error says what is wrong.
Result<Uri, std::string> ParseUri(std::string_view text, bool allow_headers = true);

// RFC 3261 §19.1.4 comparison of SIP URIs (scheme, user, password, host, port, the
// parameters that must match). Other schemes compare as case-sensitive strings.
bool UriEquivalent(const Uri& a, const Uri& b);

// "%41" -> "A"; invalid escapes are left as they are.
std::string Unescape(std::string_view text);

}  // namespace tessera::signaling::sip

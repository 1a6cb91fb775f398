#pragma once
// Typed SIP header field values (RFC 3261 §20) and their parsers: name-addr/addr-spec
// (From, To, Contact, Route, Record-Route), Via (with received/rport, RFC 3581), CSeq, and
// methods. Values keep their wire spelling where it matters, so printing a parsed value
// gives back an equivalent field.
//
// Thread safety: plain values and pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/signaling/sip/uri.h"

namespace tessera::signaling::sip {

enum class Method : uint8_t {
  kUnknown,
  kInvite,
  kAck,
  kBye,
  kCancel,
  kOptions,
  kRegister,
  kInfo,
  kUpdate,
  kPrack,
  kSubscribe,
  kNotify,
  kRefer,
  kMessage,
  kPublish,
};
// Methods are case-sensitive (RFC 3261 §7.1): "invite" is an unknown method.
Method ParseMethod(std::string_view name);
std::string_view MethodName(Method method);  // "" for kUnknown

// name-addr or addr-spec with header parameters; also "Contact: *".
struct NameAddr {
  std::string display_name;     // as written; inside the quotes when display_quoted
  bool display_quoted = false;  // display_name is a quoted-string body (quoted-pairs kept)
  Uri uri;
  ParamList params;       // header parameters: tag, expires, q, ...
  bool wildcard = false;  // "Contact: *"

  std::string_view Tag() const { return params.Get("tag").value_or(std::string_view()); }
  // Sets a display name from plain text, quoting and escaping it.
  void SetDisplayName(std::string_view plain);
  // The display name as plain text (quotes removed, quoted-pairs resolved).
  std::string PlainDisplayName() const;
  // Always written in name-addr form (<...>), which is never ambiguous.
  std::string ToString() const;
  bool operator==(const NameAddr&) const = default;
};

struct Via {
  std::string transport = "UDP";  // upper-cased: UDP, TCP, TLS, SCTP, WS, ...
  std::string host;               // as written ("[::1]" for IPv6)
  std::optional<uint16_t> port;
  ParamList params;  // branch, received, rport, maddr, ttl, ...

  std::string_view Branch() const { return params.Get("branch").value_or(std::string_view()); }
  // RFC 3261 branches start with the magic cookie (§8.1.1.7).
  bool HasRfc3261Branch() const;
  // "host:port" as used for transaction matching (host lower-cased, default port applied).
  std::string SentBy() const;
  std::string ToString() const;
  bool operator==(const Via&) const = default;
};

inline constexpr std::string_view kBranchMagicCookie = "z9hG4bK";

struct CSeq {
  uint32_t number = 0;
  std::string method;  // as written (may be an unknown method)
  std::string ToString() const;
  bool operator==(const CSeq&) const = default;
};

// Each parser takes one header field value (folding already undone) and returns the value
// or a short message saying what is wrong.
Result<NameAddr, std::string> ParseNameAddr(std::string_view value);
// Comma-separated list of name-addr/addr-spec (Contact, Route, Record-Route); appends.
Result<void, std::string> ParseNameAddrList(std::string_view value, std::vector<NameAddr>& out,
                                            bool allow_wildcard = false);
Result<void, std::string> ParseViaList(std::string_view value, std::vector<Via>& out);
Result<CSeq, std::string> ParseCSeq(std::string_view value);

// Splits a comma-separated header value (outside quotes and <>), trimming each element.
// Elements may be empty (",," yields an empty one). False if quotes or <> are unbalanced.
bool SplitHeaderList(std::string_view value, std::vector<std::string_view>& out);

// Quotes `plain` as a quoted-string body (escapes '"' and '\').
std::string QuoteString(std::string_view plain);

}  // namespace tessera::signaling::sip

#pragma once
// A SIP request or response (RFC 3261 §7). The headers every layer needs are parsed into
// typed members; every other header is kept, in order, with its canonical name and its
// unfolded value. Content-Length is not stored: it is always computed from the body when
// the message is serialized.
//
// Thread safety: a plain value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/signaling/sip/headers.h"
#include "tessera/signaling/sip/uri.h"

namespace tessera::signaling::sip {

struct Header {
  std::string name;  // canonical spelling for known headers, as written otherwise
  std::string value;
  bool operator==(const Header&) const = default;
};

struct Message {
  // Start line.
  bool is_request = true;
  Method method = Method::kUnknown;
  std::string method_name;  // as written (kept for unknown methods)
  Uri request_uri;
  int status = 0;
  std::string reason;

  // Parsed headers.
  std::vector<Via> via;
  NameAddr from;
  NameAddr to;
  std::string call_id;
  CSeq cseq;
  std::optional<uint32_t> max_forwards;
  std::vector<NameAddr> contact;  // a single wildcard entry for "Contact: *"
  std::vector<NameAddr> route;
  std::vector<NameAddr> record_route;
  std::string content_type;  // raw value, "" if absent

  // Every other header, in order.
  std::vector<Header> headers;
  std::string body;

  static Message Request(Method m, Uri uri);
  static Message Response(int status, std::string reason);

  bool is_response() const { return !is_request; }
  // Method of the transaction this message belongs to: the request method, or CSeq's for a
  // response.
  Method TransactionMethod() const { return is_request ? method : ParseMethod(cseq.method); }

  // First value of a header (case-insensitive name, compact forms accepted); nullptr if absent.
  const std::string* GetHeader(std::string_view name) const;
  // Every comma-separated element of every occurrence of a list header (Supported, Allow...).
  std::vector<std::string_view> GetHeaderList(std::string_view name) const;
  // True if a list header (Supported, Require...) contains `tag` (case-insensitive).
  bool HasOptionTag(std::string_view header, std::string_view tag) const;
  // The media type of Content-Type, lower-cased and without parameters ("application/sdp").
  std::string MediaType() const;
  void AddHeader(std::string name, std::string value);
  // Replaces every occurrence with one.
  void SetHeader(std::string_view name, std::string value);
  void RemoveHeader(std::string_view name);

  // RFC 3261 wire format; Content-Length from the body.
  std::string ToString() const;
};

// "Call-ID" for "i", "call-id", "CALL-ID"...; unknown names are returned as given.
std::string_view CanonicalHeaderName(std::string_view name);

// The reason phrase RFC 3261 §21 gives a status code ("" for unknown codes).
std::string_view DefaultReason(int status);

}  // namespace tessera::signaling::sip

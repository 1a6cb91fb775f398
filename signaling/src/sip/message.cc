// Message helpers and the serializer (RFC 3261 §7).
#include "tessera/signaling/sip/message.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "sip/grammar.h"

namespace tessera::signaling::sip {
namespace {

// Canonical spellings, with the compact form (RFC 3261 §7.3.3 and extensions) where one exists.
struct KnownHeader {
  std::string_view name;
  char compact;
};
constexpr std::array<KnownHeader, 60> kKnownHeaders = {{
    {"Accept", 0},
    {"Accept-Contact", 'a'},
    {"Accept-Encoding", 0},
    {"Accept-Language", 0},
    {"Alert-Info", 0},
    {"Allow", 0},
    {"Allow-Events", 'u'},
    {"Authentication-Info", 0},
    {"Authorization", 0},
    {"Call-ID", 'i'},
    {"Call-Info", 0},
    {"Contact", 'm'},
    {"Content-Disposition", 0},
    {"Content-Encoding", 'e'},
    {"Content-Language", 0},
    {"Content-Length", 'l'},
    {"Content-Transfer-Encoding", 0},
    {"Content-Type", 'c'},
    {"CSeq", 0},
    {"Date", 0},
    {"Error-Info", 0},
    {"Event", 'o'},
    {"Expires", 0},
    {"From", 'f'},
    {"Identity", 'y'},
    {"Identity-Info", 'n'},
    {"In-Reply-To", 0},
    {"Max-Forwards", 0},
    {"MIME-Version", 0},
    {"Min-Expires", 0},
    {"Min-SE", 0},
    {"Organization", 0},
    {"P-Asserted-Identity", 0},
    {"P-Preferred-Identity", 0},
    {"Path", 0},
    {"Priority", 0},
    {"Privacy", 0},
    {"Proxy-Authenticate", 0},
    {"Proxy-Authorization", 0},
    {"Proxy-Require", 0},
    {"RAck", 0},
    {"Reason", 0},
    {"Record-Route", 0},
    {"Refer-To", 'r'},
    {"Referred-By", 'b'},
    {"Reject-Contact", 'j'},
    {"Reply-To", 0},
    {"Request-Disposition", 'd'},
    {"Require", 0},
    {"Retry-After", 0},
    {"Route", 0},
    {"RSeq", 0},
    {"Server", 0},
    {"Session-Expires", 'x'},
    {"Subject", 's'},
    {"Supported", 'k'},
    {"Timestamp", 0},
    {"To", 't'},
    {"Unsupported", 0},
    {"User-Agent", 0},
}};
constexpr std::array<std::string_view, 4> kMoreHeaders = {"Via", "Warning", "WWW-Authenticate", "Server"};

bool SameHeader(std::string_view a, std::string_view b) {
  return grammar::EqualsIgnoreCase(CanonicalHeaderName(a), CanonicalHeaderName(b));
}

}  // namespace

std::string_view CanonicalHeaderName(std::string_view name) {
  if (name.size() == 1) {
    const char c = grammar::ToLower(name[0]);
    if (c == 'v') return "Via";
    for (const KnownHeader& h : kKnownHeaders) {
      if (h.compact == c) return h.name;
    }
    return name;
  }
  for (const KnownHeader& h : kKnownHeaders) {
    if (grammar::EqualsIgnoreCase(h.name, name)) return h.name;
  }
  for (std::string_view h : kMoreHeaders) {
    if (grammar::EqualsIgnoreCase(h, name)) return h;
  }
  return name;
}

std::string_view DefaultReason(int status) {
  switch (status) {
    case 100:
      return "Trying";
    case 180:
      return "Ringing";
    case 181:
      return "Call Is Being Forwarded";
    case 182:
      return "Queued";
    case 183:
      return "Session Progress";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Moved Temporarily";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Unsupported URI Scheme";
    case 420:
      return "Bad Extension";
    case 421:
      return "Extension Required";
    case 422:
      return "Session Interval Too Small";
    case 423:
      return "Interval Too Brief";
    case 480:
      return "Temporarily Unavailable";
    case 481:
      return "Call/Transaction Does Not Exist";
    case 482:
      return "Loop Detected";
    case 483:
      return "Too Many Hops";
    case 484:
      return "Address Incomplete";
    case 486:
      return "Busy Here";
    case 487:
      return "Request Terminated";
    case 488:
      return "Not Acceptable Here";
    case 491:
      return "Request Pending";
    case 500:
      return "Server Internal Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Server Time-out";
    case 505:
      return "Version Not Supported";
    case 513:
      return "Message Too Large";
    case 600:
      return "Busy Everywhere";
    case 603:
      return "Decline";
    case 604:
      return "Does Not Exist Anywhere";
    case 606:
      return "Not Acceptable";
    default:
      return "";
  }
}

Message Message::Request(Method m, Uri uri) {
  Message msg;
  msg.is_request = true;
  msg.method = m;
  msg.method_name = std::string(MethodName(m));
  msg.request_uri = std::move(uri);
  msg.cseq.method = msg.method_name;
  return msg;
}

Message Message::Response(int status, std::string reason) {
  Message msg;
  msg.is_request = false;
  msg.status = status;
  msg.reason = reason.empty() ? std::string(DefaultReason(status)) : std::move(reason);
  return msg;
}

const std::string* Message::GetHeader(std::string_view name) const {
  for (const Header& h : headers) {
    if (SameHeader(h.name, name)) return &h.value;
  }
  return nullptr;
}

std::vector<std::string_view> Message::GetHeaderList(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const Header& h : headers) {
    if (!SameHeader(h.name, name)) continue;
    std::vector<std::string_view> parts;
    if (!SplitHeaderList(h.value, parts)) continue;
    for (std::string_view p : parts) {
      if (!p.empty()) out.push_back(p);
    }
  }
  return out;
}

bool Message::HasOptionTag(std::string_view header, std::string_view tag) const {
  for (std::string_view v : GetHeaderList(header)) {
    if (grammar::EqualsIgnoreCase(v, tag)) return true;
  }
  return false;
}

std::string Message::MediaType() const {
  std::string_view t = content_type;
  t = grammar::Trim(t.substr(0, t.find(';')));
  return grammar::Lower(t);
}

void Message::AddHeader(std::string name, std::string value) {
  headers.push_back(Header{std::move(name), std::move(value)});
}

void Message::SetHeader(std::string_view name, std::string value) {
  RemoveHeader(name);
  headers.push_back(Header{std::string(CanonicalHeaderName(name)), std::move(value)});
}

void Message::RemoveHeader(std::string_view name) {
  std::erase_if(headers, [&](const Header& h) { return SameHeader(h.name, name); });
}

std::string Message::ToString() const {
  std::string out;
  out.reserve(512 + body.size());
  if (is_request) {
    fmt::format_to(std::back_inserter(out), "{} {} SIP/2.0\r\n",
                   method_name.empty() ? MethodName(method) : std::string_view(method_name), request_uri.ToString());
  } else {
    fmt::format_to(std::back_inserter(out), "SIP/2.0 {:03d} {}\r\n", status, reason);
  }
  for (const Via& v : via) {
    out += "Via: ";
    out += v.ToString();
    out += "\r\n";
  }
  for (const NameAddr& r : route) {
    out += "Route: ";
    out += r.ToString();
    out += "\r\n";
  }
  for (const NameAddr& r : record_route) {
    out += "Record-Route: ";
    out += r.ToString();
    out += "\r\n";
  }
  if (max_forwards) fmt::format_to(std::back_inserter(out), "Max-Forwards: {}\r\n", *max_forwards);
  out += "From: " + from.ToString() + "\r\n";
  out += "To: " + to.ToString() + "\r\n";
  out += "Call-ID: " + call_id + "\r\n";
  out += "CSeq: " + cseq.ToString() + "\r\n";
  if (!contact.empty()) {
    out += "Contact: ";
    for (size_t i = 0; i < contact.size(); ++i) {
      if (i) out += ", ";
      out += contact[i].ToString();
    }
    out += "\r\n";
  }
  for (const Header& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  if (!content_type.empty()) out += "Content-Type: " + content_type + "\r\n";
  fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n\r\n", body.size());
  out += body;
  return out;
}

}  // namespace tessera::signaling::sip

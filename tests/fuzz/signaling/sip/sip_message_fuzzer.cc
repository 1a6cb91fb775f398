// Any datagram given to the SIP parser yields a message or an error with a printable
// reason; never a crash, an over-read or unbounded memory. A parsed message, serialized,
// must parse again to the same typed values (the serializer writes only what it can read).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tessera/signaling/sip/parser.h"

namespace sip = tessera::signaling::sip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto msg = sip::ParseMessage(bytes);
  if (!msg) {
    const sip::ParseError& e = msg.error();
    if (e.reason.empty() || e.reason.size() > 160) __builtin_trap();
    for (char c : e.reason) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) __builtin_trap();
    }
    if (e.status != 400 && e.status != 505 && e.status != 513) __builtin_trap();
    return 0;
  }
  // Exercise the accessors the upper layers use.
  (void)msg->GetHeaderList("Supported");
  (void)msg->HasOptionTag("Require", "100rel");
  (void)msg->MediaType();
  (void)msg->request_uri.UnescapedUser();
  if (msg->request_uri.is_sip() && !sip::UriEquivalent(msg->request_uri, msg->request_uri)) __builtin_trap();
  for (const auto& v : msg->via)
    (void)v.SentBy();

  const std::string written = msg->ToString();
  auto again = sip::ParseMessage(written);
  if (!again) __builtin_trap();
  if (again->via != msg->via || again->from != msg->from || again->to != msg->to || again->call_id != msg->call_id ||
      again->cseq != msg->cseq || again->contact != msg->contact || again->route != msg->route ||
      again->headers != msg->headers || again->body != msg->body || again->request_uri != msg->request_uri) {
    __builtin_trap();
  }
  return 0;
}

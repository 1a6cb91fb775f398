#pragma once
// SIP message parser (RFC 3261 §7, grammar §25) and stream framing (§18.3).
//
// ParseMessage is a pure function over bytes: no I/O, no globals, no logging. Every length
// is checked before it is read; memory use is bounded by the input size and the limits.
// On failure the error says what is wrong in a form fit for a reason phrase, which status
// a request would be answered with (400, 505, 513), and carries the raw Via/From/To/Call-ID
// /CSeq values that could be found, so the caller can still answer statelessly.
//
// Thread safety: pure functions; StreamFramer is a plain object owned by one connection.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/signaling/sip/message.h"

namespace tessera::signaling::sip {

struct ParseLimits {
  size_t max_message_size = 65535;  // bytes, headers and body (513 beyond)
  size_t max_headers = 256;         // header lines
  size_t max_list_values = 64;      // Vias, Routes, Record-Routes, Contacts each
};

struct ParseError {
  int status = 400;    // what a request deserves: 400, 505 or 513
  std::string reason;  // "Malformed Via header: empty parameter" (printable ASCII, < 160 chars)
  // Best-effort envelope for a stateless error response.
  bool is_request = false;
  std::string method;  // request method from the start line, if any
  std::vector<std::string> raw_via;
  std::string raw_from, raw_to, raw_call_id, raw_cseq;
};

// `stream`: the bytes were framed by Content-Length (TCP/TLS), so the body is exactly what
// follows the headers. Otherwise (UDP) a Content-Length larger than the datagram is an
// error, octets beyond it are ignored, and without Content-Length the body runs to the end
// of the datagram (RFC 3261 §18.3).
Result<Message, ParseError> ParseMessage(std::string_view data, const ParseLimits& limits = {}, bool stream = false);
inline Result<Message, ParseError> ParseMessage(std::span<const uint8_t> data, const ParseLimits& limits = {},
                                                bool stream = false) {
  return ParseMessage(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), limits, stream);
}

// Splits a byte stream into messages using Content-Length, and recognises the RFC 5626
// CRLF keep-alives. A framing error cannot be recovered from: the connection must close.
class StreamFramer {
 public:
  explicit StreamFramer(size_t max_message_size = 65535) : max_(max_message_size) {}

  enum class Status { kNeedMore, kMessage, kPing, kError };
  struct Frame {
    Status status = Status::kNeedMore;
    std::string_view message;  // kMessage: valid until the next Append/Next call
    ParseError error;          // kError
  };

  void Append(std::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }
  // Returns the next complete item; call until kNeedMore.
  Frame Next();
  size_t buffered() const { return buffer_.size() - consumed_; }
  // Bytes examined while looking for header ends: linear in the input, however it is cut.
  size_t scanned_bytes_for_test() const { return scanned_; }

 private:
  size_t max_;
  std::string buffer_;
  size_t consumed_ = 0;                  // bytes of buffer_ already returned
  size_t scan_from_ = 0;                 // where the search for the header end resumes
  std::optional<size_t> pending_total_;  // size of the message being received, once known
  size_t scanned_ = 0;
};

}  // namespace tessera::signaling::sip

#pragma once
// Errors of the aligned-PER codec: what went wrong, where in the value (the ASN.1 path of the
// field, e.g. "H323-UserInformation.h323-uu-pdu.h323-message-body.setup.fastStart[2]") and at
// which bit of the input. The path is built only on failure, while the error unwinds: a
// successful decode pays nothing for it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::signaling::asn1 {

struct Error {
  std::string path;    // ASN.1 names joined by '.', list indexes as [i]
  std::string reason;  // e.g. "length 40 exceeds the 12 octets left"
  size_t bit_offset = 0;

  std::string ToString() const;  // "<path>: <reason> (bit <offset>)"
};

// Collects the first failure and the path frames added while it propagates outwards. One per
// encode or decode call; not thread-safe (nothing in the codec is shared between threads).
class ErrorTrace {
 public:
  bool failed() const { return failed_; }
  // Records the reason; only the first failure counts.
  void SetReason(std::string reason, size_t bit_offset);
  // Frames are added innermost first: a field or alternative name, or a list index.
  void PushName(std::string_view name);
  void PushIndex(size_t index);
  Error ToError() const;

 private:
  bool failed_ = false;
  std::string reason_;
  size_t bit_offset_ = 0;
  std::vector<std::string> frames_;  // innermost first; "[i]" frames attach without a dot
};

}  // namespace tessera::signaling::asn1

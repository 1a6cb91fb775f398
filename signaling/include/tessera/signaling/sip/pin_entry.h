#pragma once
// PinEntry: the PIN dialogue of one call into a PIN room, as a pure state machine fed with
// DTMF digits (RFC 4733, SIP INFO or in-band, whichever the endpoint uses) and with the
// core's verdict. '#' ends an entry, '*' starts it again; an entry also ends at
// kMaxDigits digits or when no digit came for the inter-digit timeout (the caller's timer
// calls OnTimeout). After `max_attempts` wrong entries the caller says goodbye and hangs up.
//
// Thread: the control io_context thread (owned by the call's leg).

#include <cstddef>
#include <optional>
#include <string>

namespace tessera::signaling::sip {

class PinEntry {
 public:
  static constexpr size_t kMaxDigits = 12;  // the longest PIN the config accepts

  explicit PinEntry(int max_attempts = 3) : max_attempts_(max_attempts) {}

  // A digit; returns the entry to check when this digit completes one.
  std::optional<std::string> OnDigit(char digit);
  // No digit for the inter-digit timeout: the entry so far, if any, is to be checked.
  std::optional<std::string> OnTimeout();
  // The verdict on the last entry. Returns true while more attempts are allowed.
  bool OnWrong() { return ++wrong_ < max_attempts_; }

  bool has_digits() const { return !digits_.empty(); }
  int wrong_attempts() const { return wrong_; }

 private:
  std::string digits_;
  int wrong_ = 0;
  int max_attempts_;
};

}  // namespace tessera::signaling::sip

#include "tessera/signaling/sip/pin_entry.h"

namespace tessera::signaling::sip {

std::optional<std::string> PinEntry::OnDigit(char digit) {
  if (digit == '*') {
    digits_.clear();
    return std::nullopt;
  }
  if (digit == '#') return OnTimeout();
  if (digit < '0' || digit > '9') return std::nullopt;  // A-D are not PIN digits
  digits_.push_back(digit);
  if (digits_.size() < kMaxDigits) return std::nullopt;
  return OnTimeout();
}

std::optional<std::string> PinEntry::OnTimeout() {
  if (digits_.empty()) return std::nullopt;
  std::string entry;
  entry.swap(digits_);
  return entry;
}

}  // namespace tessera::signaling::sip

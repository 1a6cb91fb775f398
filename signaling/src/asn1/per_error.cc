#include "tessera/signaling/asn1/per_error.h"

#include <string>

namespace tessera::signaling::asn1 {

std::string Error::ToString() const {
  std::string s = path.empty() ? std::string("<value>") : path;
  s += ": ";
  s += reason;
  s += " (bit ";
  s += std::to_string(bit_offset);
  s += ")";
  return s;
}

void ErrorTrace::SetReason(std::string reason, size_t bit_offset) {
  if (failed_) return;
  failed_ = true;
  reason_ = std::move(reason);
  bit_offset_ = bit_offset;
}

void ErrorTrace::PushName(std::string_view name) {
  frames_.emplace_back(name);
}

void ErrorTrace::PushIndex(size_t index) {
  frames_.push_back("[" + std::to_string(index) + "]");
}

Error ErrorTrace::ToError() const {
  Error e;
  e.reason = failed_ ? reason_ : "unknown error";
  e.bit_offset = bit_offset_;
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
    if (!e.path.empty() && (*it)[0] != '[') e.path += '.';
    e.path += *it;
  }
  return e;
}

}  // namespace tessera::signaling::asn1

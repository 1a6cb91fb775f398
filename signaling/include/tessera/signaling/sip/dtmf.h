#pragma once
// DTMF carried in SIP INFO bodies: application/dtmf-relay ("Signal=5\r\nDuration=160")
// and application/dtmf ("5"), and the picture fast update request room systems send as
// application/media_control+xml (RFC 5168). Pure functions.

#include <chrono>
#include <optional>
#include <string_view>

namespace tessera::signaling::sip {

struct DtmfEvent {
  char digit = 0;                         // '0'-'9', '*', '#', 'A'-'D'
  std::chrono::milliseconds duration{0};  // 0 = not given
  bool operator==(const DtmfEvent&) const = default;
};

std::optional<DtmfEvent> ParseDtmfRelay(std::string_view body);
std::optional<DtmfEvent> ParseDtmf(std::string_view body);
// <media_control><vc_primitive><to_encoder><picture_fast_update/>...
bool IsPictureFastUpdate(std::string_view body);

}  // namespace tessera::signaling::sip

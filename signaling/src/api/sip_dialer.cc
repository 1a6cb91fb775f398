#include "tessera/signaling/api/sip_dialer.h"

#include "tessera/signaling/sip/call.h"
#include "tessera/signaling/sip/uri.h"

namespace tessera::signaling::api {

Result<DialedCall, DialError> SipDialer::Dial(std::string_view room, std::string_view uri) {
  auto target = sip::ParseUri(uri, /*allow_headers=*/false);
  if (!target) return MakeUnexpected(DialError{DialError::Kind::kBadTarget, "invalid SIP URI: " + target.error()});
  auto call = dial_in_.DialOut(ua_, room, *target);
  if (!call) {
    // DialOut says why in words; a missing room is told apart for the 404.
    const bool no_room = call.error().find("no room") != std::string::npos;
    return MakeUnexpected(DialError{no_room ? DialError::Kind::kNoRoom : DialError::Kind::kFailed, call.error()});
  }
  return DialedCall{"sip-" + std::to_string((*call)->id()), std::string(uri)};
}

}  // namespace tessera::signaling::api

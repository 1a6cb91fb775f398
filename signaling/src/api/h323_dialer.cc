#include "tessera/signaling/api/h323_dialer.h"

namespace tessera::signaling::api {

Result<DialedCall, DialError> H323Dialer::Dial(std::string_view room, std::string_view uri) {
  if (!h323::ParseDialTarget(uri))
    return MakeUnexpected(DialError{DialError::Kind::kBadTarget,
                                    "invalid H.323 address \"" + std::string(uri) +
                                        "\": expected h323:ip, h323:ip:port or h323:alias@ip[:port], optionally "
                                        "with ;h245=fast-start, ;h245=tunnelled or ;h245=separate"});
  auto call = conference_.DialOut(endpoint_, room, uri);
  if (!call) {
    const bool no_room = call.error().starts_with("no room");
    return MakeUnexpected(DialError{no_room ? DialError::Kind::kNoRoom : DialError::Kind::kFailed, call.error()});
  }
  return DialedCall{"h323-" + std::to_string((*call)->id()), std::string(uri)};
}

}  // namespace tessera::signaling::api

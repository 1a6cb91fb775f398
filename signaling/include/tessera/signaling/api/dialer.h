#pragma once
// Dialer: how the control API places an outgoing call into a room, whatever the protocol.
// The SIP user agent is one (api/sip_dialer.h); H.323 adds itself by implementing this and
// being registered with the API for its URI schemes ("h323:"). The call joins the room
// when it is answered; the API only learns whether it could be placed.
//
// Thread: the control thread (the API's handlers run there).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"

namespace tessera::signaling::api {

struct DialError {
  enum class Kind : uint8_t {
    kBadTarget,  // the URI cannot be called (syntax, unsupported scheme or transport)
    kNoRoom,     // no such room
    kRefused,    // the room or the core refused (locked, full...)
    kFailed,     // the call could not be started
  };
  Kind kind = Kind::kFailed;
  std::string message;
};

struct DialedCall {
  std::string id;   // unique among this dialer's calls
  std::string uri;  // what was called
};

class Dialer {
 public:
  virtual ~Dialer() = default;
  // URI schemes this dialer calls, without ':' ("sip", "sips").
  virtual std::vector<std::string> Schemes() const = 0;
  virtual Result<DialedCall, DialError> Dial(std::string_view room, std::string_view uri) = 0;
};

}  // namespace tessera::signaling::api

#pragma once
// DialInPolicy: what incoming SIP calls get until the conference engine answers them. The
// room is found by the Request-URI user (or the To user, for calls routed by a PBX to our
// registered contact) among room ids and aliases: an unknown room is refused with 404, a
// locked one with 403, and an existing one with 503 "media not available yet" — honest about
// what the server can do today rather than faking a call.
//
// Thread: the control io_context thread (it is the user agent's handler).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/signaling/sip/user_agent.h"

namespace tessera::signaling::sip {

struct RoomEntry {
  std::string id;
  std::vector<std::string> aliases;
  bool locked = false;
};

class DialInPolicy final : public UserAgentHandler {
 public:
  explicit DialInPolicy(std::vector<RoomEntry> rooms) : rooms_(std::move(rooms)) {}

  // The room a call is for: by Request-URI user, else by To user.
  const RoomEntry* FindRoom(const Call& call) const;
  void OnIncomingCall(std::shared_ptr<Call> call) override;

 private:
  const RoomEntry* Lookup(std::string_view name) const;
  std::vector<RoomEntry> rooms_;
};

}  // namespace tessera::signaling::sip

#include "tessera/signaling/sip/dial_in_policy.h"

#include "tessera/base/log.h"

namespace tessera::signaling::sip {
namespace {

constexpr log::Component kLog{"sip.dial_in", log::Tag::kSip};

}  // namespace

const RoomEntry* DialInPolicy::Lookup(std::string_view name) const {
  if (name.empty()) return nullptr;
  for (const RoomEntry& room : rooms_) {
    if (room.id == name) return &room;
    for (const std::string& alias : room.aliases) {
      if (alias == name) return &room;
    }
  }
  return nullptr;
}

const RoomEntry* DialInPolicy::FindRoom(const Call& call) const {
  if (const RoomEntry* r = Lookup(call.request_uri().UnescapedUser())) return r;
  return Lookup(call.local_party().uri.UnescapedUser());
}

void DialInPolicy::OnIncomingCall(std::shared_ptr<Call> call) {
  const RoomEntry* room = FindRoom(*call);
  const std::string from = call->remote_party().uri.ToString();
  if (!room) {
    TLOG_INFO(kLog, "call from {} to {}: no such room (404)", from, call->request_uri().ToString());
    call->Reject(404, "Room Not Found");
    return;
  }
  if (room->locked) {
    TLOG_INFO(kLog, "call from {} to room {}: room locked (403)", from, room->id);
    call->Reject(403, "Room Locked");
    return;
  }
  // Until the conference engine exists there is no media to connect the call to.
  TLOG_INFO(kLog, "call from {} to room {}: media not available yet (503)", from, room->id);
  call->Reject(503, "Service Unavailable (media not available yet)");
}

}  // namespace tessera::signaling::sip

// Any body given to the control API's request parsers is accepted as a request that keeps
// the documented limits, or refused with a message (and, for a field, what was expected);
// never a crash, a hang on deep nesting or an over-read. The first byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tessera/signaling/api/json_request.h"

namespace api = tessera::signaling::api;

namespace {

template <typename T>
bool Refused(const tessera::Result<T, api::FieldError>& r) {
  if (r) return false;
  if (r.error().message.empty() || r.error().expected.empty()) __builtin_trap();
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
    case 1: {
      const bool create = data[0] % 7 == 0;
      auto r = api::ParseRoomRequest(body, create);
      if (Refused(r)) break;
      if (create && !api::IsSafeName(r->id)) __builtin_trap();
      if (r->aliases)
        for (const auto& a : *r->aliases)
          if (!api::IsSafeName(a)) __builtin_trap();
      if (r->max_participants && (*r->max_participants < 1 || *r->max_participants > 100000)) __builtin_trap();
      if (r->pin && r->pin->size() > 12) __builtin_trap();
      break;
    }
    case 2: {
      auto r = api::ParseParticipantPatch(body);
      if (Refused(r)) break;
      if (r->pin && (*r->pin < 0 || *r->pin > 256)) __builtin_trap();
      if (r->display_name && (r->display_name->empty() || r->display_name->size() > 128)) __builtin_trap();
      break;
    }
    case 3:
      (void)Refused(api::ParseLayoutRequest(body));
      break;
    case 4: {
      auto r = api::ParseDialRequest(body);
      if (!Refused(r) && !(r->starts_with("sip:") || r->starts_with("sips:"))) __builtin_trap();
      break;
    }
    case 5: {
      auto r = api::ParseBroadcastRequest(body);
      if (Refused(r)) break;
      if (r->height != 360 && r->height != 720 && r->height != 1080) __builtin_trap();
      if (r->kind == tessera::mcu::StreamRequest::Kind::kHls && !api::IsSafeName(r->target)) __builtin_trap();
      break;
    }
    case 6: {
      auto r = api::ParseRecordingRequest(body);
      if (!Refused(r) && !api::IsSafeName(r->target)) __builtin_trap();  // no path can escape the folder
      break;
    }
  }
  return 0;
}

#pragma once
// The control API's JSON request bodies, parsed and validated as pure functions over the
// body text (fuzzed in tests/fuzz/signaling/api/): invalid JSON, a field of the wrong type,
// a value out of range and a field nobody knows are each an error that names the field
// and says what was expected. Nothing here touches the core; the routes in rooms_api.cc
// and streams_api.cc call these and then ConferenceControl.
//
// Thread safety: pure functions.

#include <optional>
#include <string>
#include <string_view>

#include "tessera/base/result.h"
#include "tessera/mcu/control.h"

namespace tessera::signaling::api {

struct FieldError {
  std::string field;     // "" for the body as a whole
  std::string expected;  // what would have been accepted
  std::string message;   // for people: what was wrong
};

// A room id, alias, recording or HLS name: 1-64 of [A-Za-z0-9_.-], not starting with '.'
// (so never "." or ".."), usable in a URL path and as a file name.
bool IsSafeName(std::string_view name);

// POST /api/v1/rooms (`create`: id required, rungs allowed) or PATCH /api/v1/rooms/{room}.
Result<mcu::RoomSettings, FieldError> ParseRoomRequest(std::string_view body, bool create);

// PATCH /api/v1/rooms/{room}/participants/{id}: at least one field.
struct ParticipantPatch {
  std::optional<std::string> display_name;
  std::optional<bool> audio_muted;
  std::optional<bool> video_muted;
  std::optional<int> pin;  // 0 unpins
};
Result<ParticipantPatch, FieldError> ParseParticipantPatch(std::string_view body);

// PUT /api/v1/rooms/{room}/layout and POST .../layout/preview.png: {"layout": "<name>"} or
// {"layout": {"tiles": [{"x", "y", "width", "height", "z", "role", "slot", "border",
// "fit"}...], "allow_overlap": false}} (the schema of the config's [[layouts]]). Only the
// shape and ranges are checked here; the core checks the rules between tiles.
Result<mcu::LayoutChoice, FieldError> ParseLayoutRequest(std::string_view body);

// POST /api/v1/rooms/{room}/dial: {"uri": "sip:..."}.
Result<std::string, FieldError> ParseDialRequest(std::string_view body);

// POST /api/v1/rooms/{room}/broadcasts ({"kind": "rtmp"|"srt"|"hls", "target", "height"})
// or /recordings ({"name", "height"}).
Result<mcu::StreamRequest, FieldError> ParseBroadcastRequest(std::string_view body);
Result<mcu::StreamRequest, FieldError> ParseRecordingRequest(std::string_view body);

}  // namespace tessera::signaling::api

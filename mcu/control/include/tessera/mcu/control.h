#pragma once
// ConferenceControl: the one door from the control plane (SIP, H.323, HTTP/WebSocket in
// signaling/) into the core. Signalling code holds a ConferenceControl& and never touches
// media objects; each call is either a snapshot read or a command that the core queues and
// applies at its next tick boundary (design.md §2, §4).
//
// Errors carry a kind that every protocol maps to its own status (HTTP 404/403/503/400/
// 409, SIP 404/403/503/488, H.225.0 release reasons) and a message for people.
//
// Thread safety: every method may be called from any control-plane thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/mcu/participant_request.h"
#include "tessera/mcu/streams.h"

namespace tessera::mcu {

struct ServerInfo {
  std::string name;
  std::string version;
  std::chrono::steady_clock::duration uptime{};
  // (library, version) of the codec libraries in use.
  std::vector<std::pair<std::string, std::string>> libraries;
};

struct ControlError {
  enum class Kind : uint8_t {
    kNotFound,     // no such room or participant
    kForbidden,    // the room is locked
    kUnavailable,  // the server or the room is full; try later
    kBadRequest,   // the request cannot work (no usable stream, bad SRTP key...)
    kConflict,     // the state does not allow it (already removed...)
    kInternal,     // out of ports, a codec failed to open
  };
  Kind kind = Kind::kInternal;
  std::string message;
};

// What a signalling adapter needs to route a call to a room.
struct RoomSummary {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  bool locked = false;
  bool has_pin = false;
  bool srtp_required = false;
  int participants = 0;
  int max_participants = 0;
};

// What a participant in a room's lobby hears (mcu/conference/prompt_player.h).
enum class Prompt : uint8_t {
  kNone,      // silence
  kEnterPin,  // "enter the PIN", repeated
  kWrongPin,  // "wrong PIN", then kEnterPin again
  kGoodbye,   // "goodbye", then silence
};

class ConferenceControl {
 public:
  virtual ~ConferenceControl() = default;

  virtual ServerInfo GetServerInfo() const = 0;

  // A room by its id or one of its aliases.
  virtual std::optional<RoomSummary> FindRoom(std::string_view id_or_alias) const = 0;
  virtual std::vector<RoomSummary> ListRooms() const = 0;

  // Creates the participant's RTP sessions now (ports are allocated before this returns,
  // so the caller can answer at once) and joins it to the room at the next tick.
  virtual Result<ParticipantResult, ControlError> AddParticipant(std::string_view room_id_or_alias,
                                                                 const ParticipantRequest& request) = 0;
  // A new offer/answer for the participant (re-INVITE, UPDATE, H.245 channel changes): the
  // streams are matched by position; a stream's direction, remote address, format or
  // SRTP keys may change, a stream may be added at the end, and a stream with port 0
  // (remote_rtp_port == 0) is stopped. The result's streams follow the request's.
  virtual Result<ParticipantResult, ControlError> UpdateParticipant(std::string_view room_id_or_alias,
                                                                    std::string_view participant_id,
                                                                    const ParticipantRequest& request) = 0;
  // Leaves the room at the next tick; the ports are released once the media side let go.
  virtual Result<void, ControlError> RemoveParticipant(std::string_view room_id_or_alias,
                                                       std::string_view participant_id) = 0;
  // A keyframe asked for out of band (SIP INFO picture_fast_update, H.245 videoFastUpdate):
  // the participant's output sends one, within the output's keyframe interval.
  virtual Result<void, ControlError> RequestKeyframe(std::string_view room_id_or_alias,
                                                     std::string_view participant_id) = 0;
  // Pins the participant's picture at `position` (1 = the main tile of speaker layouts, or
  // a layout's "pinned" tile with that number), overriding the active speaker; 0 unpins.
  // Implementations without a video layout (test doubles) may refuse.
  virtual Result<void, ControlError> PinParticipant(std::string_view room_id_or_alias,
                                                    std::string_view participant_id, int position) {
    (void)room_id_or_alias;
    (void)participant_id;
    (void)position;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "pinning is not available"});
  }

  // PIN rooms. The control plane runs the PIN dialogue; the core plays the prompts and
  // listens for DTMF (RFC 4733 events and in-band tones) of participants added with
  // ParticipantRequest::lobby. The defaults say the core has no lobby.
  //
  // Whether `pin` opens the room (compared in constant time); the PIN itself never leaves
  // the core.
  virtual Result<bool, ControlError> CheckPin(std::string_view room_id_or_alias, std::string_view pin) const {
    (void)room_id_or_alias, (void)pin;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no PIN rooms"});
  }
  // Switches what a lobby participant hears.
  virtual Result<void, ControlError> PlayPrompt(std::string_view room_id_or_alias, std::string_view participant_id,
                                                Prompt prompt) {
    (void)room_id_or_alias, (void)participant_id, (void)prompt;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no lobby"});
  }
  // The digits a lobby participant keyed since the last call, oldest first (never blocks:
  // the media strands queue them, the control plane polls).
  virtual Result<std::string, ControlError> TakeDigits(std::string_view room_id_or_alias,
                                                       std::string_view participant_id) {
    (void)room_id_or_alias, (void)participant_id;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no lobby"});
  }
  // How many keyframes the core asked of the participant's incoming video (RTCP PLI/FIR on
  // the wire, at most a few per second) since the last call. Protocols with a request of
  // their own (H.245 videoFastUpdatePicture) poll this and send that too: many room systems
  // ignore RTCP feedback. Never blocks.
  virtual Result<uint32_t, ControlError> TakeKeyframeRequests(std::string_view room_id_or_alias,
                                                              std::string_view participant_id) {
    (void)room_id_or_alias, (void)participant_id;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core does not report keyframe needs"});
  }
  // Moves a lobby participant into the room: mixed, shown, hearing the mix.
  virtual Result<void, ControlError> AdmitParticipant(std::string_view room_id_or_alias,
                                                      std::string_view participant_id) {
    (void)room_id_or_alias, (void)participant_id;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no lobby"});
  }
  // Broadcasts and recordings of a room's mix (streams.h). Starting one returns at once
  // with the stream in kStarting; its later states come as "stream.state" events.
  virtual Result<StreamInfo, ControlError> StartStream(std::string_view room_id_or_alias,
                                                       const StreamRequest& request) {
    (void)room_id_or_alias, (void)request;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no streaming"});
  }
  // kConflict if it has already stopped.
  virtual Result<void, ControlError> StopStream(std::string_view room_id_or_alias, std::string_view stream_id) {
    (void)room_id_or_alias, (void)stream_id;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no streaming"});
  }
  // The room's streams, running and ended (the ended ones for a while).
  virtual Result<std::vector<StreamInfo>, ControlError> ListStreams(std::string_view room_id_or_alias) const {
    (void)room_id_or_alias;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no streaming"});
  }
  virtual std::vector<RecordingFile> ListRecordings() const { return {}; }

  // Events of the core (participants, talking, speaker, layout, streams). One listener;
  // setting it again replaces it, an empty function removes it.
  virtual void SetEventListener(std::function<void(const ControlEvent&)> listener) { (void)listener; }
};

}  // namespace tessera::mcu

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
#include "tessera/mcu/layouts.h"
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
  // kBadRequest caused by one field of the request: its name ("layout.tiles[1].width") and
  // what it takes, so that the API's 400 names them.
  std::string field;
  std::string expected;
};

// A rung whose outputs show a layout of their own rather than the room's.
struct OutputLayout {
  std::string output;                         // the rung's name
  std::string layout;                         // the layout's name, or "custom"
  std::optional<CustomLayout> custom_layout;  // the tiles, when the layout is a custom one
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
  // Added for the control API (issue 8); adapters that only route calls ignore them.
  std::string layout;                         // the layout's name ("auto", "3x3", a [[layouts]] name, "custom")
  std::vector<std::string> rungs;             // the output rungs the room offers, by name
  std::optional<CustomLayout> custom_layout;  // the tiles, when the layout is a custom one
  std::vector<OutputLayout> output_layouts;   // rungs with a layout of their own
};

// A room to create (CreateRoom: `id` required, the rest defaults as in the config file) or
// the changes to make (UpdateRoom: `id` ignored, unset fields unchanged). The same fields
// and rules as a [[rooms]] table of the config file.
struct RoomSettings {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> aliases;
  std::optional<std::string> pin;  // "" removes the PIN
  std::optional<bool> locked;
  std::optional<std::string> layout;
  std::optional<std::vector<std::string>> rungs;  // only when created
  // Rungs with a layout of their own, by name (as the config's output_layouts); on update
  // the whole set: rungs left out follow the room's layout again.
  std::optional<std::vector<std::pair<std::string, std::string>>> output_layouts;
  std::optional<int> max_participants;
};

// One direction-pair of a participant's media as the core last saw it (a snapshot taken
// between ticks). Counters are totals since the stream started.
struct MediaStats {
  bool present = false;  // the participant negotiated this kind of media
  bool receiving = false;
  bool sending = false;
  bool muted = false;
  std::string codec;
  uint64_t packets_received = 0;
  uint64_t bytes_received = 0;
  int64_t packets_lost = 0;  // RFC 3550 cumulative lost (may be negative with duplicates)
  double jitter_ms = 0;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  std::optional<double> rtt_ms;  // from the endpoint's receiver reports
  uint64_t nack_sent = 0;        // RTCP NACK messages we sent
  uint64_t pli_sent = 0;
  uint64_t fir_sent = 0;
  uint64_t keyframe_requests_received = 0;  // PLI/FIR from the endpoint
  uint64_t nack_received = 0;               // packets the endpoint NACKed (video)
  uint64_t packets_resent = 0;              // of those, sent again
  uint64_t frames_decoded = 0;
  uint64_t decode_errors = 0;
  uint64_t srtp_failures = 0;
  std::string output;  // video: the output (rung) it receives
};

struct ParticipantInfo {
  std::string id;
  std::string room;
  std::string display_name;
  std::string protocol;
  std::string remote;
  bool lobby = false;
  bool talking = false;
  bool active_speaker = false;
  int pin = 0;  // pinned position, 0 = none
  MediaStats audio;
  MediaStats video;
};

// One encoded output of a room (layout x size x codec x rung).
struct OutputStats {
  std::string key;
  std::string codec;
  int width = 0;
  int height = 0;
  int fps = 0;
  int bitrate_kbps = 0;  // the target
  int subscribers = 0;
  uint64_t frames_encoded = 0;
  uint64_t bytes_encoded = 0;
  uint64_t keyframes = 0;
  int qp = -1;  // quantizer of the last frame on the codec's scale; -1 unknown
};

// A room's engine counters, copied from its atomics (any thread).
struct RoomStats {
  std::string room;
  uint64_t audio_ticks = 0;
  uint64_t video_ticks = 0;
  uint64_t late_audio_ticks = 0;
  uint64_t late_video_ticks = 0;
  uint64_t frames_composed = 0;
  uint64_t frames_encoded = 0;
  uint64_t frames_decoded = 0;
  uint64_t rtp_packets_sent = 0;
  uint64_t rtp_packets_resent = 0;  // video packets sent again for NACKs
  uint64_t rtp_packets_received = 0;
  uint64_t packets_dropped = 0;
  uint64_t keyframes_forced = 0;
  // Tick durations: counts of ticks at most bucket_us[i] long (cumulative, as Prometheus
  // histograms are), the total count and the sum.
  struct TickDurations {
    std::vector<double> bucket_us;
    std::vector<uint64_t> bucket_counts;
    uint64_t count = 0;
    double sum_us = 0;
  };
  TickDurations video_tick_durations;
  TickDurations audio_tick_durations;
  // CPU time of the room's ticks by stage ("decode", "compose", "encode", "send", "audio").
  std::vector<std::pair<std::string, double>> cpu_seconds_by_stage;
  std::vector<OutputStats> outputs;
  // The participants with their statistics, from the same snapshot (empty if the room's
  // strands did not answer in time).
  std::vector<ParticipantInfo> participants;
};

// What a participant in a room's lobby hears (mcu/conference/prompt_player.h).
enum class Prompt : uint8_t {
  kNone,      // silence
  kEnterPin,  // "enter the PIN", repeated
  kWrongPin,  // "wrong PIN", then kEnterPin again
  kGoodbye,   // "goodbye", then silence
};

// How the core sends DTMF digits to an endpoint on the participant's audio stream: RFC 4733
// telephone-events (payload type `payload_type`, the endpoint's) or in-band tones.
enum class DtmfMethod : uint8_t { kRfc4733, kInband };
struct DtmfSendRequest {
  std::string digits;  // 0-9 * # A-D
  DtmfMethod method = DtmfMethod::kRfc4733;
  int payload_type = 101;
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
  // The operator removes the participant (the control API's kick): as RemoveParticipant,
  // and the participant's signalling adapter is told to end its call (SetCallEnder).
  // Adapters whose own call ended keep calling RemoveParticipant, which never calls back.
  virtual Result<void, ControlError> KickParticipant(std::string_view room_id_or_alias,
                                                     std::string_view participant_id) {
    return RemoveParticipant(room_id_or_alias, participant_id);
  }
  // How the core tells a signalling adapter that it removed one of the adapter's
  // participants on its own (KickParticipant, DeleteRoom), so that the adapter hangs up
  // the call (BYE, CANCEL, RELEASE COMPLETE) or forgets the endpoint: the room's canonical
  // id, the participant id, and why, for people ("removed by the operator", "the room was
  // deleted"). The participant is already gone from the core: the adapter's later
  // RemoveParticipant answers kNotFound, and participant.left was emitted once.
  //
  // One ender per protocol (ParticipantRequest::protocol: "sip", "h323", "rtp"...);
  // setting it again replaces it, an empty function removes it. Enders are called on the
  // thread that kicked or deleted, outside the core's locks; an adapter living on another
  // thread (or that must not be re-entered from inside a control call) posts the hang-up
  // to its own thread and must not block on the core there.
  using CallEnder =
      std::function<void(const std::string& room_id, const std::string& participant_id, const std::string& reason)>;
  virtual void SetCallEnder(std::string_view protocol, CallEnder ender) { (void)protocol, (void)ender; }
  // A keyframe asked for out of band (SIP INFO picture_fast_update, H.245 videoFastUpdate):
  // the participant's output sends one, within the output's keyframe interval.
  virtual Result<void, ControlError> RequestKeyframe(std::string_view room_id_or_alias,
                                                     std::string_view participant_id) = 0;
  // Pins the participant's picture at `position` (1 = the main tile of speaker layouts, or
  // a layout's "pinned" tile with that number), overriding the active speaker; 0 unpins.
  // Implementations without a video layout (test doubles) may refuse.
  virtual Result<void, ControlError> PinParticipant(std::string_view room_id_or_alias, std::string_view participant_id,
                                                    int position) {
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
  // Queues digits for the participant's audio stream (one digit per 200 ms: 100 ms of
  // event or tone, 100 ms apart): signalling that has no DTMF of its own (or a peer that
  // wants it in the media) uses it. kBadRequest for other characters or no audio sent.
  virtual Result<void, ControlError> SendDigits(std::string_view room_id_or_alias, std::string_view participant_id,
                                                const DtmfSendRequest& request) {
    (void)room_id_or_alias, (void)participant_id, (void)request;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core does not send DTMF"});
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

  // Rooms made and changed at run time (the control API). kConflict for an id or alias in
  // use, kBadRequest for unknown rungs or layouts, kNotFound for an unknown room.
  virtual Result<RoomSummary, ControlError> CreateRoom(const RoomSettings& settings) {
    (void)settings;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core cannot create rooms"});
  }
  virtual Result<RoomSummary, ControlError> UpdateRoom(std::string_view room_id_or_alias, const RoomSettings& changes) {
    (void)room_id_or_alias, (void)changes;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core cannot change rooms"});
  }
  // Ends every participant's session in the room and the room; each participant's adapter
  // is told to end its call (SetCallEnder). kConflict when the room was deleted already
  // (recently), kNotFound when it never existed.
  virtual Result<void, ControlError> DeleteRoom(std::string_view room_id_or_alias) {
    (void)room_id_or_alias;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core cannot delete rooms"});
  }
  // The room's participants with live statistics (a snapshot the media strands take between
  // ticks; waits at most a tick or two). kUnavailable if the strands did not answer in time.
  virtual Result<std::vector<ParticipantInfo>, ControlError> ListParticipants(std::string_view room_id_or_alias) {
    (void)room_id_or_alias;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no participant list"});
  }
  // Stops mixing (audio) or showing (video) the participant's media; it keeps receiving.
  virtual Result<void, ControlError> MuteParticipant(std::string_view room_id_or_alias, std::string_view participant_id,
                                                     MediaKind kind, bool muted) {
    (void)room_id_or_alias, (void)participant_id, (void)kind, (void)muted;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core cannot mute"});
  }
  // The name drawn on the participant's tile and reported by the API.
  virtual Result<void, ControlError> SetDisplayName(std::string_view room_id_or_alias, std::string_view participant_id,
                                                    std::string_view name) {
    (void)room_id_or_alias, (void)participant_id, (void)name;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core cannot rename participants"});
  }
  // The room's layout by name (the names of the config file's `layout` key). kBadRequest
  // for an unknown name. Emits "layout.changed".
  virtual Result<void, ControlError> SetLayout(std::string_view room_id_or_alias, std::string_view layout) {
    (void)room_id_or_alias, (void)layout;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no layouts"});
  }
  // A custom layout for the room (the schema of the config's [[layouts]]); the room then
  // reports its layout as "custom". kBadRequest naming the tile and field that is wrong.
  // Emits "layout.changed".
  virtual Result<void, ControlError> SetCustomLayout(std::string_view room_id_or_alias, const CustomLayout& layout) {
    (void)room_id_or_alias, (void)layout;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no layouts"});
  }
  // The outputs of rung `output` (its receivers, and the streams that tap it) show `layout`
  // (a name or custom tiles) instead of the room's. kNotFound for a rung the room does not
  // have, kBadRequest for a bad layout. Emits "layout.changed" with an "output" field.
  virtual Result<void, ControlError> SetOutputLayout(std::string_view room_id_or_alias, std::string_view output,
                                                     const LayoutChoice& layout) {
    (void)room_id_or_alias, (void)output, (void)layout;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no layouts per output"});
  }
  // The rung's outputs follow the room's layout again (nothing happens if they did).
  virtual Result<void, ControlError> ClearOutputLayout(std::string_view room_id_or_alias, std::string_view output) {
    (void)room_id_or_alias, (void)output;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no layouts per output"});
  }
  // The layout names SetLayout accepts: a representative set of the parametric families,
  // then the config's [[layouts]].
  virtual std::vector<std::string> LayoutNames() const { return {}; }
  // A PNG of the room's picture: the canvas as last composed, or the layout's tiles drawn
  // plainly when nobody receives video, scaled to width x height (even, 16-1920 x 16-1080).
  // With `layout` (a name or custom tiles to try out), that layout's tiles for the room's
  // current participants, drawn plainly; the room is not changed. With `output` (a rung),
  // the picture that rung's outputs show (kNotFound for a rung the room does not have).
  virtual Result<std::string, ControlError> RenderLayoutPreview(std::string_view room_id_or_alias, int width,
                                                                int height, const LayoutChoice& layout = {},
                                                                std::string_view output = {}) {
    (void)room_id_or_alias, (void)width, (void)height, (void)layout, (void)output;
    return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "this core has no layout preview"});
  }
  // Engine counters of every room, for /metrics.
  virtual std::vector<RoomStats> GetRoomStats() const { return {}; }

  // An "error" event for operators, from a signalling adapter: `code` a stable token
  // ("dial_out_failed", "call_failed"), `message` for people, `fields` further details
  // ("status": "486", "uri": ...). Never carries secrets.
  virtual void ReportError(std::string_view room_id_or_alias, std::string_view participant_id, std::string_view code,
                           std::string_view message, std::vector<std::pair<std::string, std::string>> fields = {}) {
    (void)room_id_or_alias, (void)participant_id, (void)code, (void)message, (void)fields;
  }

  // Events of the core (participants, talking, speaker, layout, streams). One listener;
  // setting it again replaces it, an empty function removes it.
  virtual void SetEventListener(std::function<void(const ControlEvent&)> listener) { (void)listener; }
};

}  // namespace tessera::mcu

#pragma once
// ConferenceManager: the rooms of this server and the control-plane side of
// ConferenceControl's participant calls. It builds a participant on the calling (control)
// thread — RTP sockets on the network thread, decoders and encoders here — and hands it to
// its room, which takes it at the next tick boundary.
//
// Thread safety: every public method may be called from any control-plane thread; the
// registry is guarded by a mutex that is never taken on a media or network thread.

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tessera/mcu/conference/custom_layout.h"
#include "tessera/mcu/conference/event_sink.h"
#include "tessera/mcu/conference/pool_parallel_for.h"
#include "tessera/mcu/conference/room.h"
#include "tessera/mcu/config.h"
#include "tessera/mcu/control.h"
#include "tessera/mcu/stream/stream_manager.h"
#include "tessera/mcu/transport/port_allocator.h"
#include "tessera/mixer/video/text_renderer.h"

namespace tessera::mcu::conference {

class ConferenceManager {
 public:
  ConferenceManager(const Config& config, boost::asio::io_context& network, boost::asio::io_context& media,
                    int media_threads);
  ~ConferenceManager();

  // Creates the configured rooms, their demo participants and watch streams, and starts
  // their clocks. The network and media loops must be running (or run soon).
  void Start();
  // Stops every room and closes every socket; blocks until the rooms' strands confirm.
  void Stop();

  std::optional<RoomSummary> FindRoom(std::string_view id_or_alias) const;
  std::vector<RoomSummary> ListRooms() const;
  Result<ParticipantResult, ControlError> AddParticipant(std::string_view room, const ParticipantRequest& request);
  Result<ParticipantResult, ControlError> UpdateParticipant(std::string_view room, std::string_view participant_id,
                                                            const ParticipantRequest& request);
  Result<void, ControlError> RemoveParticipant(std::string_view room, std::string_view participant_id);
  // RemoveParticipant, then the participant's call ender (conference_manager_api.cc).
  Result<void, ControlError> KickParticipant(std::string_view room, std::string_view participant_id);
  void SetCallEnder(std::string_view protocol, ConferenceControl::CallEnder ender);
  Result<void, ControlError> RequestKeyframe(std::string_view room, std::string_view participant_id);
  Result<void, ControlError> PinParticipant(std::string_view room, std::string_view participant_id, int position);
  Result<bool, ControlError> CheckPin(std::string_view room, std::string_view pin) const;
  Result<void, ControlError> PlayPrompt(std::string_view room, std::string_view participant_id, Prompt prompt);
  Result<std::string, ControlError> TakeDigits(std::string_view room, std::string_view participant_id);
  Result<void, ControlError> AdmitParticipant(std::string_view room, std::string_view participant_id);
  Result<uint32_t, ControlError> TakeKeyframeRequests(std::string_view room, std::string_view participant_id);
  Result<void, ControlError> SendDigits(std::string_view room, std::string_view participant_id,
                                        const DtmfSendRequest& request);

  Result<StreamInfo, ControlError> StartStream(std::string_view room, const StreamRequest& request);
  Result<void, ControlError> StopStream(std::string_view room, std::string_view stream_id);
  Result<std::vector<StreamInfo>, ControlError> ListStreams(std::string_view room) const;
  std::vector<RecordingFile> ListRecordings() const;
  // The control API (conference_manager_api.cc).
  Result<RoomSummary, ControlError> CreateRoom(const RoomSettings& settings);
  Result<RoomSummary, ControlError> UpdateRoom(std::string_view room, const RoomSettings& changes);
  Result<void, ControlError> DeleteRoom(std::string_view room);
  Result<std::vector<ParticipantInfo>, ControlError> ListParticipants(std::string_view room);
  Result<void, ControlError> MuteParticipant(std::string_view room, std::string_view participant_id, MediaKind kind,
                                             bool muted);
  Result<void, ControlError> SetDisplayName(std::string_view room, std::string_view participant_id,
                                            std::string_view name);
  Result<void, ControlError> SetLayout(std::string_view room, std::string_view layout);
  Result<void, ControlError> SetCustomLayout(std::string_view room, const CustomLayout& layout);
  std::vector<std::string> LayoutNames() const { return layouts_.Names(); }
  void ReportError(std::string_view room, std::string_view participant, std::string_view code, std::string_view message,
                   std::vector<std::pair<std::string, std::string>> fields = {});
  std::vector<RoomStats> GetRoomStats();
  Result<std::string, ControlError> RenderLayoutPreview(std::string_view room, int width, int height,
                                                        const LayoutChoice& layout = {}, std::string_view output = {});
  Result<void, ControlError> SetOutputLayout(std::string_view room, std::string_view output,
                                             const LayoutChoice& layout);
  Result<void, ControlError> ClearOutputLayout(std::string_view room, std::string_view output);
  void SetEventListener(std::function<void(const ControlEvent&)> listener) { events_.Set(std::move(listener)); }

  // For tests and metrics.
  const Room* room(std::string_view id) const;

 private:
  using Participants = std::map<std::string, ParticipantRequest>;  // id -> what it asked for
  struct Entry {
    // What the control plane may change (name, aliases, PIN, lock, layout, size) as it is
    // now; the room keeps the config it was made with for its id and rungs.
    RoomConfig settings;
    // A layout the API set by its tiles rather than by name (settings.layout is then
    // "custom"); cleared when a name is set again.
    std::optional<mixer::LayoutSpec> posted_layout;
    // The same for the rungs with a layout of their own (settings.output_layouts names
    // them "custom").
    std::map<std::string, mixer::LayoutSpec> posted_output_layouts;
    std::unique_ptr<Room> room;
    Participants participants;
    std::map<std::string, std::vector<std::shared_ptr<RtpLink>>> links;
    // Participants waiting in the lobby (PIN rooms): their prompt and digit queue.
    std::map<std::string, std::shared_ptr<Participant>> lobby;
    // Keyframes asked of each participant's incoming video (Participant::keyframes_asked).
    std::map<std::string, std::shared_ptr<std::atomic<uint32_t>>> keyframes_asked;
    // Digits to send on each participant's audio (Participant::dtmf_out's outbox).
    std::map<std::string, std::shared_ptr<DtmfOutbox>> dtmf_out;
  };
  // mutex_ held: makes and starts the room of `rc` (its rungs from the config, its layout
  // from the catalogue) and registers it under rc.id.
  Entry& OpenRoom(const RoomConfig& rc);
  Entry* Lookup(std::string_view id_or_alias);  // mutex_ held
  const Entry* Lookup(std::string_view id_or_alias) const;
  RoomSummary SummaryOf(const Entry& entry) const;
  // The spec of a layout the API asked for (a catalogue name or custom tiles), or
  // kBadRequest naming the field ("layout.tiles[1].width: ...").
  Result<mixer::LayoutSpec, ControlError> ResolveLayout(const LayoutChoice& choice) const;
  // Whether the room has the rung; kNotFound naming its rungs if not.
  Result<void, ControlError> CheckOutput(const Entry& entry, std::string_view output) const;
  // The room and the participant's registry entry, or kNotFound naming which is missing.
  Result<std::pair<Entry*, Participants::iterator>, ControlError> FindParticipant(std::string_view room,
                                                                                  std::string_view participant_id);
  // mutex_ held.
  Result<std::shared_ptr<Participant>, ControlError> LobbyParticipant(std::string_view room,
                                                                      std::string_view participant_id);
  std::shared_ptr<Participant> MakeSynthetic(const Room& room, int index);
  void StartWatch(const std::string& room_id);
  void EmitParticipant(const char* type, const std::string& room, const std::string& id,
                       const ParticipantRequest& request) const;
  // Calls the ender of `protocol`, if one is set; never with mutex_ held.
  void EndCall(const std::string& protocol, const std::string& room, const std::string& id,
               const std::string& reason) const;
  // kBadRequest unless the settings' layout (if set) is a known name.
  Result<void, ControlError> CheckSettings(const RoomSettings& settings) const;
  // mutex_ held: kConflict if an id or alias of `settings` names another room than `self`.
  Result<void, ControlError> CheckNames(const RoomConfig& settings, const Entry* self) const;

  Config config_;
  LayoutCatalog layouts_;  // built-in and [[layouts]] names
  boost::asio::io_context& network_;
  boost::asio::io_context& media_;
  PoolParallelFor parallel_for_;
  transport::PortAllocator ports_;
  std::unique_ptr<mixer::TextRenderer> text_;

  EventSink events_;  // declared before the rooms, which hold a pointer to it

  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> rooms_;  // by canonical id; guarded by mutex_
  uint64_t next_participant_ = 1;                    // guarded by mutex_
  std::vector<std::unique_ptr<Room>> stopped_late_;  // deleted rooms whose strands were slow; guarded by mutex_
  std::vector<std::string> deleted_;                 // recently deleted room ids, bounded; guarded by mutex_

  // The signalling adapters' call enders by protocol; their own mutex, so that an ender is
  // copied out and called with no lock held.
  mutable std::mutex enders_mutex_;
  std::map<std::string, ConferenceControl::CallEnder, std::less<>> enders_;  // guarded by enders_mutex_

  // Made in the constructor and ended in Stop; a room's streams end before the room does
  // (DeleteRoom, Stop), and StartStream/StopStream use a room under mutex_ only.
  std::unique_ptr<stream::StreamManager> streams_;
};

}  // namespace tessera::mcu::conference

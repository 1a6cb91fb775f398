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
  Result<void, ControlError> RequestKeyframe(std::string_view room, std::string_view participant_id);
  Result<void, ControlError> PinParticipant(std::string_view room, std::string_view participant_id, int position);
  Result<bool, ControlError> CheckPin(std::string_view room, std::string_view pin) const;
  Result<void, ControlError> PlayPrompt(std::string_view room, std::string_view participant_id, Prompt prompt);
  Result<std::string, ControlError> TakeDigits(std::string_view room, std::string_view participant_id);
  Result<void, ControlError> AdmitParticipant(std::string_view room, std::string_view participant_id);
  Result<uint32_t, ControlError> TakeKeyframeRequests(std::string_view room, std::string_view participant_id);

  Result<StreamInfo, ControlError> StartStream(std::string_view room, const StreamRequest& request);
  Result<void, ControlError> StopStream(std::string_view room, std::string_view stream_id);
  Result<std::vector<StreamInfo>, ControlError> ListStreams(std::string_view room) const;
  std::vector<RecordingFile> ListRecordings() const;
  void SetEventListener(std::function<void(const ControlEvent&)> listener);

  // For tests and metrics.
  const Room* room(std::string_view id) const;

 private:
  using Participants = std::map<std::string, ParticipantRequest>;  // id -> what it asked for
  struct Entry {
    std::unique_ptr<Room> room;
    Participants participants;
    std::map<std::string, std::vector<std::shared_ptr<RtpLink>>> links;
    // Participants waiting in the lobby (PIN rooms): their prompt and digit queue.
    std::map<std::string, std::shared_ptr<Participant>> lobby;
    // Keyframes asked of each participant's incoming video (Participant::keyframes_asked).
    std::map<std::string, std::shared_ptr<std::atomic<uint32_t>>> keyframes_asked;
  };
  Entry* Lookup(std::string_view id_or_alias);  // mutex_ held
  const Entry* Lookup(std::string_view id_or_alias) const;
  RoomSummary SummaryOf(const Entry& entry) const;
  // The room and the participant's registry entry, or kNotFound naming which is missing.
  Result<std::pair<Entry*, Participants::iterator>, ControlError> FindParticipant(std::string_view room,
                                                                                  std::string_view participant_id);
  // mutex_ held.
  Result<std::shared_ptr<Participant>, ControlError> LobbyParticipant(std::string_view room,
                                                                      std::string_view participant_id);
  std::shared_ptr<Participant> MakeSynthetic(const Room& room, int index);
  void StartWatch(const std::string& room_id);

  Config config_;
  boost::asio::io_context& network_;
  boost::asio::io_context& media_;
  PoolParallelFor parallel_for_;
  transport::PortAllocator ports_;
  std::unique_ptr<mixer::TextRenderer> text_;

  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> rooms_;  // by canonical id; guarded by mutex_
  uint64_t next_participant_ = 1;                     // guarded by mutex_

  mutable std::mutex listener_mutex_;
  std::function<void(const ControlEvent&)> listener_;  // guarded by listener_mutex_
  void Emit(const ControlEvent& event);

  // Rooms live as long as the manager (they are made at Start and ended at Stop), so the
  // stream manager may hold references to them between calls.
  std::unique_ptr<stream::StreamManager> streams_;
};

}  // namespace tessera::mcu::conference

#pragma once
// Server: owns the process's threads and event loops (design.md §4) and answers the
// control plane through ConferenceControl.
//
//   network  — io_context on `server.network_threads` threads: sockets, RTP receive/send
//   media    — WorkerPool, one thread per core: conference ticks, decode, compose, encode
//   control  — io_context run by the thread that calls Run(): SIP, H.323, HTTP/WS, signals
//
// Run() blocks until SIGINT/SIGTERM or RequestStop(); shutdown callbacks (registered by the
// front ends, e.g. the HTTP server closing its acceptor) run first on the control thread,
// then every loop stops and every thread is joined.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "tessera/mcu/config.h"
#include "tessera/mcu/control.h"
#include "tessera/mcu/worker_pool.h"

namespace tessera::mcu {
namespace conference {
class ConferenceManager;
}

class Server final : public ConferenceControl {
 public:
  explicit Server(Config config);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const Config& config() const { return config_; }
  boost::asio::io_context& control_context() { return control_; }
  boost::asio::io_context& network_context() { return network_; }
  WorkerPool& media_workers() { return media_; }
  conference::ConferenceManager& conferences() { return *conferences_; }

  // Registers work to do when shutdown begins (on the control thread, before loops stop).
  void OnShutdown(std::function<void()> callback);

  // Runs until a signal or RequestStop(); returns after every thread has been joined.
  void Run();
  // May be called from any thread (and from a signal handler posted by Asio).
  void RequestStop();

  // ConferenceControl
  ServerInfo GetServerInfo() const override;
  std::optional<RoomSummary> FindRoom(std::string_view id_or_alias) const override;
  std::vector<RoomSummary> ListRooms() const override;
  Result<ParticipantResult, ControlError> AddParticipant(std::string_view room_id_or_alias,
                                                         const ParticipantRequest& request) override;
  Result<ParticipantResult, ControlError> UpdateParticipant(std::string_view room_id_or_alias,
                                                            std::string_view participant_id,
                                                            const ParticipantRequest& request) override;
  Result<void, ControlError> RemoveParticipant(std::string_view room_id_or_alias,
                                               std::string_view participant_id) override;
  Result<void, ControlError> KickParticipant(std::string_view room_id_or_alias,
                                             std::string_view participant_id) override;
  void SetCallEnder(std::string_view protocol, CallEnder ender) override;
  Result<void, ControlError> RequestKeyframe(std::string_view room_id_or_alias,
                                             std::string_view participant_id) override;
  Result<void, ControlError> PinParticipant(std::string_view room_id_or_alias, std::string_view participant_id,
                                            int position) override;
  Result<StreamInfo, ControlError> StartStream(std::string_view room, const StreamRequest& request) override;
  Result<void, ControlError> StopStream(std::string_view room, std::string_view stream_id) override;
  Result<std::vector<StreamInfo>, ControlError> ListStreams(std::string_view room) const override;
  std::vector<RecordingFile> ListRecordings() const override;
  Result<bool, ControlError> CheckPin(std::string_view room, std::string_view pin) const override;
  Result<void, ControlError> PlayPrompt(std::string_view room, std::string_view participant_id, Prompt prompt) override;
  Result<std::string, ControlError> TakeDigits(std::string_view room, std::string_view participant_id) override;
  Result<void, ControlError> AdmitParticipant(std::string_view room, std::string_view participant_id) override;
  Result<RoomSummary, ControlError> CreateRoom(const RoomSettings& settings) override;
  Result<RoomSummary, ControlError> UpdateRoom(std::string_view room, const RoomSettings& changes) override;
  Result<void, ControlError> DeleteRoom(std::string_view room) override;
  Result<std::vector<ParticipantInfo>, ControlError> ListParticipants(std::string_view room) override;
  Result<void, ControlError> MuteParticipant(std::string_view room, std::string_view participant_id, MediaKind kind,
                                             bool muted) override;
  Result<void, ControlError> SetDisplayName(std::string_view room, std::string_view participant_id,
                                            std::string_view name) override;
  Result<void, ControlError> SetLayout(std::string_view room, std::string_view layout) override;
  std::vector<std::string> LayoutNames() const override;
  std::vector<RoomStats> GetRoomStats() const override;
  Result<void, ControlError> SetCustomLayout(std::string_view room, const CustomLayout& layout) override;
  void ReportError(std::string_view room, std::string_view participant, std::string_view code, std::string_view message,
                   std::vector<std::pair<std::string, std::string>> fields) override;
  Result<std::string, ControlError> RenderLayoutPreview(std::string_view room, int width, int height,
                                                        const LayoutChoice& layout, std::string_view output) override;
  Result<void, ControlError> SetOutputLayout(std::string_view room, std::string_view output,
                                             const LayoutChoice& layout) override;
  Result<void, ControlError> ClearOutputLayout(std::string_view room, std::string_view output) override;
  void SetEventListener(std::function<void(const ControlEvent&)> listener) override;
  Result<uint32_t, ControlError> TakeKeyframeRequests(std::string_view room, std::string_view participant_id) override;
  Result<void, ControlError> SendDigits(std::string_view room, std::string_view participant_id,
                                        const DtmfSendRequest& request) override;

 private:
  void BeginShutdown();

  // owned
  Config config_;
  const std::chrono::steady_clock::time_point started_;
  boost::asio::io_context control_;
  boost::asio::io_context network_;
  WorkerPool media_;
  std::unique_ptr<conference::ConferenceManager> conferences_;  // the rooms; stopped before the loops
  boost::asio::signal_set signals_;
  std::vector<std::function<void()>> shutdown_callbacks_;
  std::vector<std::thread> network_threads_;
  bool shutting_down_ = false;  // control thread only
};

}  // namespace tessera::mcu

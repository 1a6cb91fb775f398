#include "tessera/mcu/server.h"

#include <pthread.h>

#include <boost/asio/post.hpp>
#include <csignal>

#include "tessera/base/log.h"
#include "tessera/base/version.h"
#include "tessera/codecs/library_versions.h"
#include "tessera/mcu/conference/conference_manager.h"
#include "tessera/mixer/video/layout.h"

namespace tessera::mcu {
namespace {

constexpr log::Component kLog{"server"};

}  // namespace

Server::Server(Config config)
    : config_(std::move(config)),
      started_(std::chrono::steady_clock::now()),
      control_(1),
      network_(config_.server.network_threads),
      media_("media", config_.server.worker_threads),
      signals_(control_, SIGINT, SIGTERM) {
  conferences_ = std::make_unique<conference::ConferenceManager>(config_, network_, media_.context(), media_.size());
}

Server::~Server() {
  conferences_.reset();
  // Run() joins everything; this covers a Server that was built but never run.
  media_.Stop();
  media_.Join();
  network_.stop();
  for (std::thread& t : network_threads_) {
    if (t.joinable()) t.join();
  }
}

void Server::OnShutdown(std::function<void()> callback) {
  shutdown_callbacks_.push_back(std::move(callback));
}

void Server::Run() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    TLOG_INFO(kLog, "received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
    BeginShutdown();
  });

  auto network_work = boost::asio::make_work_guard(network_);
  for (int i = 0; i < config_.server.network_threads; ++i) {
    network_threads_.emplace_back([this, i] {
      const std::string name = "network-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.c_str());
      network_.run();
    });
  }
  media_.Start();
  TLOG_INFO(kLog, "running: {} network thread(s), {} media worker(s)", config_.server.network_threads, media_.size());
  conferences_->Start();

  // The signal wait and the front ends' acceptors keep control_ busy until BeginShutdown.
  control_.run();

  // Control loop has returned: stop the rest and join it.
  network_work.reset();
  network_.stop();
  media_.Stop();
  for (std::thread& t : network_threads_) {
    if (t.joinable()) t.join();
  }
  network_threads_.clear();
  media_.Join();
  TLOG_INFO(kLog, "stopped");
}

void Server::RequestStop() {
  boost::asio::post(control_, [this] { BeginShutdown(); });
}

void Server::BeginShutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  signals_.cancel();
  for (auto& callback : shutdown_callbacks_)
    callback();
  conferences_->Stop();  // rooms stop their clocks and close their sockets while the loops run
  // Front ends have closed their acceptors and sessions; nothing else runs on control_.
  control_.stop();
}

ServerInfo Server::GetServerInfo() const {
  return ServerInfo{config_.server.name, kVersion, std::chrono::steady_clock::now() - started_,
                    codecs::CodecLibraryVersions()};
}

std::optional<RoomSummary> Server::FindRoom(std::string_view id_or_alias) const {
  return conferences_->FindRoom(id_or_alias);
}
std::vector<RoomSummary> Server::ListRooms() const {
  return conferences_->ListRooms();
}
Result<ParticipantResult, ControlError> Server::AddParticipant(std::string_view room,
                                                               const ParticipantRequest& request) {
  return conferences_->AddParticipant(room, request);
}
Result<ParticipantResult, ControlError> Server::UpdateParticipant(std::string_view room, std::string_view participant,
                                                                  const ParticipantRequest& request) {
  return conferences_->UpdateParticipant(room, participant, request);
}
Result<void, ControlError> Server::RemoveParticipant(std::string_view room, std::string_view participant) {
  return conferences_->RemoveParticipant(room, participant);
}
Result<void, ControlError> Server::KickParticipant(std::string_view room, std::string_view participant) {
  return conferences_->KickParticipant(room, participant);
}
void Server::SetCallEnder(std::string_view protocol, CallEnder ender) {
  conferences_->SetCallEnder(protocol, std::move(ender));
}
Result<void, ControlError> Server::RequestKeyframe(std::string_view room, std::string_view participant) {
  return conferences_->RequestKeyframe(room, participant);
}
Result<void, ControlError> Server::PinParticipant(std::string_view room, std::string_view participant, int position) {
  return conferences_->PinParticipant(room, participant, position);
}

Result<StreamInfo, ControlError> Server::StartStream(std::string_view room, const StreamRequest& request) {
  return conferences_->StartStream(room, request);
}

Result<void, ControlError> Server::StopStream(std::string_view room, std::string_view stream_id) {
  return conferences_->StopStream(room, stream_id);
}

Result<std::vector<StreamInfo>, ControlError> Server::ListStreams(std::string_view room) const {
  return conferences_->ListStreams(room);
}

std::vector<RecordingFile> Server::ListRecordings() const {
  return conferences_->ListRecordings();
}

Result<bool, ControlError> Server::CheckPin(std::string_view room, std::string_view pin) const {
  return conferences_->CheckPin(room, pin);
}

Result<void, ControlError> Server::PlayPrompt(std::string_view room, std::string_view participant, Prompt prompt) {
  return conferences_->PlayPrompt(room, participant, prompt);
}

Result<std::string, ControlError> Server::TakeDigits(std::string_view room, std::string_view participant) {
  return conferences_->TakeDigits(room, participant);
}

Result<uint32_t, ControlError> Server::TakeKeyframeRequests(std::string_view room, std::string_view participant) {
  return conferences_->TakeKeyframeRequests(room, participant);
}

Result<void, ControlError> Server::SendDigits(std::string_view room, std::string_view participant,
                                              const DtmfSendRequest& request) {
  return conferences_->SendDigits(room, participant, request);
}

Result<void, ControlError> Server::AdmitParticipant(std::string_view room, std::string_view participant) {
  return conferences_->AdmitParticipant(room, participant);
}

Result<RoomSummary, ControlError> Server::CreateRoom(const RoomSettings& settings) {
  return conferences_->CreateRoom(settings);
}
Result<RoomSummary, ControlError> Server::UpdateRoom(std::string_view room, const RoomSettings& changes) {
  return conferences_->UpdateRoom(room, changes);
}
Result<void, ControlError> Server::DeleteRoom(std::string_view room) {
  return conferences_->DeleteRoom(room);
}
Result<std::vector<ParticipantInfo>, ControlError> Server::ListParticipants(std::string_view room) {
  return conferences_->ListParticipants(room);
}
Result<void, ControlError> Server::MuteParticipant(std::string_view room, std::string_view participant, MediaKind kind,
                                                   bool muted) {
  return conferences_->MuteParticipant(room, participant, kind, muted);
}
Result<void, ControlError> Server::SetDisplayName(std::string_view room, std::string_view participant,
                                                  std::string_view name) {
  return conferences_->SetDisplayName(room, participant, name);
}
Result<void, ControlError> Server::SetLayout(std::string_view room, std::string_view layout) {
  return conferences_->SetLayout(room, layout);
}
Result<void, ControlError> Server::SetCustomLayout(std::string_view room, const CustomLayout& layout) {
  return conferences_->SetCustomLayout(room, layout);
}
void Server::ReportError(std::string_view room, std::string_view participant, std::string_view code,
                         std::string_view message, std::vector<std::pair<std::string, std::string>> fields) {
  conferences_->ReportError(room, participant, code, message, std::move(fields));
}
std::vector<std::string> Server::LayoutNames() const {
  return conferences_->LayoutNames();
}
std::vector<RoomStats> Server::GetRoomStats() const {
  return conferences_->GetRoomStats();
}
Result<std::string, ControlError> Server::RenderLayoutPreview(std::string_view room, int width, int height,
                                                              const LayoutChoice& layout, std::string_view output) {
  return conferences_->RenderLayoutPreview(room, width, height, layout, output);
}
Result<void, ControlError> Server::SetOutputLayout(std::string_view room, std::string_view output,
                                                   const LayoutChoice& layout) {
  return conferences_->SetOutputLayout(room, output, layout);
}
Result<void, ControlError> Server::ClearOutputLayout(std::string_view room, std::string_view output) {
  return conferences_->ClearOutputLayout(room, output);
}
void Server::SetEventListener(std::function<void(const ControlEvent&)> listener) {
  conferences_->SetEventListener(std::move(listener));
}

}  // namespace tessera::mcu

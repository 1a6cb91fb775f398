#include "tessera/mcu/stream/stream_manager.h"

#include <algorithm>
#include <system_error>

#include "tessera/base/log.h"
#include "tessera/mcu/conference/room.h"

namespace tessera::mcu::stream {

namespace {

constexpr log::Component kLog{"stream", log::Tag::kMedia};

ControlError Bad(std::string message) { return ControlError{ControlError::Kind::kBadRequest, std::move(message)}; }

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// A file or folder name of letters, digits, '-' and '_' (and '.' inside, for files), so it
// can never name another folder.
bool IsSafeName(const std::string& name, bool dots) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  for (char c : name)
    if (!IsNameChar(c) && !(dots && c == '.')) return false;
  return name.find("..") == std::string::npos;
}

bool HasScheme(const std::string& url, std::initializer_list<const char*> schemes) {
  for (const char* s : schemes)
    if (url.rfind(s, 0) == 0 && url.size() > std::char_traits<char>::length(s)) return true;
  return false;
}

bool IsPrintable(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

StreamManager::StreamManager(StreamManagerOptions options, EventSink events)
    : options_(std::move(options)), events_(std::move(events)) {}

StreamManager::~StreamManager() {
  // Rooms are gone by now (StopAll should have run): only threads are stopped here.
  std::map<std::string, RoomStreams> rooms;
  {
    std::lock_guard lock(mutex_);
    rooms.swap(rooms_);
  }
  for (auto& [id, streams] : rooms) {
    if (!streams.hub) continue;
    for (auto& sink : streams.hub->sinks()) sink->Stop();
    streams.hub->Stop();
  }
}

std::string StreamManager::MaskTarget(StreamRequest::Kind kind, const std::string& target) {
  if (kind != StreamRequest::Kind::kRtmp && kind != StreamRequest::Kind::kSrt) return target;
  std::string shown = target.substr(0, target.find('?'));
  const size_t authority = shown.find("://");
  const size_t slash = shown.rfind('/');
  if (authority != std::string::npos && slash != std::string::npos && slash > authority + 2 && slash + 1 < shown.size())
    shown = shown.substr(0, slash + 1) + "***";
  if (shown.size() < target.size() && target.find('?') != std::string::npos) shown += "?***";
  return shown;
}

Result<std::string, ControlError> StreamManager::Destination(const std::string& room_id,
                                                             const StreamRequest& request) const {
  const std::string& target = request.target;
  if (request.height < 144 || request.height > 2160)
    return MakeUnexpected(Bad("height: expected 144 to 2160, got " + std::to_string(request.height)));
  if (target.empty() || target.size() > 2048 || !IsPrintable(target))
    return MakeUnexpected(Bad("target: expected 1 to 2048 printable characters without spaces"));
  switch (request.kind) {
    case StreamRequest::Kind::kRtmp:
      if (!HasScheme(target, {"rtmp://", "rtmps://"}))
        return MakeUnexpected(Bad("target: expected an rtmp:// or rtmps:// URL"));
      return target;
    case StreamRequest::Kind::kSrt:
      if (!HasScheme(target, {"srt://"})) return MakeUnexpected(Bad("target: expected an srt:// URL"));
      return target;
    case StreamRequest::Kind::kHls: {
      if (!IsSafeName(target, false))
        return MakeUnexpected(Bad("target: expected an HLS name of letters, digits, '-' and '_'"));
      const auto folder = options_.hls_dir / room_id / target;
      std::error_code ec;
      std::filesystem::create_directories(folder, ec);
      if (ec)
        return MakeUnexpected(
            ControlError{ControlError::Kind::kInternal, "cannot make the HLS folder: " + ec.message()});
      return (folder / "index.m3u8").string();
    }
    case StreamRequest::Kind::kRecording: {
      const std::string& name = target;
      if (!IsSafeName(name, true))
        return MakeUnexpected(Bad("target: expected a file name of letters, digits, '-', '_' and '.', without folders"));
      std::error_code ec;
      std::filesystem::create_directories(options_.recordings_dir, ec);
      if (ec)
        return MakeUnexpected(
            ControlError{ControlError::Kind::kInternal, "cannot make the recordings folder: " + ec.message()});
      const auto path = options_.recordings_dir / name;
      if (std::filesystem::exists(path, ec))
        return MakeUnexpected(ControlError{ControlError::Kind::kConflict, "recording " + name + " already exists"});
      return path.string();
    }
  }
  return MakeUnexpected(Bad("kind: unknown"));
}

Result<StreamInfo, ControlError> StreamManager::Start(conference::Room& room, const StreamRequest& request,
                                                      std::shared_ptr<const mixer::LayoutSpec> layout) {
  const std::string room_id = room.config().id;
  // Recordings are named with their extension everywhere (list, conflicts, files).
  StreamRequest normalized = request;
  if (request.kind == StreamRequest::Kind::kRecording && !EndsWith(request.target, ".mp4")) normalized.target += ".mp4";
  std::vector<std::shared_ptr<StreamSink>> reaped;
  StreamInfo info;
  {
    std::lock_guard lock(mutex_);
    RoomStreams& streams = rooms_[room_id];
    if (streams.hub) reaped = ReapEnded(streams);
    if (streams.hub) {
      for (const auto& sink : streams.hub->sinks()) {
        const StreamInfo other = sink->info();
        const bool same_file = other.request.kind == normalized.kind &&
                               (normalized.kind == StreamRequest::Kind::kHls ||
                                normalized.kind == StreamRequest::Kind::kRecording) &&
                               other.request.target == normalized.target;
        if (same_file)
          return MakeUnexpected(ControlError{ControlError::Kind::kConflict,
                                             std::string(StreamKindName(normalized.kind)) + " " + normalized.target +
                                                 " is already running as " + other.id});
      }
    }
    auto url = Destination(room_id, normalized);
    if (!url) return MakeUnexpected(url.error());
    if (!streams.hub) {
      auto hub = StreamHub::Create(room_id);
      if (!hub) return MakeUnexpected(ControlError{ControlError::Kind::kInternal, "streaming: " + hub.error()});
      streams.hub = std::move(*hub);
      room.AttachAudioTap(streams.hub->audio_tap());
    }
    info.id = "s" + std::to_string(next_id_++);
    const std::string tap_key = StreamHub::TapKey(normalized, info.id);
    auto [tap, made] = streams.hub->VideoTapFor(tap_key, request.height, std::move(layout));
    if (made) room.AttachVideoTap(tap);

    info.room = room_id;
    info.request = normalized;
    info.request.target = MaskTarget(normalized.kind, normalized.target);
    info.started = std::chrono::system_clock::now();
    SinkOptions sink_options = options_.sink;
    sink_options.url = *url;
    sink_options.tap_key = tap_key;
    sink_options.audio_extradata = streams.hub->audio_extradata();
    sink_options.audio_bitrate_bps = streams.hub->audio_bitrate_bps();
    auto sink = std::make_shared<StreamSink>(info, std::move(sink_options),
                                             [this](const StreamInfo& changed) { Emit(changed); });
    streams.hub->AddSink(sink);
    sink->Start();
  }
  for (auto& sink : reaped) sink->Stop();
  TLOG_INFO(kLog, "room {}: stream {} started: {} {} at {}p", room_id, info.id, StreamKindName(request.kind),
            info.request.target, request.height);
  return info;
}

Result<void, ControlError> StreamManager::Stop(conference::Room& room, std::string_view stream_id) {
  const std::string room_id = room.config().id;
  std::shared_ptr<StreamSink> sink;
  std::unique_ptr<StreamHub> idle;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(room_id);
    if (it == rooms_.end())
      return MakeUnexpected(ControlError{ControlError::Kind::kNotFound, "no stream " + std::string(stream_id)});
    RoomStreams& streams = it->second;
    for (const StreamInfo& ended : streams.ended)
      if (ended.id == stream_id)
        return MakeUnexpected(
            ControlError{ControlError::Kind::kConflict, "stream " + std::string(stream_id) + " has already ended"});
    if (streams.hub)
      for (const auto& s : streams.hub->sinks())
        if (s->info().id == stream_id) sink = s;
    if (!sink) return MakeUnexpected(ControlError{ControlError::Kind::kNotFound, "no stream " + std::string(stream_id)});
    if (sink->ended())
      return MakeUnexpected(
          ControlError{ControlError::Kind::kConflict, "stream " + std::string(stream_id) + " has already ended"});
    streams.hub->RemoveSink(sink->info().id);
    idle = Release(room, streams);
  }
  sink->Stop();  // joins its thread: outside the lock
  if (idle) idle->Stop();
  {
    std::lock_guard lock(mutex_);
    RoomStreams& streams = rooms_[room_id];
    streams.ended.push_back(sink->info());
    while (streams.ended.size() > options_.ended_kept_per_room) streams.ended.pop_front();
  }
  TLOG_INFO(kLog, "room {}: stream {} stopped", room_id, stream_id);
  return {};
}

std::vector<std::shared_ptr<StreamSink>> StreamManager::ReapEnded(RoomStreams& streams) {
  std::vector<std::shared_ptr<StreamSink>> reaped;
  for (const auto& sink : streams.hub->sinks()) {
    if (!sink->ended()) continue;
    streams.hub->RemoveSink(sink->info().id);
    streams.ended.push_back(sink->info());
    reaped.push_back(sink);
  }
  while (streams.ended.size() > options_.ended_kept_per_room) streams.ended.pop_front();
  return reaped;
}

std::unique_ptr<StreamHub> StreamManager::Release(conference::Room& room, RoomStreams& streams) {
  for (auto& tap : streams.hub->TakeUnusedVideoTaps()) room.DetachVideoTap(tap);
  if (!streams.hub->empty()) return nullptr;
  room.DetachAudioTap();
  return std::move(streams.hub);
}

std::vector<StreamInfo> StreamManager::List(const std::string& room_id) const {
  std::lock_guard lock(mutex_);
  std::vector<StreamInfo> out;
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return out;
  out.assign(it->second.ended.begin(), it->second.ended.end());
  if (it->second.hub)
    for (const auto& sink : it->second.hub->sinks()) out.push_back(sink->info());
  std::sort(out.begin(), out.end(), [](const StreamInfo& a, const StreamInfo& b) { return a.started < b.started; });
  return out;
}

std::vector<RecordingFile> StreamManager::ListRecordings() const {
  std::vector<std::string> running;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, streams] : rooms_)
      if (streams.hub)
        for (const auto& sink : streams.hub->sinks()) {
          const StreamInfo info = sink->info();
          if (info.request.kind != StreamRequest::Kind::kRecording || sink->ended()) continue;
          running.push_back(info.request.target);
        }
  }
  std::vector<RecordingFile> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(options_.recordings_dir, ec)) {
    if (!entry.is_regular_file(ec) || entry.path().extension() != ".mp4") continue;
    RecordingFile file;
    file.name = entry.path().filename().string();
    file.bytes = entry.file_size(ec);
    const auto written = entry.last_write_time(ec);
    file.modified = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        written - std::filesystem::file_time_type::clock::now() + std::chrono::system_clock::now());
    file.in_progress = std::find(running.begin(), running.end(), file.name) != running.end();
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

void StreamManager::StopRoom(conference::Room& room) {
  std::vector<std::string> ids;
  for (const StreamInfo& info : List(room.config().id))
    if (info.state != StreamInfo::State::kStopped && info.state != StreamInfo::State::kFailed) ids.push_back(info.id);
  for (const auto& id : ids) (void)Stop(room, id);
  std::vector<std::shared_ptr<StreamSink>> reaped;
  std::unique_ptr<StreamHub> idle;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(room.config().id);
    if (it != rooms_.end() && it->second.hub) {
      reaped = ReapEnded(it->second);
      idle = Release(room, it->second);
    }
  }
  for (auto& sink : reaped) sink->Stop();
  if (idle) idle->Stop();
}

void StreamManager::StopAll(const std::function<conference::Room*(const std::string&)>& room_of) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, streams] : rooms_) ids.push_back(id);
  }
  for (const auto& id : ids)
    if (conference::Room* room = room_of(id)) StopRoom(*room);
}

void StreamManager::Emit(const StreamInfo& info) {
  TLOG_INFO(kLog, "room {}: stream {} {}{}{}", info.room, info.id, StreamStateName(info.state),
            info.error.empty() ? "" : ": ", info.error);
  if (!events_) return;
  ControlEvent event;
  event.type = "stream.state";
  event.room = info.room;
  event.fields = {{"id", info.id},
                  {"kind", StreamKindName(info.request.kind)},
                  {"target", info.request.target},
                  {"state", StreamStateName(info.state)}};
  if (!info.error.empty()) event.fields.emplace_back("error", info.error);
  events_(event);
  // Operators watch "error" events: a stream that gave up (a full disk, a URL that cannot
  // work) or an ingest that dropped (retried with backoff, so at most one per attempt).
  if (info.state != StreamInfo::State::kFailed && info.state != StreamInfo::State::kRetrying) return;
  const bool failed = info.state == StreamInfo::State::kFailed;
  ControlEvent error;
  error.type = "error";
  error.room = info.room;
  error.fields = {{"code", failed ? "stream_failed" : "stream_retrying"},
                  {"message", fmt::format("{} {} {}: {}", StreamKindName(info.request.kind), info.request.target,
                                          failed ? "failed" : "lost its ingest, retrying",
                                          info.error.empty() ? "unknown error" : info.error)},
                  {"stream", info.id},
                  {"attempts", std::to_string(info.attempts)}};
  events_(error);
}

}  // namespace tessera::mcu::stream

#include "tessera/signaling/api/streams_api.h"

#include <fmt/format.h>
#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include "tessera/base/log.h"
#include "tessera/signaling/api/endpoints_api.h"
#include "tessera/signaling/api/json_request.h"
#include "tessera/signaling/api/rooms_api.h"

namespace tessera::signaling::api {
namespace {

constexpr log::Component kLog{"api.streams", log::Tag::kApi};
using nlohmann::json;
using Kind = mcu::StreamRequest::Kind;

std::string Iso8601(std::chrono::system_clock::time_point t) {
  if (t == std::chrono::system_clock::time_point{}) return "";
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

json StreamJson(const mcu::StreamInfo& s) {
  json j{{"id", s.id},
         {"room", s.room},
         {"kind", mcu::StreamKindName(s.request.kind)},
         {"height", s.request.height},
         {"state", mcu::StreamStateName(s.state)},
         {"error", s.error},
         {"bytes", s.bytes},
         {"video_frames", s.video_frames},
         {"attempts", s.attempts},
         {"started", Iso8601(s.started)}};
  // A picture of its own; otherwise it shows its output's (the room's or its rung's).
  if (s.request.layout.custom)
    j["layout"] = "custom";
  else if (s.request.layout.name)
    j["layout"] = *s.request.layout.name;
  // An ingest URL may carry a stream key: only its scheme and host are shown.
  if (s.request.kind == Kind::kRtmp || s.request.kind == Kind::kSrt) {
    const size_t scheme = s.request.target.find("://");
    const size_t host_end = s.request.target.find_first_of("/?", scheme == std::string::npos ? 0 : scheme + 3);
    j["target"] = s.request.target.substr(0, host_end) + (host_end == std::string::npos ? "" : "/***");
  } else {
    j["target"] = s.request.target;
  }
  if (s.request.kind == Kind::kHls) j["playlist"] = fmt::format("/hls/{}/{}/index.m3u8", s.room, s.request.target);
  if (s.request.kind == Kind::kRecording) j["download"] = "/api/v1/recordings/" + s.request.target;
  return j;
}

bool IsRecording(const mcu::StreamInfo& s) {
  return s.request.kind == Kind::kRecording;
}

std::string_view ContentTypeOf(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".m3u8")) return "application/vnd.apple.mpegurl";
  if (ends(".ts")) return "video/mp2t";
  if (ends(".m4s") || ends(".mp4")) return "video/mp4";
  if (ends(".mkv")) return "video/x-matroska";
  return "application/octet-stream";
}

// `name` inside `folder`, or nullopt. The name is already IsSafeName (no '/', no leading
// '.'), and the resolved path is checked to stay inside the folder all the same.
std::optional<std::filesystem::path> Inside(const std::filesystem::path& folder,
                                            std::initializer_list<std::string_view> parts) {
  std::filesystem::path p = folder;
  for (std::string_view part : parts) {
    if (!IsSafeName(part)) return std::nullopt;
    p /= std::string(part);
  }
  std::error_code ec;
  const auto base = std::filesystem::weakly_canonical(folder, ec);
  const auto full = std::filesystem::weakly_canonical(p, ec);
  if (ec) return std::nullopt;
  auto [b, f] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (b != base.end()) return std::nullopt;
  if (!std::filesystem::is_regular_file(full, ec)) return std::nullopt;
  return full;
}

}  // namespace

void StreamsApi::Register(http::Router& router) {
  using http::Access;
  using http::Verb;
  using P = const http::PathParams&;
  using R = const http::Request&;
  for (bool recording : {false, true}) {
    const std::string base = recording ? "/api/v1/rooms/{room}/recordings" : "/api/v1/rooms/{room}/broadcasts";
    router.Add(
        Verb::get, base, [this, recording](R, P p) { return List(p.at("room"), recording); }, Access::kRead);
    router.Add(
        Verb::post, base, [this, recording](R r, P p) { return Start(r, p.at("room"), recording); }, Access::kOperate);
    router.Add(
        Verb::get, base + "/{id}", [this, recording](R, P p) { return Get(p.at("room"), p.at("id"), recording); },
        Access::kRead);
    router.Add(
        Verb::delete_, base + "/{id}", [this, recording](R, P p) { return Stop(p.at("room"), p.at("id"), recording); },
        Access::kOperate);
  }
  router.Add(
      Verb::get, "/api/v1/recordings", [this](R, P) { return ListFiles(); }, Access::kRead);
  router.Add(
      Verb::get, "/api/v1/recordings/{name}", [this](R, P p) { return Download(p.at("name")); }, Access::kRead);
  router.Add(
      Verb::get, "/hls/{room}/{name}/{file}", [this](R, P p) { return Hls(p.at("room"), p.at("name"), p.at("file")); },
      Access::kRead);
}

http::Response StreamsApi::List(const std::string& room, bool recordings) const {
  auto streams = control_.ListStreams(room);
  if (!streams) return ControlErrorResponse(streams.error());
  json list = json::array();
  for (const mcu::StreamInfo& s : *streams)
    if (IsRecording(s) == recordings) list.push_back(StreamJson(s));
  return http::JsonResponse(http::Status::ok, {{recordings ? "recordings" : "broadcasts", list}});
}

http::Response StreamsApi::Start(const http::Request& request, const std::string& room, bool recording) {
  if (auto refused = RequireJson(request)) return std::move(*refused);
  auto parsed = recording ? ParseRecordingRequest(request.body()) : ParseBroadcastRequest(request.body());
  if (!parsed) return BadField(parsed.error());
  auto started = control_.StartStream(room, *parsed);
  if (!started) return ControlErrorResponse(started.error());
  TLOG_INFO(kLog, "room {}: {} {} started through the API", room, mcu::StreamKindName(parsed->kind), started->id);
  http::Response response = http::JsonResponse(http::Status::created, StreamJson(*started));
  response.set(boost::beast::http::field::location, fmt::format("/api/v1/rooms/{}/{}/{}", started->room,
                                                                recording ? "recordings" : "broadcasts", started->id));
  return response;
}

http::Response StreamsApi::Get(const std::string& room, const std::string& id, bool recording) const {
  auto streams = control_.ListStreams(room);
  if (!streams) return ControlErrorResponse(streams.error());
  for (const mcu::StreamInfo& s : *streams)
    if (s.id == id && IsRecording(s) == recording) return http::JsonResponse(http::Status::ok, StreamJson(s));
  return http::ErrorResponse(http::Status::not_found, fmt::format("no {} \"{}\" in room \"{}\"",
                                                                  recording ? "recording" : "broadcast", id, room));
}

http::Response StreamsApi::Stop(const std::string& room, const std::string& id, bool recording) {
  // The kind must match the resource: a recording is not stopped through /broadcasts.
  http::Response found = Get(room, id, recording);
  if (found.result() != http::Status::ok) return found;
  auto stopped = control_.StopStream(room, id);
  if (!stopped) return ControlErrorResponse(stopped.error());
  TLOG_INFO(kLog, "room {}: stream {} stopped through the API", room, id);
  return NoContent();
}

http::Response StreamsApi::ListFiles() const {
  json files = json::array();
  for (const mcu::RecordingFile& f : control_.ListRecordings())
    files.push_back({{"name", f.name},
                     {"bytes", f.bytes},
                     {"modified", Iso8601(f.modified)},
                     {"in_progress", f.in_progress},
                     {"download", "/api/v1/recordings/" + f.name}});
  return http::JsonResponse(http::Status::ok, {{"recordings", files}});
}

http::Response StreamsApi::Download(const std::string& name) const {
  const auto path = Inside(folders_.recordings, {name});
  if (!path) return http::ErrorResponse(http::Status::not_found, fmt::format("no recording \"{}\"", name));
  http::Response response = http::FileResponse(path->string(), ContentTypeOf(name));
  response.set(boost::beast::http::field::content_disposition, fmt::format("attachment; filename=\"{}\"", name));
  return response;
}

http::Response StreamsApi::Hls(const std::string& room, const std::string& name, const std::string& file) const {
  const auto path = Inside(folders_.hls, {room, name, file});
  if (!path) return http::ErrorResponse(http::Status::not_found, "no such HLS file");
  http::Response response = http::FileResponse(path->string(), ContentTypeOf(file));
  // The playlist changes with every segment; segments never change once written.
  response.set(boost::beast::http::field::cache_control, file.ends_with(".m3u8") ? "no-cache" : "public, max-age=3600");
  return response;
}

}  // namespace tessera::signaling::api

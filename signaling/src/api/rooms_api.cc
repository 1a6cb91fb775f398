#include "tessera/signaling/api/rooms_api.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include <charconv>

#include "tessera/base/log.h"
#include "tessera/signaling/api/endpoints_api.h"
#include "tessera/signaling/api/json_request.h"

namespace tessera::signaling::api {
namespace {

constexpr log::Component kLog{"api.rooms", log::Tag::kApi};
using nlohmann::json;
namespace field = boost::beast::http;

json CustomLayoutJson(const mcu::CustomLayout& layout) {
  json tiles = json::array();
  for (const mcu::CustomTile& t : layout.tiles) {
    tiles.push_back({{"x", t.x},
                     {"y", t.y},
                     {"width", t.width},
                     {"height", t.height},
                     {"z", t.z},
                     {"role", t.role},
                     {"slot", t.slot},
                     {"border", t.border},
                     {"fit", t.fit}});
  }
  return {{"tiles", tiles}, {"allow_overlap", layout.allow_overlap}};
}

json RoomJson(const mcu::RoomSummary& r) {
  json own = json::object();
  for (const mcu::OutputLayout& o : r.output_layouts)
    own[o.output] = o.layout;
  return {{"id", r.id},
          {"name", r.name},
          {"aliases", r.aliases},
          {"locked", r.locked},
          {"has_pin", r.has_pin},
          {"layout", r.layout},
          {"rungs", r.rungs},
          {"output_layouts", own},
          {"participants", r.participants},
          {"max_participants", r.max_participants}};
}

json MediaJson(const mcu::MediaStats& m) {
  if (!m.present) return nullptr;
  json j{{"codec", m.codec},
         {"receiving", m.receiving},
         {"sending", m.sending},
         {"muted", m.muted},
         {"packets_received", m.packets_received},
         {"bytes_received", m.bytes_received},
         {"packets_lost", m.packets_lost},
         {"jitter_ms", m.jitter_ms},
         {"packets_sent", m.packets_sent},
         {"bytes_sent", m.bytes_sent},
         {"rtt_ms", m.rtt_ms ? json(*m.rtt_ms) : json(nullptr)},
         {"nack_sent", m.nack_sent},
         {"pli_sent", m.pli_sent},
         {"fir_sent", m.fir_sent},
         {"keyframe_requests_received", m.keyframe_requests_received},
         {"nack_received", m.nack_received},
         {"packets_resent", m.packets_resent},
         {"frames_decoded", m.frames_decoded},
         {"decode_errors", m.decode_errors},
         {"srtp_failures", m.srtp_failures}};
  if (!m.output.empty()) j["output"] = m.output;
  return j;
}

json ParticipantJson(const mcu::ParticipantInfo& p) {
  return {{"id", p.id},
          {"room", p.room},
          {"display_name", p.display_name},
          {"protocol", p.protocol},
          {"remote", p.remote},
          {"lobby", p.lobby},
          {"talking", p.talking},
          {"active_speaker", p.active_speaker},
          {"pin", p.pin},
          {"audio", MediaJson(p.audio)},
          {"video", MediaJson(p.video)}};
}

http::Response NotFoundRoom(const std::string& room) {
  return http::ErrorResponse(http::Status::not_found, fmt::format("no room \"{}\"", room));
}

}  // namespace

std::optional<http::Response> RequireJson(const http::Request& request) {
  const auto value = request[field::field::content_type];
  std::string type(value.data(), value.size());
  type = type.substr(0, type.find(';'));
  std::erase_if(type, [](char c) { return c == ' ' || c == '\t'; });
  for (char& c : type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type != "application/json")
    return http::ErrorResponse(http::Status::unsupported_media_type,
                               "the body must be JSON with Content-Type: application/json");
  return std::nullopt;
}

http::Response BadField(const FieldError& error) {
  return http::FieldErrorResponse(error.field, error.expected, error.message);
}

http::Response NoContent() {
  http::Response response{http::Status::no_content, 11};
  response.prepare_payload();
  return response;
}

void RoomsApi::Register(http::Router& router) {
  using http::Access;
  using http::Verb;
  using P = const http::PathParams&;
  using R = const http::Request&;
  router.Add(
      Verb::get, "/api/v1/rooms", [this](R, P) { return ListRooms(); }, Access::kRead);
  router.Add(
      Verb::post, "/api/v1/rooms", [this](R r, P) { return CreateRoom(r); }, Access::kOperate);
  router.Add(
      Verb::get, "/api/v1/rooms/{room}", [this](R, P p) { return GetRoom(p.at("room")); }, Access::kRead);
  router.Add(
      Verb::patch, "/api/v1/rooms/{room}", [this](R r, P p) { return UpdateRoom(r, p.at("room")); }, Access::kOperate);
  router.Add(
      Verb::delete_, "/api/v1/rooms/{room}", [this](R, P p) { return DeleteRoom(p.at("room")); }, Access::kOperate);
  router.Add(
      Verb::get, "/api/v1/rooms/{room}/participants", [this](R, P p) { return ListParticipants(p.at("room")); },
      Access::kRead);
  router.Add(
      Verb::get, "/api/v1/rooms/{room}/participants/{id}",
      [this](R, P p) { return GetParticipant(p.at("room"), p.at("id")); }, Access::kRead);
  router.Add(
      Verb::patch, "/api/v1/rooms/{room}/participants/{id}",
      [this](R r, P p) { return UpdateParticipant(r, p.at("room"), p.at("id")); }, Access::kOperate);
  router.Add(
      Verb::delete_, "/api/v1/rooms/{room}/participants/{id}",
      [this](R, P p) { return RemoveParticipant(p.at("room"), p.at("id")); }, Access::kOperate);
  router.Add(
      Verb::get, "/api/v1/rooms/{room}/layout", [this](R, P p) { return GetLayout(p.at("room")); }, Access::kRead);
  router.Add(
      Verb::put, "/api/v1/rooms/{room}/layout", [this](R r, P p) { return SetLayout(r, p.at("room")); },
      Access::kOperate);
  router.Add(
      Verb::get, "/api/v1/rooms/{room}/layout/preview.png", [this](R r, P p) { return Preview(r, p.at("room")); },
      Access::kRead);
  // A layout to try out (in the body) drawn for the room's participants; nothing changes,
  // so reading is enough.
  router.Add(
      Verb::post, "/api/v1/rooms/{room}/layout/preview.png", [this](R r, P p) { return Preview(r, p.at("room")); },
      Access::kRead);
  // Layouts per output: a rung's outputs may show a layout of their own.
  router.Add(
      Verb::get, "/api/v1/rooms/{room}/outputs", [this](R, P p) { return ListOutputs(p.at("room")); }, Access::kRead);
  router.Add(
      Verb::get, "/api/v1/rooms/{room}/outputs/{output}/layout",
      [this](R, P p) { return GetOutputLayout(p.at("room"), p.at("output")); }, Access::kRead);
  router.Add(
      Verb::put, "/api/v1/rooms/{room}/outputs/{output}/layout",
      [this](R r, P p) { return SetOutputLayout(r, p.at("room"), p.at("output")); }, Access::kOperate);
  router.Add(
      Verb::delete_, "/api/v1/rooms/{room}/outputs/{output}/layout",
      [this](R, P p) { return ClearOutputLayout(p.at("room"), p.at("output")); }, Access::kOperate);
  router.Add(
      Verb::get, "/api/v1/rooms/{room}/outputs/{output}/layout/preview.png",
      [this](R r, P p) { return Preview(r, p.at("room"), p.at("output")); }, Access::kRead);
  router.Add(
      Verb::post, "/api/v1/rooms/{room}/outputs/{output}/layout/preview.png",
      [this](R r, P p) { return Preview(r, p.at("room"), p.at("output")); }, Access::kRead);
  router.Add(
      Verb::post, "/api/v1/rooms/{room}/dial", [this](R r, P p) { return Dial(r, p.at("room")); }, Access::kOperate);
}

http::Response RoomsApi::ListRooms() const {
  json rooms = json::array();
  for (const mcu::RoomSummary& r : control_.ListRooms())
    rooms.push_back(RoomJson(r));
  return http::JsonResponse(http::Status::ok, {{"rooms", rooms}});
}

http::Response RoomsApi::CreateRoom(const http::Request& request) {
  if (auto refused = RequireJson(request)) return std::move(*refused);
  auto settings = ParseRoomRequest(request.body(), /*create=*/true);
  if (!settings) return BadField(settings.error());
  auto created = control_.CreateRoom(*settings);
  if (!created) return ControlErrorResponse(created.error());
  TLOG_INFO(kLog, "room {} created through the API", created->id);
  http::Response response = http::JsonResponse(http::Status::created, RoomJson(*created));
  response.set(field::field::location, "/api/v1/rooms/" + created->id);
  return response;
}

http::Response RoomsApi::GetRoom(const std::string& room) const {
  auto found = control_.FindRoom(room);
  if (!found) return NotFoundRoom(room);
  return http::JsonResponse(http::Status::ok, RoomJson(*found));
}

http::Response RoomsApi::UpdateRoom(const http::Request& request, const std::string& room) {
  if (auto refused = RequireJson(request)) return std::move(*refused);
  auto changes = ParseRoomRequest(request.body(), /*create=*/false);
  if (!changes) return BadField(changes.error());
  auto updated = control_.UpdateRoom(room, *changes);
  if (!updated) return ControlErrorResponse(updated.error());
  return http::JsonResponse(http::Status::ok, RoomJson(*updated));
}

http::Response RoomsApi::DeleteRoom(const std::string& room) {
  auto deleted = control_.DeleteRoom(room);
  if (!deleted) return ControlErrorResponse(deleted.error());
  TLOG_INFO(kLog, "room {} deleted through the API", room);
  return NoContent();
}

http::Response RoomsApi::ListParticipants(const std::string& room) {
  auto list = control_.ListParticipants(room);
  if (!list) return ControlErrorResponse(list.error());
  json participants = json::array();
  for (const mcu::ParticipantInfo& p : *list)
    participants.push_back(ParticipantJson(p));
  return http::JsonResponse(http::Status::ok, {{"participants", participants}});
}

http::Response RoomsApi::GetParticipant(const std::string& room, const std::string& id) {
  auto list = control_.ListParticipants(room);
  if (!list) return ControlErrorResponse(list.error());
  for (const mcu::ParticipantInfo& p : *list)
    if (p.id == id) return http::JsonResponse(http::Status::ok, ParticipantJson(p));
  return http::ErrorResponse(http::Status::not_found, fmt::format("no participant \"{}\" in room \"{}\"", id, room));
}

http::Response RoomsApi::UpdateParticipant(const http::Request& request, const std::string& room,
                                           const std::string& id) {
  if (auto refused = RequireJson(request)) return std::move(*refused);
  auto patch = ParseParticipantPatch(request.body());
  if (!patch) return BadField(patch.error());
  // Each change is its own command; the first refusal stops (the ones before it stay made,
  // and the error says which failed).
  if (patch->display_name)
    if (auto r = control_.SetDisplayName(room, id, *patch->display_name); !r) return ControlErrorResponse(r.error());
  if (patch->audio_muted)
    if (auto r = control_.MuteParticipant(room, id, mcu::MediaKind::kAudio, *patch->audio_muted); !r)
      return ControlErrorResponse(r.error());
  if (patch->video_muted)
    if (auto r = control_.MuteParticipant(room, id, mcu::MediaKind::kVideo, *patch->video_muted); !r)
      return ControlErrorResponse(r.error());
  if (patch->pin)
    if (auto r = control_.PinParticipant(room, id, *patch->pin); !r) return ControlErrorResponse(r.error());
  return NoContent();
}

http::Response RoomsApi::RemoveParticipant(const std::string& room, const std::string& id) {
  // A kick: the participant's call is hung up too (ConferenceControl::SetCallEnder).
  auto removed = control_.KickParticipant(room, id);
  if (!removed) return ControlErrorResponse(removed.error());
  TLOG_INFO(kLog, "participant {} removed from room {} through the API", id, room);
  return NoContent();
}

http::Response RoomsApi::GetLayout(const std::string& room) const {
  auto found = control_.FindRoom(room);
  if (!found) return NotFoundRoom(room);
  json body{{"layout", found->layout}, {"available", control_.LayoutNames()}};
  if (found->custom_layout) body["custom"] = CustomLayoutJson(*found->custom_layout);
  return http::JsonResponse(http::Status::ok, body);
}

http::Response RoomsApi::SetLayout(const http::Request& request, const std::string& room) {
  if (auto refused = RequireJson(request)) return std::move(*refused);
  auto layout = ParseLayoutRequest(request.body());
  if (!layout) return BadField(layout.error());
  auto set = layout->custom ? control_.SetCustomLayout(room, *layout->custom) : control_.SetLayout(room, *layout->name);
  if (!set) return ControlErrorResponse(set.error());
  return GetLayout(room);
}

namespace {

// One output's layout: its own, or the room's it follows.
json OutputLayoutJson(const mcu::RoomSummary& room, const std::string& output) {
  for (const mcu::OutputLayout& o : room.output_layouts) {
    if (o.output != output) continue;
    json body{{"output", output}, {"layout", o.layout}, {"own", true}};
    if (o.custom_layout) body["custom"] = CustomLayoutJson(*o.custom_layout);
    return body;
  }
  json body{{"output", output}, {"layout", room.layout}, {"own", false}};
  if (room.custom_layout) body["custom"] = CustomLayoutJson(*room.custom_layout);
  return body;
}

http::Response NotFoundOutput(const mcu::RoomSummary& room, const std::string& output) {
  return http::ErrorResponse(http::Status::not_found,
                             fmt::format("room \"{}\" has no output \"{}\" (its outputs are the rungs {})", room.id,
                                         output, fmt::join(room.rungs, ", ")));
}

}  // namespace

http::Response RoomsApi::ListOutputs(const std::string& room) const {
  auto found = control_.FindRoom(room);
  if (!found) return NotFoundRoom(room);
  json outputs = json::array();
  for (const std::string& rung : found->rungs)
    outputs.push_back(OutputLayoutJson(*found, rung));
  return http::JsonResponse(http::Status::ok, {{"outputs", outputs}});
}

http::Response RoomsApi::GetOutputLayout(const std::string& room, const std::string& output) const {
  auto found = control_.FindRoom(room);
  if (!found) return NotFoundRoom(room);
  if (std::find(found->rungs.begin(), found->rungs.end(), output) == found->rungs.end())
    return NotFoundOutput(*found, output);
  return http::JsonResponse(http::Status::ok, OutputLayoutJson(*found, output));
}

http::Response RoomsApi::SetOutputLayout(const http::Request& request, const std::string& room,
                                         const std::string& output) {
  if (auto refused = RequireJson(request)) return std::move(*refused);
  auto layout = ParseLayoutRequest(request.body());
  if (!layout) return BadField(layout.error());
  auto set = control_.SetOutputLayout(room, output, *layout);
  if (!set) return ControlErrorResponse(set.error());
  return GetOutputLayout(room, output);
}

http::Response RoomsApi::ClearOutputLayout(const std::string& room, const std::string& output) {
  auto cleared = control_.ClearOutputLayout(room, output);
  if (!cleared) return ControlErrorResponse(cleared.error());
  return NoContent();
}

http::Response RoomsApi::Preview(const http::Request& request, const std::string& room, const std::string& output) {
  const std::string_view target(request.target().data(), request.target().size());
  int size[2] = {640, 360};
  const char* names[2] = {"width", "height"};
  for (int i = 0; i < 2; ++i) {
    const auto text = http::QueryParam(target, names[i]);
    if (!text) continue;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), size[i]);
    const int max = i == 0 ? 1920 : 1080;
    if (ec != std::errc{} || end != text->data() + text->size() || size[i] < 16 || size[i] > max || size[i] % 2)
      return http::FieldErrorResponse(names[i], fmt::format("an even number from 16 to {}", max),
                                      fmt::format("{} must be an even number from 16 to {}", names[i], max));
  }
  mcu::LayoutChoice asked;
  if (request.method() == boost::beast::http::verb::post) {
    if (auto refused = RequireJson(request)) return std::move(*refused);
    auto layout = ParseLayoutRequest(request.body());
    if (!layout) return BadField(layout.error());
    asked = std::move(*layout);
  }
  auto png = control_.RenderLayoutPreview(room, size[0], size[1], asked, output);
  if (!png) return ControlErrorResponse(png.error());
  http::Response response{http::Status::ok, 11};
  response.set(field::field::content_type, "image/png");
  response.set(field::field::cache_control, "no-store");
  response.body() = std::move(*png);
  response.prepare_payload();
  return response;
}

http::Response RoomsApi::Dial(const http::Request& request, const std::string& room) {
  if (auto refused = RequireJson(request)) return std::move(*refused);
  auto uri = ParseDialRequest(request.body());
  if (!uri) return BadField(uri.error());
  if (!control_.FindRoom(room)) return NotFoundRoom(room);
  const std::string scheme = uri->substr(0, uri->find(':'));
  for (Dialer* dialer : dialers_) {
    const auto schemes = dialer->Schemes();
    if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end()) continue;
    auto call = dialer->Dial(room, *uri);
    if (!call) {
      switch (call.error().kind) {
        case DialError::Kind::kBadTarget:
          return http::FieldErrorResponse("uri", "a callable URI", call.error().message);
        case DialError::Kind::kNoRoom:
          return NotFoundRoom(room);
        case DialError::Kind::kRefused:
          return http::ErrorResponse(http::Status::conflict, call.error().message);
        case DialError::Kind::kFailed:
          break;
      }
      return http::ErrorResponse(http::Status::bad_gateway, call.error().message);
    }
    TLOG_INFO(kLog, "room {}: dialling out ({}) through the API", room, call->id);
    return http::JsonResponse(http::Status::accepted, {{"call", call->id}, {"uri", call->uri}, {"room", room}});
  }
  return http::FieldErrorResponse("uri", "a sip:, sips: or h323: URI",
                                  fmt::format("no dialer for \"{}:\" URIs on this server", scheme));
}

}  // namespace tessera::signaling::api

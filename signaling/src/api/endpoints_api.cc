#include "tessera/signaling/api/endpoints_api.h"

#include <boost/beast/http/field.hpp>

#include <fmt/format.h>

#include "tessera/base/log.h"
#include "tessera/signaling/sdp/local_address.h"
#include "tessera/signaling/sdp/offer_answer.h"

namespace tessera::signaling::api {
namespace {

constexpr log::Component kLog{"api.endpoints"};
constexpr int kRetryAfterSeconds = 5;

namespace field = boost::beast::http;

bool IsSdp(std::string_view content_type) {
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  std::string lower;
  for (char c : type)
    if (c != ' ' && c != '\t') lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "application/sdp";
}

http::Response SdpResponse(http::Status status, std::string sdp) {
  http::Response response{status, 11};
  response.set(field::field::content_type, "application/sdp");
  response.set(field::field::cache_control, "no-store");
  response.body() = std::move(sdp);
  response.prepare_payload();
  return response;
}

std::string EndpointPath(std::string_view room, std::string_view id) {
  return fmt::format("/api/v1/rooms/{}/endpoints/{}", room, id);
}

}  // namespace

http::Response ControlErrorResponse(const mcu::ControlError& error) {
  using Kind = mcu::ControlError::Kind;
  http::Status status = http::Status::internal_server_error;
  switch (error.kind) {
    case Kind::kNotFound:
      status = http::Status::not_found;
      break;
    case Kind::kForbidden:
      status = http::Status::forbidden;
      break;
    case Kind::kUnavailable:
      status = http::Status::service_unavailable;
      break;
    case Kind::kBadRequest:
      status = http::Status::bad_request;
      break;
    case Kind::kConflict:
      status = http::Status::conflict;
      break;
    case Kind::kInternal:
      break;
  }
  if (status == http::Status::bad_request && !error.field.empty())
    return http::FieldErrorResponse(error.field, error.expected, error.message);
  http::Response response = http::ErrorResponse(status, error.message);
  if (status == http::Status::service_unavailable)
    response.set(field::field::retry_after, std::to_string(kRetryAfterSeconds));
  return response;
}

EndpointsApi::EndpointsApi(mcu::ConferenceControl& control) : control_(control) {
  control_.SetCallEnder("rtp", [this](const std::string& room, const std::string& id, const std::string& why) {
    std::lock_guard lock(mutex_);
    if (endpoints_.erase(id)) TLOG_INFO(kLog, "endpoint {} left room {} ({})", id, room, why);
  });
}

EndpointsApi::~EndpointsApi() {
  control_.SetCallEnder("rtp", nullptr);
}

void EndpointsApi::Register(http::Router& router) {
  router.Add(http::Verb::post, "/api/v1/rooms/{room}/endpoints",
             [this](const http::Request& r, const http::PathParams& p) { return Create(r, p.at("room")); });
  router.Add(http::Verb::get, "/api/v1/rooms/{room}/endpoints/{id}",
             [this](const http::Request&, const http::PathParams& p) { return Get(p.at("room"), p.at("id")); });
  router.Add(http::Verb::delete_, "/api/v1/rooms/{room}/endpoints/{id}",
             [this](const http::Request&, const http::PathParams& p) { return Delete(p.at("room"), p.at("id")); });
}

http::Response EndpointsApi::Create(const http::Request& request, const std::string& room) {
  const auto content_type = request[field::field::content_type];
  if (!IsSdp(std::string_view(content_type.data(), content_type.size())))
    return http::ErrorResponse(http::Status::unsupported_media_type,
                               "the body must be an SDP offer with Content-Type: application/sdp");
  const std::optional<mcu::RoomSummary> summary = control_.FindRoom(room);
  if (!summary) return http::ErrorResponse(http::Status::not_found, fmt::format("no room '{}'", room));
  if (summary->locked) return http::ErrorResponse(http::Status::forbidden, fmt::format("room '{}' is locked", room));

  const sdp::SdpLimits limits;
  if (request.body().size() > limits.max_size)
    return http::ErrorResponse(http::Status::payload_too_large,
                               fmt::format("SDP larger than {} bytes", limits.max_size));
  auto offer = sdp::ParseSdp(request.body(), limits);
  if (!offer) return http::ErrorResponse(http::Status::bad_request, "invalid SDP: " + offer.error().ToString());
  sdp::AnswerPolicy policy;
  policy.srtp_required = summary->srtp_required;
  auto plan = sdp::PlanAnswer(*offer, policy);
  if (!plan) return http::ErrorResponse(http::Status::bad_request, plan.error().reason);

  plan->request.protocol = "rtp";
  plan->request.display_name = offer->session_name == "-" ? "RTP endpoint" : offer->session_name;
  plan->request.remote = plan->request.streams.front().remote_address;
  auto result = control_.AddParticipant(summary->id, plan->request);
  if (!result) {
    TLOG_INFO(kLog, "endpoint for room {} refused: {}", summary->id, result.error().message);
    return ControlErrorResponse(result.error());
  }
  if (result->streams.size() != plan->request.streams.size()) {
    // The core broke its contract; do not leave the participant behind.
    (void)control_.RemoveParticipant(result->room_id, result->participant_id);
    return http::ErrorResponse(http::Status::internal_server_error, "the core answered a different stream count");
  }
  // RTP bound to 0.0.0.0: name the address toward the endpoint, not "do not send".
  sdp::ReplaceUnspecifiedAddresses(*result, plan->request.remote);
  sdp::AnswerIdentity identity;
  identity.session_id = next_session_id_++;
  std::string answer = sdp::BuildAnswer(*offer, *plan, *result, identity);
  TLOG_INFO(kLog, "endpoint {} from {} joined room {}", result->participant_id, plan->request.remote, result->room_id);
  {
    std::lock_guard lock(mutex_);
    endpoints_[result->participant_id] = Endpoint{result->room_id, answer};
  }
  http::Response response = SdpResponse(http::Status::created, std::move(answer));
  response.set(field::field::location, EndpointPath(result->room_id, result->participant_id));
  return response;
}

std::optional<EndpointsApi::Endpoint> EndpointsApi::Find(const std::string& room, const std::string& id) const {
  std::optional<Endpoint> found;
  {
    std::lock_guard lock(mutex_);
    auto it = endpoints_.find(id);
    if (it == endpoints_.end()) return std::nullopt;
    found = it->second;
  }
  if (found->room_id == room) return found;
  const auto summary = control_.FindRoom(room);  // an alias of the endpoint's room (not under mutex_)
  return summary && summary->id == found->room_id ? found : std::nullopt;
}

http::Response EndpointsApi::Get(const std::string& room, const std::string& id) const {
  const std::optional<Endpoint> e = Find(room, id);
  if (!e) return http::ErrorResponse(http::Status::not_found, fmt::format("no endpoint '{}' in room '{}'", id, room));
  return SdpResponse(http::Status::ok, e->local_sdp);
}

http::Response EndpointsApi::Delete(const std::string& room, const std::string& id) {
  const std::optional<Endpoint> e = Find(room, id);
  if (!e) return http::ErrorResponse(http::Status::not_found, fmt::format("no endpoint '{}' in room '{}'", id, room));
  auto removed = control_.RemoveParticipant(e->room_id, id);
  // Already gone in the core (kNotFound): the endpoint is gone either way.
  if (!removed && removed.error().kind != mcu::ControlError::Kind::kNotFound)
    return ControlErrorResponse(removed.error());
  TLOG_INFO(kLog, "endpoint {} left room {}", id, e->room_id);
  {
    std::lock_guard lock(mutex_);
    endpoints_.erase(id);
  }
  http::Response response{http::Status::no_content, 11};
  response.prepare_payload();
  return response;
}

}  // namespace tessera::signaling::api

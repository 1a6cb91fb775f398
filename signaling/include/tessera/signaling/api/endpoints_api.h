#pragma once
// Plain-RTP endpoints (issue 6 item 8): an operator or a script adds an RTP sender/receiver
// that speaks no signalling (ffmpeg, GStreamer, a hardware encoder) by posting its SDP
// offer; the answer says where to send and what Tessera sends back.
//
//   POST   /api/v1/rooms/{room}/endpoints        Content-Type: application/sdp, body = offer
//          201 Created, body = SDP answer, Location: /api/v1/rooms/{room}/endpoints/{id}
//   GET    /api/v1/rooms/{room}/endpoints/{id}   200, body = our current SDP
//   DELETE /api/v1/rooms/{room}/endpoints/{id}   204
//
// Errors have JSON bodies (http::ErrorResponse): 415 not application/sdp, 400 an SDP that
// does not parse or offers nothing usable (the reason says why), 404 unknown room or
// endpoint, 403 locked room, 503 + Retry-After full or not available, 409 conflict, 500
// internal. The body limit (413) is the HTTP server's.
//
// An endpoint the core removes on its own (a kick, its room deleted: ConferenceControl::
// SetCallEnder, "rtp") is forgotten here too: GET and DELETE then answer 404.
//
// Thread: the control io_context thread (router handlers run there); the call ender may
// come from any thread (the table has its own mutex).

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "tessera/mcu/control.h"
#include "tessera/signaling/http/router.h"

namespace tessera::signaling::api {

// An mcu::ControlError as an HTTP error response (also used by other control APIs); a
// kBadRequest that names its field is a 400 naming it and what it takes.
http::Response ControlErrorResponse(const mcu::ControlError& error);

class EndpointsApi {
 public:
  // `control` is not owned and must outlive this object and the router.
  explicit EndpointsApi(mcu::ConferenceControl& control);
  ~EndpointsApi();
  EndpointsApi(const EndpointsApi&) = delete;
  EndpointsApi& operator=(const EndpointsApi&) = delete;

  // Adds the three routes; this object must outlive `router`'s use.
  void Register(http::Router& router);

  http::Response Create(const http::Request& request, const std::string& room);
  http::Response Get(const std::string& room, const std::string& id) const;
  http::Response Delete(const std::string& room, const std::string& id);

 private:
  struct Endpoint {
    std::string room_id;  // canonical
    std::string local_sdp;
  };
  // The endpoint `id` if it belongs to `room` (by id or alias).
  std::optional<Endpoint> Find(const std::string& room, const std::string& id) const;

  // Passed in (not owned).
  mcu::ConferenceControl& control_;
  // Owned.
  mutable std::mutex mutex_;                                // endpoints_: the call ender may run on another thread
  std::map<std::string, Endpoint, std::less<>> endpoints_;  // by participant id; guarded by mutex_
  uint64_t next_session_id_ = 1;
};

}  // namespace tessera::signaling::api

#pragma once
// The control API's rooms, participants, layouts and dial-out (docs/openapi.yaml has the
// schemas):
//
//   GET    /api/v1/rooms                                   read
//   POST   /api/v1/rooms                                   operator   201 + Location
//   GET    /api/v1/rooms/{room}                            read
//   PATCH  /api/v1/rooms/{room}                            operator
//   DELETE /api/v1/rooms/{room}                            operator   204; 409 when deleted already
//   GET    /api/v1/rooms/{room}/participants               read       with live statistics
//   GET    /api/v1/rooms/{room}/participants/{id}          read
//   PATCH  /api/v1/rooms/{room}/participants/{id}          operator   name, mutes, pin
//   DELETE /api/v1/rooms/{room}/participants/{id}          operator   kick
//   GET    /api/v1/rooms/{room}/layout                     read       current and available names
//   PUT    /api/v1/rooms/{room}/layout                     operator
//   GET    /api/v1/rooms/{room}/layout/preview.png         read       ?width=&height= (640x360)
//   POST   /api/v1/rooms/{room}/dial                       operator   202: the call is placed
//
// Request bodies are JSON objects (Content-Type: application/json, else 415) parsed by
// api/json_request.h: 400 names the field and what was expected.
//
// Thread: the control io_context thread (router handlers run there).

#include <vector>

#include "tessera/mcu/control.h"
#include "tessera/signaling/api/dialer.h"
#include "tessera/signaling/http/router.h"

namespace tessera::signaling::api {

class RoomsApi {
 public:
  // `control` is not owned and must outlive this object and the router.
  explicit RoomsApi(mcu::ConferenceControl& control) : control_(control) {}
  RoomsApi(const RoomsApi&) = delete;
  RoomsApi& operator=(const RoomsApi&) = delete;

  // A dialer for its URI schemes (not owned; must outlive this object).
  void AddDialer(Dialer& dialer) { dialers_.push_back(&dialer); }
  void Register(http::Router& router);

 private:
  http::Response ListRooms() const;
  http::Response CreateRoom(const http::Request& request);
  http::Response GetRoom(const std::string& room) const;
  http::Response UpdateRoom(const http::Request& request, const std::string& room);
  http::Response DeleteRoom(const std::string& room);
  http::Response ListParticipants(const std::string& room);
  http::Response GetParticipant(const std::string& room, const std::string& id);
  http::Response UpdateParticipant(const http::Request& request, const std::string& room, const std::string& id);
  http::Response RemoveParticipant(const std::string& room, const std::string& id);
  http::Response GetLayout(const std::string& room) const;
  http::Response SetLayout(const http::Request& request, const std::string& room);
  // `output`: a rung's picture (its own layout or the room's); empty: the room's.
  http::Response Preview(const http::Request& request, const std::string& room, const std::string& output = {});
  http::Response ListOutputs(const std::string& room) const;
  http::Response GetOutputLayout(const std::string& room, const std::string& output) const;
  http::Response SetOutputLayout(const http::Request& request, const std::string& room, const std::string& output);
  http::Response ClearOutputLayout(const std::string& room, const std::string& output);
  http::Response Dial(const http::Request& request, const std::string& room);

  // Passed in (not owned).
  mcu::ConferenceControl& control_;
  std::vector<Dialer*> dialers_;
};

// Shared by the API files: a JSON body check (415 unless application/json).
std::optional<http::Response> RequireJson(const http::Request& request);
// 400 from a json_request.h error.
struct FieldError;
http::Response BadField(const FieldError& error);
http::Response NoContent();

}  // namespace tessera::signaling::api

#pragma once
// FakeConference: a ConferenceControl with configured rooms that records what the control
// plane asks for and answers with ports it makes up (or with a chosen error). It stands in
// for the conference engine, which is not on this branch; end-to-end tests run against the
// real tessera binary instead.
//
// Thread: whichever thread the test calls it from; not thread-safe.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tessera/mcu/control.h"

namespace tessera::signaling::testing {

class FakeConference : public mcu::ConferenceControl {
 public:
  struct Call {
    std::string method;  // "add", "update", "remove", "keyframe"
    std::string room;
    std::string participant;
    mcu::ParticipantRequest request;
  };

  std::vector<mcu::RoomSummary> rooms;
  std::optional<mcu::ControlError> add_error;  // AddParticipant fails with it when set
  std::optional<mcu::ControlError> update_error;
  std::vector<Call> calls;
  std::vector<std::string> participants;                 // live participant ids
  std::map<std::string, CallEnder, std::less<>> enders;  // SetCallEnder's, by protocol

  mcu::ServerInfo GetServerInfo() const override { return {"fake", "0", {}, {}}; }
  std::optional<mcu::RoomSummary> FindRoom(std::string_view id) const override {
    for (const auto& r : rooms) {
      if (r.id == id) return r;
      for (const auto& a : r.aliases)
        if (a == id) return r;
    }
    return std::nullopt;
  }
  std::vector<mcu::RoomSummary> ListRooms() const override { return rooms; }

  Result<mcu::ParticipantResult, mcu::ControlError> AddParticipant(std::string_view room,
                                                                   const mcu::ParticipantRequest& request) override {
    calls.push_back({"add", std::string(room), {}, request});
    if (add_error) return MakeUnexpected(*add_error);
    auto found = FindRoom(room);
    if (!found) return MakeUnexpected(mcu::ControlError{mcu::ControlError::Kind::kNotFound, "no such room"});
    const std::string id = "p" + std::to_string(++next_id_);
    participants.push_back(id);
    return ResultFor(found->id, id, request);
  }
  Result<mcu::ParticipantResult, mcu::ControlError> UpdateParticipant(std::string_view room, std::string_view id,
                                                                      const mcu::ParticipantRequest& request) override {
    calls.push_back({"update", std::string(room), std::string(id), request});
    if (update_error) return MakeUnexpected(*update_error);
    if (!Live(id)) return MakeUnexpected(mcu::ControlError{mcu::ControlError::Kind::kNotFound, "no participant"});
    return ResultFor(std::string(room), std::string(id), request);
  }
  Result<void, mcu::ControlError> RemoveParticipant(std::string_view room, std::string_view id) override {
    calls.push_back({"remove", std::string(room), std::string(id), {}});
    if (!Live(id)) return MakeUnexpected(mcu::ControlError{mcu::ControlError::Kind::kNotFound, "no participant"});
    std::erase(participants, std::string(id));
    return {};
  }
  Result<void, mcu::ControlError> RequestKeyframe(std::string_view room, std::string_view id) override {
    calls.push_back({"keyframe", std::string(room), std::string(id), {}});
    if (!Live(id)) return MakeUnexpected(mcu::ControlError{mcu::ControlError::Kind::kNotFound, "no participant"});
    return {};
  }

  void SetCallEnder(std::string_view protocol, CallEnder ender) override {
    if (ender)
      enders.insert_or_assign(std::string(protocol), std::move(ender));
    else
      enders.erase(std::string(protocol));
  }

  size_t Count(std::string_view method) const {
    size_t n = 0;
    for (const auto& c : calls)
      n += c.method == method;
    return n;
  }

 private:
  bool Live(std::string_view id) const {
    for (const auto& p : participants)
      if (p == id) return true;
    return false;
  }
  static mcu::ParticipantResult ResultFor(std::string room, std::string id, const mcu::ParticipantRequest& request) {
    mcu::ParticipantResult r{std::move(id), std::move(room), {}};
    for (size_t i = 0; i < request.streams.size(); ++i) {
      mcu::MediaStreamResult s;
      s.local_address = "127.0.0.1";
      s.local_rtp_port = static_cast<uint16_t>(50000 + 2 * i);
      s.local_rtcp_port = request.streams[i].rtcp_mux ? s.local_rtp_port : s.local_rtp_port + 1;
      s.local_ssrc = 0x1000 + static_cast<uint32_t>(i);
      if (request.streams[i].srtp)
        s.srtp = mcu::SrtpRequest{request.streams[i].srtp->tag, request.streams[i].srtp->suite,
                                  "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"};
      r.streams.push_back(s);
    }
    return r;
  }
  int next_id_ = 0;
};

}  // namespace tessera::signaling::testing

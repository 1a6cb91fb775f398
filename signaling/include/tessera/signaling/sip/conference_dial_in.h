#pragma once
// ConferenceDialIn: incoming SIP calls join rooms through mcu::ConferenceControl.
//
// The room is the Request-URI user, else the To user (a PBX routing to our registered
// contact), looked up by id or alias with FindRoom: unknown → 404, locked → 403, full
// (participants ≥ max) → 503 + Retry-After, a room with a PIN → 403 until the prompt
// player exists. An offer in the INVITE is planned (sdp::PlanAnswer) and added
// (AddParticipant); the 200 carries the answer. No usable stream → 488 with a Warning
// saying why; the core's refusals map to 404/403/503/488/500. Without an offer (late
// offer) the participant is added with provisional streams to get ports, the 200 carries
// our offer and the answer in the ACK updates it (UpdateParticipant); an unusable answer
// ends the call with BYE.
//
// During the call: re-INVITE/UPDATE offers (hold, resume, video added or removed, codec
// change) → sdp::PlanUpdate → UpdateParticipant → answer, or 488/503/500 leaving the session
// as it was; INFO picture_fast_update → RequestKeyframe; DTMF goes to the options' sink
// (for PIN entry later); BYE, CANCEL, session-timer expiry and every other end →
// RemoveParticipant.
//
// Thread: the control io_context thread (it is the user agent's handler and the calls'
// observer). Destroy it after the user agent has stopped.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "tessera/mcu/control.h"
#include "tessera/signaling/sip/user_agent.h"

namespace tessera::signaling::sip {

struct ConferenceDialInOptions {
  std::chrono::seconds retry_after{5};  // with 503
  // Each DTMF digit a call sends (RFC 4733 events reach the core, INFO digits come here):
  // the room's canonical id, the participant id, the event.
  std::function<void(const std::string&, const std::string&, const DtmfEvent&)> on_dtmf;
};

class ConferenceDialIn final : public UserAgentHandler {
 public:
  // `control` is not owned and must outlive this object.
  explicit ConferenceDialIn(mcu::ConferenceControl& control, ConferenceDialInOptions options = {});
  ~ConferenceDialIn() override;
  ConferenceDialIn(const ConferenceDialIn&) = delete;
  ConferenceDialIn& operator=(const ConferenceDialIn&) = delete;

  void OnIncomingCall(std::shared_ptr<Call> call) override;

  // Calls that have a participant in a room, for stats and tests.
  size_t active_calls() const { return legs_.size(); }

 private:
  class Leg;
  void Forget(uint64_t call_id);

  // Passed in (not owned).
  mcu::ConferenceControl& control_;
  // Owned.
  ConferenceDialInOptions options_;
  std::map<uint64_t, std::unique_ptr<Leg>> legs_;  // by Call::id()
  uint64_t next_session_id_ = 1;
};

}  // namespace tessera::signaling::sip

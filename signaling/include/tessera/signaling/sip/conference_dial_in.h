#pragma once
// ConferenceDialIn: SIP calls join rooms through mcu::ConferenceControl — incoming calls
// (dial-in), and outgoing calls the server places for a room (DialOut).
//
// The room is the Request-URI user, else the To user (a PBX routing to our registered
// contact), looked up by id or alias with FindRoom: unknown → 404, locked → 403, full
// (participants ≥ max) → 503 + Retry-After. A room with a PIN: the participant joins the
// room's lobby (ParticipantRequest::lobby: not mixed, not shown, hearing the core's prompt)
// and the call is answered; digits from SIP INFO and from the core (RFC 4733 events and
// in-band tones, polled on this thread) go through a PinEntry; the core checks each entry
// (CheckPin); a right PIN admits the participant, a wrong one plays "wrong PIN", the third
// plays "goodbye" and ends the call with BYE. Without an io_context in the options PIN rooms
// are refused with 403. An offer in the INVITE is planned (sdp::PlanAnswer) and added
// (AddParticipant); the 200 carries the answer. No usable stream → 488 with a Warning
// saying why; the core's refusals map to 404/403/503/488/500. Without an offer (late
// offer) the participant is added with provisional streams to get ports, the 200 carries
// our offer and the answer in the ACK updates it (UpdateParticipant); an unusable answer
// ends the call with BYE.
//
// Dial-out (DialOut): like a late offer the other way round — the participant gets its
// ports with provisional streams, our offer goes in the INVITE, the answer in the 2xx
// updates it; 180/183 are logged; a 3xx-6xx, no answer in time, or an unusable answer
// removes the participant (and BYEs an answered call). Digest challenges are answered by
// the user agent with its configured credentials.
//
// During the call: re-INVITE/UPDATE offers (hold, resume, video added or removed, codec
// change) → sdp::PlanUpdate → UpdateParticipant → answer, or 488/503/500 leaving the session
// as it was; INFO picture_fast_update → RequestKeyframe; DTMF goes to the options' sink
// (for PIN entry later); BYE, CANCEL, session-timer expiry and every other end →
// RemoveParticipant. The other way round, when the core removes a participant on its own
// (the control API kicks it or deletes its room: ConferenceControl::SetCallEnder, "sip"),
// its call is ended here with BYE, or CANCEL while a dial-out still rings; this needs the
// options' io_context (the hang-up is posted there).
//
// Thread: the control io_context thread (it is the user agent's handler and the calls'
// observer). Destroy it after the user agent has stopped.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "tessera/mcu/control.h"
#include "tessera/signaling/sip/user_agent.h"

namespace tessera::signaling {
class SourceRateLimiter;
}  // namespace tessera::signaling

namespace tessera::signaling::sip {

struct ConferenceDialInOptions {
  std::chrono::seconds retry_after{5};  // with 503
  // Each DTMF digit a call sends (RFC 4733 events reach the core, INFO digits come here):
  // the room's canonical id, the participant id, the event.
  std::function<void(const std::string&, const std::string&, const DtmfEvent&)> on_dtmf;
  // PIN rooms: the timers of the PIN dialogue run here (the thread of the calls); null
  // refuses PIN rooms with 403.
  boost::asio::io_context* io = nullptr;
  std::chrono::milliseconds digit_poll{100};           // how often the core's digits are read
  std::chrono::milliseconds interdigit_timeout{4000};  // an entry without '#' ends after this
  std::chrono::milliseconds goodbye{1500};             // the goodbye prompt plays this long
  std::chrono::seconds lobby_timeout{60};              // no right PIN by then: goodbye
  int pin_attempts = 3;
  // Guessing PINs: every wrong entry costs its caller's address a token; with none left,
  // that address's calls to PIN rooms are refused with 403 and a caller in the lobby gets
  // "goodbye" on its next wrong entry. Tokens come back at this rate (0 = no limit).
  double wrong_pins_per_minute = 6;
  double wrong_pin_burst = 9;  // three calls of three tries
  std::chrono::seconds dial_out_answer_timeout{60};  // an unanswered dial-out is CANCELled then
};

class ConferenceDialIn final : public UserAgentHandler {
 public:
  // `control` is not owned and must outlive this object.
  explicit ConferenceDialIn(mcu::ConferenceControl& control, ConferenceDialInOptions options = {});
  ~ConferenceDialIn() override;
  ConferenceDialIn(const ConferenceDialIn&) = delete;
  ConferenceDialIn& operator=(const ConferenceDialIn&) = delete;

  void OnIncomingCall(std::shared_ptr<Call> call) override;

  // Calls `target` into room `room` (id or alias) through `ua`; the result is the call, or
  // why it could not be placed (no such room, the core refused, ...). How it ends is logged.
  Result<std::shared_ptr<Call>, std::string> DialOut(UserAgent& ua, std::string_view room, const Uri& target,
                                                     std::optional<Credentials> credentials = std::nullopt);

  // Calls that have a participant in a room, for stats and tests.
  size_t active_calls() const { return legs_.size(); }
  uint64_t calls_refused_for_wrong_pins() const { return refused_for_wrong_pins_; }

 private:
  class Leg;
  void Forget(uint64_t call_id);
  // The core removed `participant_id`: hang its call up (if it is still up).
  void EndCallOf(const std::string& participant_id, const std::string& why);

  // Passed in (not owned).
  mcu::ConferenceControl& control_;
  // Owned.
  ConferenceDialInOptions options_;
  std::map<uint64_t, std::unique_ptr<Leg>> legs_;  // by Call::id()
  std::unique_ptr<SourceRateLimiter> wrong_pins_;  // null = no limit
  uint64_t next_session_id_ = 1;
  uint64_t refused_for_wrong_pins_ = 0;
  // Tasks posted by the call ender check it: they do nothing once this is destroyed.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace tessera::signaling::sip

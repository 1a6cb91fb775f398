#pragma once
// SipDialer: the control API's dial-out over SIP (api/dialer.h) — ConferenceDialIn's
// DialOut through the server's user agent, with the configured digest credentials.
//
// Thread: the control thread, like the user agent.

#include "tessera/signaling/api/dialer.h"
#include "tessera/signaling/sip/conference_dial_in.h"
#include "tessera/signaling/sip/user_agent.h"

namespace tessera::signaling::api {

class SipDialer final : public Dialer {
 public:
  // Neither is owned; both must outlive this object.
  SipDialer(sip::ConferenceDialIn& dial_in, sip::UserAgent& ua) : dial_in_(dial_in), ua_(ua) {}

  std::vector<std::string> Schemes() const override { return {"sip", "sips"}; }
  Result<DialedCall, DialError> Dial(std::string_view room, std::string_view uri) override;

 private:
  // Passed in (not owned).
  sip::ConferenceDialIn& dial_in_;
  sip::UserAgent& ua_;
};

}  // namespace tessera::signaling::api

#pragma once
// H323Dialer: the control API's dial-out over H.323 (api/dialer.h) — H323Conference's
// DialOut through the server's H.323 endpoint. Addresses: "h323:ip", "h323:ip:port",
// "h323:alias@ip[:port]", each optionally with ";h245=fast-start|tunnelled|separate"
// (h323/h323_endpoint.h ParseDialTarget).
//
// Thread: the control thread, like the endpoint.

#include "tessera/signaling/api/dialer.h"
#include "tessera/signaling/h323/h323_conference.h"
#include "tessera/signaling/h323/h323_endpoint.h"

namespace tessera::signaling::api {

class H323Dialer final : public Dialer {
 public:
  // Neither is owned; both must outlive this object.
  H323Dialer(h323::H323Conference& conference, h323::H323Endpoint& endpoint)
      : conference_(conference), endpoint_(endpoint) {}

  std::vector<std::string> Schemes() const override { return {"h323"}; }
  Result<DialedCall, DialError> Dial(std::string_view room, std::string_view uri) override;

 private:
  // Passed in (not owned).
  h323::H323Conference& conference_;
  h323::H323Endpoint& endpoint_;
};

}  // namespace tessera::signaling::api

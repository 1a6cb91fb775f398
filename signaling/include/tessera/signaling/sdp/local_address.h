#pragma once
// The address our SDP names for media when RTP sockets are bound to "any" (0.0.0.0, ::)
// and no public address is configured: "c=IN IP4 0.0.0.0" would tell the peer not to send
// (RFC 3264 §8.4, the RFC 2543 hold), so the local address the kernel routes toward the
// peer is written instead. Used by SIP (toward the caller) and the endpoints API (toward
// the offer's c= address).
//
// Thread safety: stateless; opens and closes one UDP socket per call (nothing is sent).

#include <string>
#include <string_view>

#include "tessera/mcu/participant_request.h"

namespace tessera::signaling::sdp {

// The local address toward `remote` (an IP literal, brackets allowed); empty if `remote` is
// not an IP literal or there is no route.
std::string LocalAddressToward(std::string_view remote);

// Replaces every unspecified local_address of `result` by LocalAddressToward(remote); leaves
// them when there is no route (nothing better to say).
void ReplaceUnspecifiedAddresses(mcu::ParticipantResult& result, std::string_view remote);

}  // namespace tessera::signaling::sdp

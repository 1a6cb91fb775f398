#pragma once
// SDP payload formats (rtpmap + fmtp) to and from codecs::Capability: the SDP side of
// codecs/negotiation.h. Encoding names are matched case-insensitively (RFC 4855 §3);
// fmtp parameters follow the payload format RFCs:
//   H.264 (RFC 6184 §8.1): profile-level-id (420010 when absent), packetization-mode,
//     level-asymmetry-allowed, max-mbps, max-fs, max-br;
//   VP8 (RFC 7741): max-fr, max-fs;
//   H263-1998/H263-2000 and H263 (RFC 4629 §8): SQCIF/QCIF/CIF/CIF4/CIF16=MPI,
//     CUSTOM=x,y,MPI, MaxBR; H261 (RFC 4587): QCIF/CIF=MPI, MaxBR;
//   opus (RFC 7587): maxplaybackrate, maxaveragebitrate, stereo, useinbandfec, usedtx, cbr.
//
// Thread safety: pure functions.

#include <optional>
#include <string>

#include "tessera/codecs/capabilities.h"
#include "tessera/signaling/sdp/session_description.h"

namespace tessera::signaling::sdp {

// The capability an rtpmap (and its fmtp, may be null) describes; nullopt for a format
// Tessera does not handle (G.729, MP4V-ES, H.265...). telephone-event maps to
// CodecId::kTelephoneEvent with its clock rate.
std::optional<codecs::Capability> CapabilityFromSdp(const RtpMap& rtpmap, const Fmtp* fmtp);

// rtpmap encoding name, clock and channels for a capability ("H264", 90000, 0).
struct SdpFormat {
  std::string encoding_name;
  uint32_t clock_rate = 0;
  uint32_t channels = 0;   // 0: not written (video, mono audio)
  std::string parameters;  // fmtp parameters, empty when there is nothing to say
};
SdpFormat SdpFormatOf(const codecs::Capability& capability);

// Adds rtpmap (and fmtp when there are parameters) for `payload_type` to `m`, and the
// payload type to its format list.
void AddFormat(MediaDescription& m, int payload_type, const codecs::Capability& capability);

}  // namespace tessera::signaling::sdp

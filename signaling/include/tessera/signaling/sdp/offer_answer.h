#pragma once
// SDP offer/answer (RFC 3264) for SIP and the plain-RTP endpoint API: an offer becomes a
// plan (which m= lines to accept, and one mcu::MediaStreamRequest per accepted line for
// ConferenceControl::AddParticipant), and the plan plus the core's ParticipantResult
// become the answer. Pure functions, no I/O.
//
//   auto plan = PlanAnswer(offer, policy);            // 400 / 488 with plan.error().reason
//   auto result = control.AddParticipant(room, plan->request);
//   std::string answer = BuildAnswer(offer, *plan, *result, identity);
//
// Rules (what real endpoints send decided the details):
// - RTP/AVP, RTP/AVPF, RTP/SAVP and RTP/SAVPF audio/video lines are candidates; anything
//   else (m=application, BFCP, UDP/TLS/RTP/SAVPF without SDES, a disabled port 0 line) is
//   rejected with port 0 and kept in place. At most one audio and one video line are
//   accepted: the first usable of each kind; a video line with a=content other than "main"
//   (slides) is rejected, content sharing is not supported yet.
// - The codec is chosen with codecs::NegotiateAudio/NegotiateVideo against the policy's
//   capabilities (Tessera's preference first: the MCU wants formats it can share); the
//   answer uses the offer's payload type. H.264 is answered in packetization-mode 1 when
//   the offer has a mode-1 format we take, mode 0 otherwise.
// - MediaStreamRequest::format is the RECEIVER's capability for the chosen format (what
//   the endpoint offered, with b=TIAS/AS in max_bitrate_bps, and the H.264 level lowered
//   when the answer binds both directions): SendLimitsFor(format) gives what the encoder
//   towards this endpoint may do, and NegotiateVideo/Audio({format}, ours) gives back the
//   answer. The plan keeps the answer capability itself for BuildAnswer.
// - rtcp-fb nack, nack pli, ccm fir, ccm tmmbr and goog-remb are taken for the chosen
//   format. RFC 4585 attaches them to AVPF, but baresip and linphone offer them on RTP/AVP
//   and rely on PLI/FIR for keyframes, so they are honoured on AVP too unless the policy
//   says feedback_requires_avpf.
// - SRTP: on SAVP/SAVPF the first offered a=crypto with a supported suite
//   (AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM) and an inline key;
//   none → the line is rejected. With srtp_required, plain RTP lines are rejected.
// - Directions are from Tessera's side: their sendonly → we only receive; a c= address of
//   0.0.0.0 (RFC 2543 hold) means we do not send.
//
// Thread safety: pure functions over values.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/codecs/capabilities.h"
#include "tessera/mcu/participant_request.h"
#include "tessera/signaling/sdp/session_description.h"

namespace tessera::signaling::sdp {

struct AnswerPolicy {
  bool srtp_required = false;  // the room wants SRTP: plain RTP lines are rejected
  bool feedback_requires_avpf = false;
  std::vector<codecs::Capability> audio = codecs::DefaultAudioCapabilities();
  std::vector<codecs::Capability> video = codecs::DefaultVideoCapabilities();
};

// The decision for one offered m= line.
struct MediaLinePlan {
  bool accepted = false;
  std::string reason;         // why it was rejected (empty when accepted)
  size_t stream = 0;          // index in OfferAnswerPlan::request.streams, when accepted
  codecs::Capability answer;  // what to answer for the chosen format
};

struct OfferAnswerPlan {
  // streams filled; display_name, protocol and remote are the caller's to set.
  mcu::ParticipantRequest request;
  std::vector<MediaLinePlan> lines;  // one per offered m= line, in order
};

struct OfferError {
  std::string reason;  // for people: a 400 body, a 488 Warning
};

Result<OfferAnswerPlan, OfferError> PlanAnswer(const SessionDescription& offer, const AnswerPolicy& policy);

// A new offer in an existing session (re-INVITE, UPDATE): streams keep their positions
// from `previous` (ConferenceControl::UpdateParticipant matches them by position), a line
// accepted before and refused or disabled now becomes a stream with remote_rtp_port 0
// (stopped), and a newly accepted line is appended. An offer that leaves nothing usable is
// an error: the caller answers 488 and keeps the session as it was.
Result<OfferAnswerPlan, OfferError> PlanUpdate(const SessionDescription& offer, const AnswerPolicy& policy,
                                               const OfferAnswerPlan& previous);

struct AnswerIdentity {
  std::string username = "tessera";
  uint64_t session_id = 0;
  uint64_t session_version = 0;  // one more for every new description in the session
  std::string session_name = "Tessera";
  // The bitrate of the output rung the endpoint gets, when known: b=AS and b=TIAS.
  int64_t audio_bitrate_bps = 0;
  int64_t video_bitrate_bps = 0;
};

// The RFC 3264 answer: the offer's m= lines in order, rejected ones with port 0, accepted
// ones with the local address and port of the matching result stream, the chosen payload
// type, telephone-event, the feedback we accepted, rtcp-mux, our a=crypto, and the answered
// direction. `result.streams` must follow `plan.request.streams`.
std::string BuildAnswer(const SessionDescription& offer, const OfferAnswerPlan& plan,
                        const mcu::ParticipantResult& result, const AnswerIdentity& identity);

// Late offer (an INVITE without SDP) and dial-out. The core allocates ports only through
// AddParticipant, so the flow is: OfferRequest() → AddParticipant → BuildOffer(result) →
// the endpoint's answer → PlanFromAnswer → UpdateParticipant.
struct OfferOptions {
  bool video = true;
  AnswerPolicy policy;  // our formats; srtp_required makes RTP/SAVP lines (SDES from the result)
};
// One stream per kind with our preferred format, receive only, remote unknown (port 0):
// what AddParticipant needs to allocate ports before the endpoint has said anything.
mcu::ParticipantRequest OfferRequest(const OfferOptions& options);
// An offer of all our formats for each stream of `result` (audio first, then video).
std::string BuildOffer(const OfferOptions& options, const mcu::ParticipantResult& result,
                       const AnswerIdentity& identity);
// The endpoint's answer to an offer of ours, as the request for UpdateParticipant: one
// stream per offered m= line, in order; a line answered with port 0 gives a stopped stream.
Result<OfferAnswerPlan, OfferError> PlanFromAnswer(const SessionDescription& our_offer,
                                                   const SessionDescription& answer, const AnswerPolicy& policy);

}  // namespace tessera::signaling::sdp

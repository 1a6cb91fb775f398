#pragma once
// Call: one INVITE session (RFC 3261 §13-§15) as the application sees it, for incoming
// calls (dial-in) and outgoing calls (dial-out). The conference engine plugs in here: it
// answers incoming calls with an SDP (or rejects them with a status), receives the events
// of the call through a CallObserver — answer, re-INVITE/UPDATE offers, DTMF, keyframe
// requests, the end — and can re-offer (hold/resume) or hang up.
//
// SDP travels as text; parse it with tessera/signaling/sdp/session_description.h. The
// offer/answer decisions (codecs, SRTP) belong to the application.
//
// Thread: every method and every observer callback runs on the control io_context thread.
// Methods called after the call ended do nothing.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/signaling/sip/dtmf.h"
#include "tessera/signaling/sip/message.h"
#include "tessera/signaling/sip/transport.h"

namespace tessera::signaling::sip {

class Call;

enum class CallDirection : uint8_t { kIncoming, kOutgoing };

enum class CallState : uint8_t {
  kIncoming,    // INVITE received, not answered yet (ringing or not)
  kCalling,     // our INVITE sent, no answer yet (ringing or not)
  kConnecting,  // incoming: 2xx sent, waiting for the ACK
  kConfirmed,   // established
  kTerminated,
};
std::string_view ToString(CallState s);

struct CallEnd {
  enum class Reason : uint8_t {
    kLocalHangup,     // Hangup() (BYE or CANCEL sent)
    kRemoteHangup,    // BYE received
    kCancelled,       // CANCEL received before we answered
    kRejected,        // we rejected the incoming call (Reject() or an automatic answer)
    kDeclined,        // the remote side answered our INVITE with a 3xx-6xx
    kNoAck,           // our 2xx was never acknowledged
    kTimeout,         // no (final) response, or no answer in time
    kSessionExpired,  // RFC 4028: the session was not refreshed
    kTransportError,  // the peer could not be reached
    kShutdown,        // the user agent stopped
  };
  Reason reason = Reason::kLocalHangup;
  int status = 0;      // the SIP status involved, if any
  std::string detail;  // human-readable
};
std::string_view ToString(CallEnd::Reason r);

class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // Outgoing: 180/183 (with the SDP of early media when present).
  virtual void OnRinging(Call&) {}
  virtual void OnEarlyMedia(Call&, std::string_view /*sdp*/) {}
  // The call is established. Outgoing: the answer in the 2xx. Incoming: the ACK arrived;
  // `remote_sdp` is the answer it carried when the INVITE had no offer, else empty.
  virtual void OnEstablished(Call&, std::string_view /*remote_sdp*/) {}
  // A re-INVITE or UPDATE carries a new offer: answer with AnswerOffer() or RejectOffer().
  // The default refuses the change (488); the session stays as it was.
  virtual void OnRemoteOffer(Call& call, std::string_view sdp);
  // A re-INVITE without SDP asks for our offer: give it with AnswerOffer(); the answer
  // arrives in OnRemoteAnswer. The default offers the current local SDP again.
  virtual void OnOfferRequested(Call& call);
  // The answer to an offer we made (Reinvite/Update, or our offer in an answer to an
  // offerless re-INVITE).
  virtual void OnRemoteAnswer(Call&, std::string_view /*sdp*/) {}
  // Our Reinvite/Update offer was refused (the session is unchanged).
  virtual void OnOfferRejected(Call&, int /*status*/) {}
  virtual void OnDtmf(Call&, const DtmfEvent&) {}
  // INFO picture_fast_update (room systems asking for a keyframe).
  virtual void OnKeyframeRequest(Call&) {}
  virtual void OnEnded(Call&, const CallEnd&) = 0;
};

class Call {
 public:
  virtual ~Call() = default;

  virtual uint64_t id() const = 0;
  virtual CallDirection direction() const = 0;
  virtual CallState state() const = 0;
  virtual const std::string& call_id() const = 0;
  // Incoming: the INVITE's Request-URI, From and To. Outgoing: the target and our From.
  virtual const Uri& request_uri() const = 0;
  virtual const NameAddr& remote_party() const = 0;  // From (incoming) or To (outgoing)
  virtual const NameAddr& local_party() const = 0;
  virtual const Source& source() const = 0;  // where the INVITE came from (incoming)
  virtual std::string remote_user_agent() const = 0;
  virtual bool secure() const = 0;  // sips: or TLS all the way to us
  // The digest user name that authenticated the INVITE, if authentication is on.
  virtual const std::optional<std::string>& authenticated_user() const = 0;
  // SDP as last seen: the remote's offer or answer, and ours.
  virtual const std::string& remote_sdp() const = 0;
  virtual const std::string& local_sdp() const = 0;
  // Incoming: true if the INVITE carried an offer (Answer() then gives the answer); false
  // for a late offer (Answer() gives our offer, the answer comes with the ACK).
  virtual bool remote_offered() const = 0;

  // The observer is not owned and must stay valid until OnEnded or SetObserver(nullptr).
  virtual void SetObserver(CallObserver* observer) = 0;

  // Incoming, before the answer.
  virtual void Ring() = 0;                     // 180
  virtual void Progress(std::string sdp) = 0;  // 183 with early media
  virtual void Answer(std::string sdp) = 0;    // 200
  // `warning`, when given, goes out as "Warning: 399 tessera \"...\"" (RFC 3261 §20.43),
  // e.g. why no media stream of the offer was usable with a 488.
  virtual void Reject(int status, std::string reason = {},
                      std::optional<std::chrono::seconds> retry_after = std::nullopt, std::string warning = {}) = 0;

  // Established calls. False if an offer/answer exchange is already in progress.
  virtual bool Reinvite(std::string sdp) = 0;  // new offer by re-INVITE (hold, resume, media change)
  virtual bool Update(std::string sdp) = 0;    // new offer by UPDATE; "" = session refresh only
  virtual void AnswerOffer(std::string sdp) = 0;
  virtual void RejectOffer(int status = 488, std::string warning = {}) = 0;

  // CANCEL before an answer to our INVITE, a rejection of an unanswered incoming call (480),
  // or BYE. `reason`, when given, is the value of a Reason header (RFC 3326) that the BYE or
  // CANCEL carries, e.g. Q.850;cause=16;text="removed by the operator".
  virtual void Hangup(std::string reason = {}) = 0;
};

}  // namespace tessera::signaling::sip

#pragma once
// H323Call: one H.323 call's signalling as a pure state machine — H.225.0 call signalling
// (Q.931 SETUP, CALL PROCEEDING, CONNECT, RELEASE COMPLETE, FACILITY, INFORMATION, STATUS
// ENQUIRY/STATUS with their UUIEs), fast start, and H.245 over whichever transport the two
// sides agree on (tunnelled in H.225.0 messages, one PDU per FACILITY; a separate TCP
// connection to an h245Address; both after fast start). Bytes in (TPKT payloads of the call
// signalling and H.245 channels), bytes out through H323CallTransport, events out through
// H323CallEvents, deadlines through NextTimeout/OnTimer. No sockets: the Asio layer
// (h323_endpoint.h) is a thin shell around it, and tests and fuzzers drive it directly.
//
// Media: each call has one audio and one video session. The local RTP/RTCP addresses come
// from the application (Accept for incoming calls, StartOutgoing for outgoing ones: the
// core allocates ports before anything is answered); the formats are chosen against the
// peer's capabilities (codecs::NegotiateAudio/NegotiateVideo, Tessera's preference first)
// and what the peer opens; CallMedia says at any time which direction of each session
// runs, with which format and remote addresses.
//
// Thread: owned by one connection, on the control thread; not thread-safe.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/signaling/h323/gen/h225.h"
#include "tessera/signaling/h323/h225_message.h"
#include "tessera/signaling/h323/h245_session.h"

namespace tessera::signaling::h323 {

// Q.850 cause values Tessera uses.
namespace q850 {
inline constexpr uint8_t kUnallocatedNumber = 1;
inline constexpr uint8_t kNormalClearing = 16;
inline constexpr uint8_t kUserBusy = 17;
inline constexpr uint8_t kNoAnswer = 19;
inline constexpr uint8_t kCallRejected = 21;
inline constexpr uint8_t kNoCircuitAvailable = 34;
inline constexpr uint8_t kTemporaryFailure = 41;
inline constexpr uint8_t kIncompatibleDestination = 88;
inline constexpr uint8_t kInvalidIeContents = 100;
inline constexpr uint8_t kTimerExpiry = 102;
inline constexpr uint8_t kProtocolError = 111;
}  // namespace q850

// Why a call ends: the Q.850 cause and the H.225.0 ReleaseCompleteReason sent or received.
struct ReleaseReason {
  uint8_t cause = q850::kNormalClearing;
  h225::ReleaseCompleteReason::Tag reason = h225::ReleaseCompleteReason::Tag::undefinedReason;
  std::string detail;  // for logs
};

struct CallEnd {
  enum class Who : uint8_t { kLocal, kRemote, kTransport };
  Who who = Who::kLocal;
  ReleaseReason reason;
};

// One direction-pair of a session (audio or video).
struct SessionMedia {
  bool sending = false;                      // our channel toward the peer is open (OLC acknowledged or fast start)
  bool receiving = false;                    // the peer's channel toward us is open
  std::optional<codecs::Capability> format;  // what we send (the peer's receive capability), else what it sends
  int payload_type = 0;
  std::optional<MediaAddress> remote_rtp;   // where we send
  std::optional<MediaAddress> remote_rtcp;  // where our RTCP goes
};
struct CallMedia {
  SessionMedia audio;
  SessionMedia video;
  std::optional<int> telephone_event_payload_type;  // the peer receives RFC 2833 events
};

struct LocalMedia {
  MediaAddress audio_rtp, audio_rtcp;
  std::optional<MediaAddress> video_rtp, video_rtcp;  // absent: audio only
};

// What an incoming SETUP asks for.
struct SetupInfo {
  std::vector<std::string> destination_aliases;  // dialledDigits, h323-ID, url-ID, email-ID, in order
  std::string called_number;                     // Called party number IE digits
  std::string display_name;                      // Display IE, or the first source h323-ID
  std::vector<std::string> source_aliases;
  bool fast_start = false;  // fastStart proposals present
  bool tunnelling = false;  // h245Tunnelling TRUE
  bool h245_address = false;
};

class H323CallTransport {
 public:
  virtual ~H323CallTransport() = default;
  // One Q.931 message (a TPKT payload) on the call signalling connection.
  virtual void SendSignalling(std::span<const uint8_t> message) = 0;
  // One H.245 PDU on the separate H.245 connection (once it is up).
  virtual void SendH245(std::span<const uint8_t> pdu) = 0;
  // Open the separate H.245 connection to the peer's h245Address; OnH245Connected follows.
  virtual void ConnectH245(const MediaAddress& address) = 0;
  // Listen for the peer's H.245 connection; the address to give it (nullopt: cannot).
  virtual std::optional<MediaAddress> ListenH245() = 0;
  // The call is over: close the connections (after the last message has been written).
  virtual void Close() = 0;
};

class H323CallEvents {
 public:
  virtual ~H323CallEvents() = default;
  // Incoming call: answer with Accept or Reject, now or later.
  virtual void OnCallSetup(const SetupInfo& setup) { (void)setup; }
  virtual void OnCallConnected() {}
  virtual void OnCallMedia(const CallMedia& media) { (void)media; }
  virtual void OnCallKeyframeRequest() {}
  virtual void OnCallBitrate(int64_t max_bitrate_bps) { (void)max_bitrate_bps; }
  virtual void OnCallDigit(char digit) { (void)digit; }
  // The last event; the call object may be destroyed from here.
  virtual void OnCallEnded(const CallEnd& end) { (void)end; }
};

struct H323CallOptions {
  H245Options h245;
  std::string display_name = "Tessera";
  std::chrono::milliseconds setup_timeout{8000};     // outgoing: no answer to SETUP at all
  std::chrono::milliseconds connect_timeout{60000};  // outgoing: no CONNECT
  std::chrono::milliseconds h245_timeout{10000};     // separate H.245 connection not up after CONNECT
};

// How SendDigit carries a digit in the signalling: H.245 userInputIndication alphanumeric or
// signal (what the peer's capabilities prefer with kAuto); before H.245 runs, a Q.931
// INFORMATION Keypad IE.
enum class UserInputMode : uint8_t { kAuto, kAlphanumeric, kSignal };

// How an outgoing call runs H.245.
struct DialMode {
  bool fast_start = true;
  bool tunnelling = true;  // false: a separate H.245 connection to the callee's h245Address
};

class H323Call {
 public:
  using Clock = std::chrono::steady_clock;

  H323Call(H323CallTransport& transport, H323CallEvents& events, H323CallOptions options);
  ~H323Call();
  H323Call(const H323Call&) = delete;
  H323Call& operator=(const H323Call&) = delete;

  // Outgoing: sends SETUP to `destination_alias` (empty: none) from our local media.
  void StartOutgoing(const std::string& destination_alias, const LocalMedia& local, DialMode mode,
                     Clock::time_point now);
  // Incoming (after OnCallSetup): CALL PROCEEDING and CONNECT with the fast start answer,
  // then H.245; or RELEASE COMPLETE.
  void Accept(const LocalMedia& local, Clock::time_point now);
  void Reject(const ReleaseReason& reason);
  // endSessionCommand (if H.245 runs) and RELEASE COMPLETE.
  void Hangup(const ReleaseReason& reason);

  // Input. A message that cannot be parsed at all before a call exists ends the connection;
  // after that it is counted and dropped (or answered with STATUS / RELEASE COMPLETE).
  void ReceiveSignalling(std::span<const uint8_t> message, Clock::time_point now);
  void ReceiveH245(std::span<const uint8_t> pdu, Clock::time_point now);
  void OnH245Connected(Clock::time_point now);  // the separate connection is up
  void OnTransportClosed(bool h245_only);       // the peer closed (or reset) a connection
  void OnTimer(Clock::time_point now);
  std::optional<Clock::time_point> NextTimeout() const;

  // During the call.
  void RequestKeyframe();  // videoFastUpdatePicture on the peer's video channel
  void SendFlowControl(int64_t max_bitrate_bps);
  void SendDigit(char digit, UserInputMode mode = UserInputMode::kAuto, uint16_t duration_ms = 100);

  bool outgoing() const { return outgoing_; }
  bool connected() const { return state_ == State::kConnected; }
  bool ended() const { return state_ == State::kEnded; }
  const CallMedia& media() const { return media_; }
  const H245Session* h245() const { return h245_.get(); }
  uint64_t bad_messages() const { return bad_messages_; }

 private:
  enum class State { kIdle, kOutgoingSetup, kOutgoingProceeding, kIncomingSetup, kConnected, kEnded };
  enum class H245Transport { kNone, kTunnel, kSeparate };
  class H245Bridge;

  void OnSetup(const Q931Message& q931, const h225::Setup_UUIE& setup, const h225::H323_UU_PDU& pdu,
               Clock::time_point now);
  void OnResponse(const Q931Message& q931, const h225::H323_UserInformation& ui, Clock::time_point now);
  void OnConnect(const h225::Connect_UUIE& connect, Clock::time_point now);
  void TakeTunnelledH245(const h225::H323_UU_PDU& pdu, Clock::time_point now);
  void StartH245(Clock::time_point now);
  void AfterH245(Clock::time_point now);

  // Fast start.
  std::vector<std::vector<uint8_t>> FastStartProposals();
  std::vector<std::vector<uint8_t>> AnswerFastStart(const std::vector<std::vector<uint8_t>>& proposals);
  void TakeFastStartAnswer(const std::vector<std::vector<uint8_t>>& answer);

  // Media bookkeeping from H.245.
  void OpenOurChannels(Clock::time_point now);
  void MediaChanged();

  // Sending.
  Q931Message NewQ931(Q931MessageType type) const;
  h225::H323_UserInformation Wrap(h225::H323_UU_PDU_h323_message_body body, bool with_tunnelling_flag = true) const;
  void Send(Q931Message q931, h225::H323_UserInformation ui);
  void SendTunnelled(std::vector<uint8_t> pdu);
  void SendReleaseComplete(const ReleaseReason& reason);
  void SendStatus(uint8_t cause);
  void End(CallEnd::Who who, const ReleaseReason& reason);
  void Fail(const ReleaseReason& reason);  // RELEASE COMPLETE + end

  h225::EndpointType OurEndpoint() const;

  // Passed in (not owned).
  H323CallTransport& transport_;
  H323CallEvents& events_;
  // Owned.
  H323CallOptions options_;
  State state_ = State::kIdle;
  bool outgoing_ = false;
  uint16_t call_reference_ = 0;
  std::vector<uint8_t> call_identifier_;
  std::vector<uint8_t> conference_id_;
  LocalMedia local_;
  bool local_known_ = false;
  DialMode mode_;
  bool peer_tunnelling_ = false;
  H245Transport h245_transport_ = H245Transport::kNone;
  bool h245_started_ = false;
  bool h245_connected_ = false;                       // the separate connection is up
  bool h245_connecting_ = false;                      // ConnectH245 asked
  std::vector<std::vector<uint8_t>> pending_tunnel_;  // H.245 PDUs produced before CONNECT
  bool peer_ended_session_ = false;                   // set by the session, acted on after it returns
  std::optional<std::string> h245_failure_;           // likewise
  std::unique_ptr<H245Bridge> bridge_;
  std::unique_ptr<H245Session> h245_;
  std::vector<std::vector<uint8_t>> fast_start_proposals_;  // incoming SETUP's
  bool fast_start_done_ = false;
  std::vector<std::vector<uint8_t>> fast_start_answer_;  // what we answered (repeated in CONNECT)
  std::optional<MediaAddress> peer_h245_address_;
  CallMedia media_;
  uint16_t incoming_video_channel_ = 0;
  uint16_t incoming_audio_channel_ = 0;
  uint16_t our_audio_channel_ = 0;
  uint16_t our_video_channel_ = 0;
  bool h245_ready_caps_ = false;
  bool h245_ready_msd_ = false;
  std::optional<Clock::time_point> deadline_;  // setup/connect/h245 timer of the call layer
  uint64_t bad_messages_ = 0;
};

}  // namespace tessera::signaling::h323

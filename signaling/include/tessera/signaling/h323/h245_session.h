#pragma once
// H245Session: the H.245 control protocol of one call as a pure state machine — messages in,
// messages out (through the listener) and timer deadlines; no sockets, no clock of its own,
// so it can be driven by tests and fuzzers and carried over any of the three transports
// (tunnelled in H.225.0, a separate TCP connection, or after fast start).
//
// Procedures (H.245 §8): capability exchange (TerminalCapabilitySet/Ack/Reject, T101),
// master/slave determination (terminal type 190, a random 24-bit status determination
// number, identical numbers retried up to N100 times, T106; MasterSlaveDeterminationRelease
// on expiry), unidirectional logical channels both ways (OpenLogicalChannel/Ack/Reject,
// CloseLogicalChannel/Ack, RequestChannelClose, T103), round-trip delay (T105), commands
// and indications (videoFastUpdatePicture, flowControlCommand, userInputIndication
// alphanumeric and signal, endSessionCommand). A message that does not fit the state is
// answered as H.245 says (an Ack or Reject for an unknown channel is ignored, an unknown
// request gets functionNotUnderstood) and counted, never fatal.
//
// Thread: owned by one call, on the control thread; not thread-safe.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/codecs/capabilities.h"
#include "tessera/mcu/participant_request.h"
#include "tessera/signaling/h323/gen/h245.h"
#include "tessera/signaling/h323/h245_capabilities.h"

namespace tessera::signaling::h323 {

// An IPv4 or IPv6 transport address (numeric host).
struct MediaAddress {
  std::string ip;  // "192.0.2.1", "2001:db8::1"
  uint16_t port = 0;
  bool operator==(const MediaAddress&) const = default;
};
std::optional<MediaAddress> FromH245Address(const h245::TransportAddress& address);
std::optional<h245::TransportAddress> ToH245Address(const MediaAddress& address);

struct H245Options {
  uint16_t terminal_type = 190;  // H.323 Table 1: an MCU with audio and video processors
  std::vector<codecs::Capability> audio = codecs::DefaultAudioCapabilities();
  std::vector<codecs::Capability> video = codecs::DefaultVideoCapabilities();
  int telephone_event_payload_type = 101;
  std::chrono::milliseconds t101{30000};  // TerminalCapabilitySet response
  std::chrono::milliseconds t103{30000};  // OpenLogicalChannel / CloseLogicalChannel response
  std::chrono::milliseconds t105{10000};  // RoundTripDelayResponse
  std::chrono::milliseconds t106{30000};  // MasterSlaveDetermination response
  int n100 = 3;                           // determinations with identical numbers before giving up
  uint32_t random_seed = 1;               // status determination numbers
};

// The peer opens a channel toward us.
struct IncomingChannel {
  uint16_t number = 0;
  uint16_t session_id = 0;
  mcu::MediaKind kind = mcu::MediaKind::kAudio;
  codecs::Capability format;
  int payload_type = 0;
  std::optional<MediaAddress> remote_rtcp;  // where the peer takes RTCP receiver reports
};
// Where we receive it.
struct ChannelAnswer {
  MediaAddress local_rtp;
  MediaAddress local_rtcp;
};

// A channel we open toward the peer.
struct OutgoingChannel {
  mcu::MediaKind kind = mcu::MediaKind::kAudio;
  codecs::Capability format;
  int payload_type = 0;
  MediaAddress local_rtcp;  // where we take the peer's receiver reports
  uint16_t session_id = 0;  // 0: 1 for audio, 2 for video
};
struct ChannelAck {
  uint16_t number = 0;
  mcu::MediaKind kind = mcu::MediaKind::kAudio;
  MediaAddress remote_rtp;
  std::optional<MediaAddress> remote_rtcp;
};

struct H245Counters {
  uint64_t received = 0;
  uint64_t undecodable = 0;
  uint64_t out_of_state = 0;  // answered or ignored per H.245
  uint64_t not_understood = 0;
};

class H245Session {
 public:
  using Clock = std::chrono::steady_clock;

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void SendH245(const h245::MultimediaSystemControlMessage& message) = 0;
    virtual void OnH245Capabilities(const RemoteCapabilities& caps) { (void)caps; }
    virtual void OnH245MasterSlave(bool master) { (void)master; }
    // nullopt rejects the channel (dataTypeNotSupported).
    virtual std::optional<ChannelAnswer> OnH245ChannelOffered(const IncomingChannel& channel) = 0;
    virtual void OnH245ChannelClosed(uint16_t number, bool outgoing) { (void)number, (void)outgoing; }
    virtual void OnH245ChannelAcked(const ChannelAck& ack) { (void)ack; }
    virtual void OnH245ChannelRejected(uint16_t number) { (void)number; }
    virtual void OnH245FastUpdate() {}
    virtual void OnH245FlowControl(int64_t max_bitrate_bps) { (void)max_bitrate_bps; }
    virtual void OnH245UserInput(char digit) { (void)digit; }
    virtual void OnH245RoundTrip(std::chrono::milliseconds delay) { (void)delay; }
    virtual void OnH245EndSession() {}
    // A procedure failed for good (capability exchange rejected or timed out, master/slave
    // undetermined, round trip lost): H.245 says the call should end.
    virtual void OnH245Failure(const std::string& reason) { (void)reason; }
  };

  H245Session(Listener& listener, H245Options options);

  // Sends our TerminalCapabilitySet and starts master/slave determination.
  void Start(Clock::time_point now);
  // One PDU as received (any transport); undecodable ones are counted and dropped.
  void Receive(std::span<const uint8_t> pdu, Clock::time_point now);
  void Receive(const h245::MultimediaSystemControlMessage& message, Clock::time_point now);
  // Fires the timers due at `now`.
  void OnTimer(Clock::time_point now);
  std::optional<Clock::time_point> NextTimeout() const;

  // Opens a channel toward the peer; its number, or nullopt if the format has no DataType.
  std::optional<uint16_t> OpenChannel(const OutgoingChannel& channel, Clock::time_point now);
  void CloseChannel(uint16_t number, Clock::time_point now);
  void SendFastUpdate(uint16_t incoming_channel);
  void SendFlowControl(uint16_t incoming_channel, int64_t max_bitrate_bps);
  // userInputIndication: alphanumeric, or signal (a DTMF key held `duration_ms`).
  void SendUserInput(char digit, bool as_signal, uint16_t duration_ms = 100);
  void SendRoundTripDelay(Clock::time_point now);
  // Sends endSessionCommand once (the answer to the peer's too).
  void EndSession();

  bool capabilities_sent_acked() const { return tcs_acked_; }
  const std::optional<RemoteCapabilities>& remote_capabilities() const { return remote_caps_; }
  std::optional<bool> master() const { return master_; }
  bool ended() const { return end_sent_; }
  // Channels established (acknowledged) in each direction.
  size_t open_outgoing() const;
  size_t open_incoming() const { return incoming_.size(); }
  const H245Counters& counters() const { return counters_; }

 private:
  enum class MsdState { kIdle, kOutgoingAwaitingResponse, kIncomingAwaitingResponse, kDone };
  struct Outgoing {
    OutgoingChannel request;
    bool acked = false;
    bool closing = false;
    std::optional<Clock::time_point> deadline;
  };

  void Send(const h245::MultimediaSystemControlMessage& message) { listener_.SendH245(message); }
  void SendTerminalCapabilitySet(Clock::time_point now);
  void SendMasterSlaveDetermination(Clock::time_point now);
  uint32_t NextRandom();

  void OnRequest(const h245::RequestMessage& r, Clock::time_point now);
  void OnResponse(const h245::ResponseMessage& r, Clock::time_point now);
  void OnCommand(const h245::CommandMessage& c, Clock::time_point now);
  void OnIndication(const h245::IndicationMessage& i);

  void OnMasterSlaveDetermination(const h245::MasterSlaveDetermination& m, Clock::time_point now);
  void OnMasterSlaveAck(const h245::MasterSlaveDeterminationAck& a);
  void OnMasterSlaveReject(Clock::time_point now);
  void Determined(bool master);
  void OnOpenLogicalChannel(const h245::OpenLogicalChannel& olc);
  void RejectChannel(uint16_t number, int cause_index);
  void OnOpenLogicalChannelAck(const h245::OpenLogicalChannelAck& ack);

  // Passed in (not owned).
  Listener& listener_;
  // Owned.
  H245Options options_;
  uint32_t random_state_;
  H245Counters counters_;
  // Capability exchange.
  uint16_t tcs_sequence_ = 0;
  bool tcs_acked_ = false;
  std::optional<Clock::time_point> t101_;
  std::optional<RemoteCapabilities> remote_caps_;
  // Master/slave determination.
  MsdState msd_state_ = MsdState::kIdle;
  uint32_t msd_number_ = 0;
  int msd_retries_ = 0;
  std::optional<Clock::time_point> t106_;
  std::optional<bool> master_;
  // Logical channels: ours by our number, the peer's by its number.
  uint16_t next_channel_ = 1;
  std::map<uint16_t, Outgoing> outgoing_;
  std::map<uint16_t, IncomingChannel> incoming_;
  uint16_t next_dynamic_session_ = 32;
  // Round trip.
  uint16_t rtd_sequence_ = 0;
  std::optional<Clock::time_point> rtd_sent_;
  bool end_sent_ = false;
};

}  // namespace tessera::signaling::h323

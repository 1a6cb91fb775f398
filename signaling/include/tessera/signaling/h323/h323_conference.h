#pragma once
// H323Conference: H.323 calls join rooms through mcu::ConferenceControl, as SIP calls do
// (sip/conference_dial_in.h) — incoming calls (dial-in) and calls the server places for a
// room (DialOut).
//
// The room is the first destinationAddress alias (dialledDigits, h323-ID...) that FindRoom
// knows, else the Called party number: unknown → RELEASE COMPLETE cause 1 (unallocated
// number, calledPartyNotRegistered), locked → 21 (call rejected, noPermission), full → 17
// (user busy, adaptiveBusy), the core's other refusals → 88/41. The participant is added
// before anything is answered (AddParticipant allocates the RTP ports the fast start answer
// and the OpenLogicalChannelAcks carry) with provisional receive-only streams; every change
// of the H.245 channels (fast start, OLC/Ack, CLC) becomes UpdateParticipant; the call's end
// (RELEASE COMPLETE, endSessionCommand, a TCP close) RemoveParticipant. The other way
// round, a participant the core removes on its own (the control API kicks it or deletes
// its room: ConferenceControl::SetCallEnder, "h323") has its call released here with
// RELEASE COMPLETE, cause 16 (normal clearing).
// videoFastUpdatePicture → RequestKeyframe; the other way, while the peer's video channel
// is open the leg polls TakeKeyframeRequests (the core's PLI/FIR for that video, which many
// room systems ignore) and sends videoFastUpdatePicture for them. PIN rooms: the
// participant waits in the lobby and the PIN is read from userInputIndication / Keypad
// digits and the core's own DTMF (RFC 2833 and in-band, polled), with the same dialogue as
// SIP (common/pin_lobby.h).
//
// Thread: the control io_context thread.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tessera/mcu/control.h"
#include "tessera/signaling/h323/h323_endpoint.h"

namespace tessera::signaling::h323 {

struct H323ConferenceOptions {
  std::chrono::milliseconds digit_poll{100};
  std::chrono::milliseconds keyframe_poll{200};  // the core rate-limits its requests (300 ms)
  std::chrono::milliseconds interdigit_timeout{4000};
  std::chrono::milliseconds goodbye{1500};
  std::chrono::seconds lobby_timeout{60};
  int pin_attempts = 3;
  // Every call that ends (its H323Connection::id() and how), after its participant left.
  std::function<void(uint64_t, const CallEnd&)> on_call_ended;
};

// How SendDigits carries DTMF to the peer: H.245 userInputIndication (alphanumeric, or
// signal with a duration), RFC 2833 telephone events on the audio stream (the payload type
// the peer's receiveRTPAudioTelephonyEventCapability names), or in-band tones in the audio.
enum class DigitMethod : uint8_t { kH245Alphanumeric, kH245Signal, kRfc2833, kInband };

class H323Conference final : public H323EndpointHandler {
 public:
  // `control` is not owned and must outlive this object; so must `io`.
  H323Conference(mcu::ConferenceControl& control, boost::asio::io_context& io, H323ConferenceOptions options = {});
  ~H323Conference() override;
  H323Conference(const H323Conference&) = delete;
  H323Conference& operator=(const H323Conference&) = delete;

  void OnIncomingCall(const std::shared_ptr<H323Connection>& connection, const SetupInfo& setup) override;

  // Calls `target` ("h323:alias@ip:port", "alias@ip", "ip", "ip:port", optionally with
  // ";h245=..." which overrides `mode`: ParseDialTarget) into room `room`. The result is the
  // connection, or why the call could not be placed.
  Result<std::shared_ptr<H323Connection>, std::string> DialOut(H323Endpoint& endpoint, std::string_view room,
                                                               std::string_view target, DialMode mode = {});

  // Keys `digits` (0-9 * # A-D) toward the peer of call `connection_id` (an
  // H323Connection::id()): at once in H.245; through the core's audio, one per 200 ms.
  Result<void, std::string> SendDigits(uint64_t connection_id, std::string_view digits, DigitMethod method);

  size_t active_calls() const { return legs_.size(); }
  // The calls with a participant in a room (H323Connection::id()), and one of them (null if
  // it has ended): for operators and tests.
  std::vector<uint64_t> call_ids() const;
  std::shared_ptr<H323Connection> connection(uint64_t id) const;

 private:
  class Leg;
  void Forget(uint64_t id);
  // The core removed `participant_id`: release its call (if it is still up).
  void EndCallOf(const std::string& participant_id, const std::string& why);

  // Passed in (not owned).
  mcu::ConferenceControl& control_;
  boost::asio::io_context& io_;
  // Owned.
  H323ConferenceOptions options_;
  std::map<uint64_t, std::unique_ptr<Leg>> legs_;  // by H323Connection::id()
  // Tasks posted by the call ender check it: they do nothing once this is destroyed.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace tessera::signaling::h323

#pragma once
// PinLobby: the PIN dialogue of one call waiting in a PIN room's lobby, the same for every
// signalling protocol (SIP, H.323). Digits come from the core (RFC 4733 events and in-band
// tones, polled with TakeDigits on a periodic timer) and from the signalling (SIP INFO,
// H.245 userInputIndication, Q.931 Keypad: OnDigit); sip::PinEntry assembles entries, the
// core checks them (CheckPin), plays the prompts (PlayPrompt) and admits the participant.
// After the last wrong entry, or when no right PIN came within the lobby timeout, the
// goodbye prompt plays for a while and the lobby asks its call to end.
//
// The call is reached through PinLobby::Host; EndLobbyCall may destroy the lobby (the call's
// leg owns it), so every path that calls it returns right after.
//
// Thread: the control io_context thread (the one of the calls).

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "tessera/mcu/control.h"
#include "tessera/signaling/sip/pin_entry.h"

namespace tessera::signaling {

struct PinLobbyOptions {
  std::chrono::milliseconds digit_poll{100};           // how often the core's digits are read
  std::chrono::milliseconds interdigit_timeout{4000};  // an entry without '#' ends after this
  std::chrono::milliseconds goodbye{1500};             // the goodbye prompt plays this long
  std::chrono::seconds lobby_timeout{60};              // no right PIN by then: goodbye
  int pin_attempts = 3;
};
// The lobby's options out of a protocol's options with fields of the same names.
template <typename T>
PinLobbyOptions LobbyOptionsOf(const T& o) {
  return {.digit_poll = o.digit_poll,
          .interdigit_timeout = o.interdigit_timeout,
          .goodbye = o.goodbye,
          .lobby_timeout = o.lobby_timeout,
          .pin_attempts = o.pin_attempts};
}

class PinLobby {
 public:
  enum class End : uint8_t {
    kGoodbye,  // wrong PINs or the lobby timeout, after the goodbye prompt
    kFailure,  // the core failed a request (detail says which)
  };
  class Host {
   public:
    virtual ~Host() = default;
    // A wrong entry: whether the caller may try again (false: goodbye whatever attempts
    // are left, e.g. its address guessed too often).
    virtual bool MayRetryPin() { return true; }
    // Ends the call; may destroy the lobby.
    virtual void EndLobbyCall(End why, const std::string& detail) = 0;
  };

  // `control`, `io` and `host` are not owned and must outlive the lobby. `name` names the
  // call in logs.
  PinLobby(mcu::ConferenceControl& control, boost::asio::io_context& io, PinLobbyOptions options, std::string room_id,
           std::string participant_id, std::string name, Host& host);
  PinLobby(const PinLobby&) = delete;
  PinLobby& operator=(const PinLobby&) = delete;

  void Start();
  // A digit the signalling carried; false if the call was ended (the lobby may be gone).
  bool OnDigit(char digit);
  // Stops the timer (the call ends).
  void Stop();
  // Waiting for the right PIN (false once admitted).
  bool waiting() const { return waiting_; }

 private:
  void SchedulePoll();
  void Poll();
  bool Check(const std::string& entry);  // false if the call was ended
  void SayGoodbye();

  // Passed in (not owned).
  mcu::ConferenceControl& control_;
  Host& host_;
  // Owned.
  const PinLobbyOptions options_;
  std::string room_id_;
  std::string participant_id_;
  std::string name_;
  bool waiting_ = false;
  sip::PinEntry pin_;
  boost::asio::steady_timer poll_;
  std::chrono::steady_clock::time_point last_digit_;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<std::chrono::steady_clock::time_point> goodbye_at_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // timer handlers check it
};

}  // namespace tessera::signaling

#pragma once
// Session timers (RFC 4028): the Session-Expires/Min-SE headers and the decisions a UAS and
// a UAC make from them. Pure functions; the invite session runs the resulting timers.
//
// Thread safety: pure functions.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/signaling/sip/message.h"

namespace tessera::signaling::sip {

struct SessionTimerSettings {
  std::chrono::seconds session_expires{1800};  // what we ask for; 0 = do not start one
  std::chrono::seconds min_se{90};             // the shortest we accept (RFC 4028: >= 90 s)
};

// "uac"/"uas" name the sender and the receiver of the request that carried them.
enum class Refresher : uint8_t { kUac, kUas };

struct SessionExpires {
  uint32_t seconds = 0;
  std::optional<Refresher> refresher;
  std::string ToString() const;  // "1800;refresher=uac"
};
std::optional<SessionExpires> ParseSessionExpires(std::string_view value);
std::optional<SessionExpires> GetSessionExpires(const Message& m);
std::optional<uint32_t> GetMinSe(const Message& m);

// What a UAS answers to an INVITE/UPDATE (RFC 4028 §9).
struct UasSessionTimerDecision {
  bool reject_422 = false;                 // interval below our Min-SE
  uint32_t min_se = 0;                     // the Min-SE to put in the 422
  std::optional<SessionExpires> response;  // Session-Expires for the 2xx; nullopt = no timer
  bool require_timer = false;              // the 2xx needs "Require: timer" (the UAC refreshes)
  bool we_refresh = false;                 // we are the refresher
};
UasSessionTimerDecision DecideAsUas(const Message& request, const SessionTimerSettings& settings);

// What a 2xx to our INVITE/UPDATE says (RFC 4028 §7.4): nullopt = no session timer.
struct UacSessionTimerResult {
  uint32_t seconds = 0;
  bool we_refresh = false;
};
std::optional<UacSessionTimerResult> ReadAsUac(const Message& response);

// When the refresher sends its refresh (half the interval), and when the other side gives
// up without one (RFC 4028 §10: interval minus min(32 s, interval / 3)).
std::chrono::milliseconds RefreshAfter(uint32_t seconds);
std::chrono::milliseconds ExpireAfter(uint32_t seconds);

}  // namespace tessera::signaling::sip

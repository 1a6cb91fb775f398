#include "tessera/signaling/sip/session_timer.h"

#include <fmt/format.h>

#include <algorithm>

#include "sip/grammar.h"

namespace tessera::signaling::sip {

std::string SessionExpires::ToString() const {
  if (!refresher) return std::to_string(seconds);
  return fmt::format("{};refresher={}", seconds, *refresher == Refresher::kUac ? "uac" : "uas");
}

std::optional<SessionExpires> ParseSessionExpires(std::string_view value) {
  grammar::Scanner sc(grammar::Trim(value));
  const auto seconds = grammar::ParseUint(sc.While(grammar::IsDigit), 0xffffffffu);
  if (!seconds || *seconds == 0) return std::nullopt;
  ParamList params;
  if (grammar::ParseParams(sc, params)) return std::nullopt;
  sc.SkipWs();
  if (!sc.done()) return std::nullopt;
  SessionExpires se{static_cast<uint32_t>(*seconds), std::nullopt};
  if (const auto r = params.Get("refresher")) {
    if (grammar::EqualsIgnoreCase(*r, "uac")) se.refresher = Refresher::kUac;
    if (grammar::EqualsIgnoreCase(*r, "uas")) se.refresher = Refresher::kUas;
  }
  return se;
}

std::optional<SessionExpires> GetSessionExpires(const Message& m) {
  const std::string* v = m.GetHeader("Session-Expires");
  return v ? ParseSessionExpires(*v) : std::nullopt;
}

std::optional<uint32_t> GetMinSe(const Message& m) {
  const std::string* v = m.GetHeader("Min-SE");
  if (!v) return std::nullopt;
  std::string_view t = grammar::Trim(*v);
  t = t.substr(0, t.find(';'));
  const auto n = grammar::ParseUint(grammar::Trim(t), 0xffffffffu);
  if (!n) return std::nullopt;
  return static_cast<uint32_t>(*n);
}

UasSessionTimerDecision DecideAsUas(const Message& request, const SessionTimerSettings& settings) {
  UasSessionTimerDecision d;
  const bool uac_supports = request.HasOptionTag("Supported", "timer") || request.HasOptionTag("Require", "timer");
  const uint32_t our_min = static_cast<uint32_t>(settings.min_se.count());
  const uint32_t min_se = std::max(our_min, GetMinSe(request).value_or(0));
  const auto requested = GetSessionExpires(request);
  SessionExpires se;
  if (requested) {
    if (requested->seconds < our_min) {
      d.reject_422 = true;
      d.min_se = our_min;
      return d;
    }
    se.seconds = requested->seconds;
    // The UAS may shorten the interval, never below the Min-SE in force (RFC 4028 §9).
    if (settings.session_expires.count() > 0) {
      se.seconds = std::min(se.seconds, std::max(static_cast<uint32_t>(settings.session_expires.count()), min_se));
    }
    se.refresher = requested->refresher.value_or(uac_supports ? Refresher::kUac : Refresher::kUas);
    // A UAC that does not support timers cannot be the refresher.
    if (!uac_supports) se.refresher = Refresher::kUas;
  } else {
    if (settings.session_expires.count() == 0) return d;
    se.seconds = std::max(static_cast<uint32_t>(settings.session_expires.count()), min_se);
    se.refresher = uac_supports ? Refresher::kUac : Refresher::kUas;
  }
  d.response = se;
  d.require_timer = se.refresher == Refresher::kUac;
  d.we_refresh = se.refresher == Refresher::kUas;
  return d;
}

std::optional<UacSessionTimerResult> ReadAsUac(const Message& response) {
  const auto se = GetSessionExpires(response);
  if (!se) return std::nullopt;
  // Without a refresher parameter the UAC refreshes (RFC 4028 §7.4).
  return UacSessionTimerResult{se->seconds, se->refresher.value_or(Refresher::kUac) == Refresher::kUac};
}

std::chrono::milliseconds RefreshAfter(uint32_t seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds) * 500);
}

std::chrono::milliseconds ExpireAfter(uint32_t seconds) {
  const int64_t ms = static_cast<int64_t>(seconds) * 1000;
  return std::chrono::milliseconds(ms - std::min<int64_t>(32000, ms / 3));
}

}  // namespace tessera::signaling::sip

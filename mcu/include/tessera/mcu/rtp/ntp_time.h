#pragma once
// NTP timestamps (RFC 3550 §4: 64-bit, seconds since 1900 in 32.32 fixed point) as RTCP
// sender reports carry them, the "compact" middle 32 bits used by LSR/DLSR, and the
// round-trip time a sender computes from a receiver's report block (RFC 3550 §6.4.1).
//
// The media path keeps a monotonic clock; wall-clock NTP appears only in sender reports.
// Thread safety: pure functions; any thread.

#include <chrono>
#include <cstdint>
#include <optional>

namespace tessera::mcu::rtp {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch).
inline constexpr uint64_t kNtpUnixEpochOffset = 2'208'988'800ULL;

struct NtpTime {
  uint64_t value = 0;  // 32.32 fixed point seconds since 1900

  uint32_t seconds() const { return static_cast<uint32_t>(value >> 32); }
  uint32_t fraction() const { return static_cast<uint32_t>(value); }
  // The middle 32 bits (16.16 seconds): LSR, DLSR and the RTT arithmetic use these.
  uint32_t Compact() const { return static_cast<uint32_t>(value >> 16); }
  bool operator==(const NtpTime&) const = default;
};

NtpTime NtpFromSystemTime(std::chrono::system_clock::time_point t);
NtpTime NtpNow();
std::chrono::system_clock::time_point SystemTimeFromNtp(NtpTime ntp);

// A 16.16 compact NTP duration (DLSR) from a duration, and back; saturating.
uint32_t CompactNtpFromDuration(std::chrono::microseconds d);
std::chrono::microseconds DurationFromCompactNtp(uint32_t compact);

// RTT = A - LSR - DLSR, with A the compact NTP arrival time of the receiver report. Null when
// LSR is 0 (the receiver had no SR from us yet) or when the result would be negative
// beyond clock noise (a clock step or a bogus report).
std::optional<std::chrono::microseconds> RoundTripTime(uint32_t arrival_compact_ntp, uint32_t lsr, uint32_t dlsr);

}  // namespace tessera::mcu::rtp

#include "tessera/mcu/rtp/ntp_time.h"

#include <algorithm>

namespace tessera::mcu::rtp {

NtpTime NtpFromSystemTime(std::chrono::system_clock::time_point t) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  const int64_t ns = since_epoch.count();
  const int64_t seconds = ns / 1'000'000'000 - (ns % 1'000'000'000 < 0 ? 1 : 0);
  const int64_t rest_ns = ns - seconds * 1'000'000'000;
  const uint64_t ntp_seconds = static_cast<uint64_t>(seconds) + kNtpUnixEpochOffset;
  // fraction = rest_ns * 2^32 / 1e9, rounded.
  const uint64_t fraction = ((static_cast<uint64_t>(rest_ns) << 32) + 500'000'000) / 1'000'000'000;
  return NtpTime{(ntp_seconds << 32) + fraction};
}

NtpTime NtpNow() {
  return NtpFromSystemTime(std::chrono::system_clock::now());
}

std::chrono::system_clock::time_point SystemTimeFromNtp(NtpTime ntp) {
  const int64_t seconds = static_cast<int64_t>(ntp.seconds()) - static_cast<int64_t>(kNtpUnixEpochOffset);
  const int64_t ns = static_cast<int64_t>((uint64_t{ntp.fraction()} * 1'000'000'000 + (1ULL << 31)) >> 32);
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(seconds) + std::chrono::nanoseconds(ns)));
}

uint32_t CompactNtpFromDuration(std::chrono::microseconds d) {
  if (d.count() <= 0) return 0;
  // 65536 units per second; saturate at the 16.16 maximum (about 18 hours).
  const uint64_t units = (static_cast<uint64_t>(d.count()) * 65536 + 500'000) / 1'000'000;
  return static_cast<uint32_t>(std::min<uint64_t>(units, 0xFFFFFFFFULL));
}

std::chrono::microseconds DurationFromCompactNtp(uint32_t compact) {
  return std::chrono::microseconds((uint64_t{compact} * 1'000'000 + 32768) / 65536);
}

std::optional<std::chrono::microseconds> RoundTripTime(uint32_t arrival_compact_ntp, uint32_t lsr, uint32_t dlsr) {
  if (lsr == 0) return std::nullopt;
  // Modulo 2^32 arithmetic as in RFC 3550 §6.4.1; a "negative" result wraps to a huge
  // value, which the 2^31 test catches.
  const uint32_t rtt = arrival_compact_ntp - lsr - dlsr;
  if (rtt >= 0x80000000u) {
    // Allow a millisecond of rounding noise (the two ends round DLSR and A differently).
    if (static_cast<uint32_t>(-rtt) <= 66) return std::chrono::microseconds(0);
    return std::nullopt;
  }
  return DurationFromCompactNtp(rtt);
}

}  // namespace tessera::mcu::rtp

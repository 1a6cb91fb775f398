#include "tessera/mcu/rtp/rtcp_interval.h"

#include <algorithm>

namespace tessera::mcu::rtp {
namespace {

constexpr double kMinTimeSeconds = 5.0;          // RTCP_MIN_TIME
constexpr double kSenderFraction = 0.25;         // RTCP_SENDER_BW_FRACTION
constexpr double kCompensation = 2.71828 - 1.5;  // e - 3/2, A.7

double MinimumSeconds(const RtcpIntervalConfig& config, bool initial) {
  if (config.profile == RtcpProfile::kAvpf) {
    // RFC 4585 §3.4: Tmin is 1 s before the first report and 0 after it; T_rr_interval
    // (§3.5.3), if configured, then paces the regular reports.
    if (initial) return 1.0;
    return std::chrono::duration<double>(config.avpf_regular_minimum).count();
  }
  double minimum = kMinTimeSeconds;
  if (config.reduced_minimum && config.session_bandwidth_bps > 0) {
    // RFC 3550 §6.2: 360 / (session bandwidth in kbit/s) seconds.
    minimum = std::min(minimum, 360.0 / (config.session_bandwidth_bps / 1000.0));
  }
  return initial ? minimum / 2 : minimum;
}

}  // namespace

std::chrono::microseconds DeterministicRtcpInterval(const RtcpIntervalConfig& config, int members, int senders,
                                                    bool we_sent, double avg_rtcp_size, bool initial) {
  double rtcp_bw = std::max(1.0, config.session_bandwidth_bps * config.rtcp_fraction / 8.0);  // bytes/s
  int n = std::max(1, members);
  if (senders <= members * kSenderFraction) {
    if (we_sent) {
      rtcp_bw *= kSenderFraction;
      n = std::max(1, senders);
    } else {
      rtcp_bw *= 1 - kSenderFraction;
      n = std::max(1, members - senders);
    }
  }
  double t = avg_rtcp_size * n / rtcp_bw;
  t = std::max(t, MinimumSeconds(config, initial));
  return std::chrono::microseconds(static_cast<int64_t>(t * 1e6));
}

RtcpScheduler::RtcpScheduler(const RtcpIntervalConfig& config, uint64_t seed, TimePoint now)
    : config_(config), rng_(seed), last_(now) {
  next_ = now + RandomizedInterval();
}

std::chrono::microseconds RtcpScheduler::RandomizedInterval() {
  const auto base = DeterministicRtcpInterval(config_, members_, senders_, we_sent_, avg_rtcp_size_, initial_);
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  return std::chrono::microseconds(static_cast<int64_t>(base.count() * factor(rng_) / kCompensation));
}

bool RtcpScheduler::IsRegularDue(TimePoint now) {
  if (now < next_) return false;
  // Timer reconsideration (A.7 OnExpire): recompute from the last transmission; if the
  // group grew, the new deadline may still be ahead.
  const TimePoint reconsidered = last_ + RandomizedInterval();
  if (reconsidered > now) {
    next_ = reconsidered;
    return false;
  }
  return true;
}

void RtcpScheduler::UpdateAverage(size_t bytes) {
  avg_rtcp_size_ = (1.0 / 16.0) * static_cast<double>(bytes + kUdpIpOverhead) + (15.0 / 16.0) * avg_rtcp_size_;
}

void RtcpScheduler::OnRegularSent(TimePoint now, size_t bytes) {
  UpdateAverage(bytes);
  last_ = now;
  initial_ = false;
  early_allowed_ = true;
  next_ = now + RandomizedInterval();
}

bool RtcpScheduler::CanSendEarly(TimePoint) const {
  return config_.profile == RtcpProfile::kAvpf && early_allowed_;
}

void RtcpScheduler::OnEarlySent(TimePoint, size_t bytes) {
  UpdateAverage(bytes);
  early_allowed_ = false;
}

void RtcpScheduler::OnReceived(size_t bytes) {
  UpdateAverage(bytes);
}

}  // namespace tessera::mcu::rtp

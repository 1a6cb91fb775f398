#pragma once
// When to send RTCP: the interval of RFC 3550 §6.3 and Appendix A.7 (bandwidth share,
// randomisation over [0.5, 1.5] divided by e - 3/2, timer reconsideration, halved minimum
// before the first report), with the two reduced minimums that matter for an MCU:
//   - RFC 3550 §6.2: a minimum of 360 / (session bandwidth in kbit/s) seconds instead of 5 s;
//   - RFC 4585 §3.4 (AVPF): no fixed minimum at all (Tmin = 0 after the first report), plus
//     one early feedback packet allowed between two regular ones (§3.5.2), so a NACK or
//     PLI can leave at once instead of waiting for the next regular report.
//
//   RtcpScheduler s(config, seed);
//   if (s.IsRegularDue(now)) { send compound; s.OnRegularSent(now, bytes); }
//   if (need_feedback && s.CanSendEarly(now)) { send; s.OnEarlySent(now, bytes); }
//
// Thread safety: owned by one RTP session, used on its thread only.

#include <chrono>
#include <cstdint>
#include <random>

#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::rtp {

enum class RtcpProfile {
  kAvp,   // RTP/AVP, RTP/SAVP: RFC 3550 rules
  kAvpf,  // RTP/AVPF, RTP/SAVPF: RFC 4585 rules
};

struct RtcpIntervalConfig {
  RtcpProfile profile = RtcpProfile::kAvp;
  double session_bandwidth_bps = 64'000;  // SDP b=AS (or the codecs' nominal rate)
  double rtcp_fraction = 0.05;            // RTCP's share of the session bandwidth
  bool reduced_minimum = true;            // RFC 3550 §6.2 reduced minimum (AVP only)
  // RFC 4585 §3.5.3 T_rr_interval: minimum between regular reports under AVPF (0 = none).
  std::chrono::milliseconds avpf_regular_minimum{0};
};

// RFC 3550 A.7 rtcp_interval() with the profile's minimum, before randomisation.
// `members`/`senders` count this participant too; `avg_rtcp_size` is in bytes including
// UDP/IP headers.
std::chrono::microseconds DeterministicRtcpInterval(const RtcpIntervalConfig& config, int members, int senders,
                                                    bool we_sent, double avg_rtcp_size, bool initial);

class RtcpScheduler {
 public:
  // The IPv4 + UDP header bytes counted into the average RTCP packet size (A.7).
  static constexpr int kUdpIpOverhead = 28;

  RtcpScheduler(const RtcpIntervalConfig& config, uint64_t seed, TimePoint now);

  void SetMembers(int members, int senders) {
    members_ = members < 1 ? 1 : members;
    senders_ = senders < 0 ? 0 : senders;
  }
  void SetWeSent(bool we_sent) { we_sent_ = we_sent; }

  // A regular compound report is due (timer reconsideration applied: if the recomputed
  // interval moved the deadline later, the deadline moves and this returns false).
  bool IsRegularDue(TimePoint now);
  void OnRegularSent(TimePoint now, size_t bytes);
  // AVPF only: an early feedback packet may go now (none since the last regular report).
  bool CanSendEarly(TimePoint now) const;
  void OnEarlySent(TimePoint now, size_t bytes);
  // An incoming RTCP packet (it feeds the average size, A.7).
  void OnReceived(size_t bytes);

  TimePoint next_regular() const { return next_; }
  double average_rtcp_size() const { return avg_rtcp_size_; }

 private:
  std::chrono::microseconds RandomizedInterval();
  void UpdateAverage(size_t bytes);

  RtcpIntervalConfig config_;
  std::mt19937_64 rng_;
  int members_ = 2;
  int senders_ = 1;
  bool we_sent_ = false;
  bool initial_ = true;
  bool early_allowed_ = true;
  double avg_rtcp_size_ = 100;  // a first guess until real packets are counted
  TimePoint last_ = {};         // tp
  TimePoint next_ = {};         // tn
};

}  // namespace tessera::mcu::rtp

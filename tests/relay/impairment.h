#pragma once
// A seeded model of a bad network path, for tests (this machine has no tc netem): loss,
// burst loss (Gilbert-Elliott), delay, jitter, reordering, duplication and a rate cap.
// It decides, for each packet, whether it is delivered, when, and how many times; it
// touches no socket, so tests can check its statistics directly, and UdpRelay applies it
// to real UDP traffic. The same seed gives the same decisions.
//
// Thread safety: one model per direction, used by the relay's thread.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace tessera::testing::relay {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// Two-state Markov loss: in "good" a packet is lost with loss_good, in "bad" with loss_bad;
// after each packet the state flips with p (good -> bad) or r (bad -> good). Mean burst
// length in the bad state is 1 / r.
struct GilbertElliott {
  double p = 0.0;
  double r = 1.0;
  double loss_good = 0.0;
  double loss_bad = 1.0;
};

struct ImpairmentConfig {
  double loss = 0.0;                    // independent loss probability (on top of bursts)
  std::optional<GilbertElliott> burst;  // burst loss
  std::chrono::microseconds delay{0};   // fixed one-way delay
  std::chrono::microseconds jitter{0};  // extra delay, uniform in [0, jitter] (reorders)
  double reorder = 0.0;                 // probability of holding a packet back by reorder_gap
  std::chrono::microseconds reorder_gap{std::chrono::milliseconds(20)};
  double duplicate = 0.0;  // probability of sending a second copy
  uint64_t rate_bps = 0;   // 0: no cap; else packets queue behind each other
  std::chrono::milliseconds max_queue{std::chrono::milliseconds(500)};  // rate cap: tail drop beyond
  uint64_t seed = 1;

  bool active() const;
  // "loss=0.1 delay=50ms ..." for logs and test names.
  std::string ToString() const;
};

struct ImpairmentStats {
  uint64_t packets = 0;
  uint64_t lost_random = 0;
  uint64_t lost_burst = 0;
  uint64_t dropped_queue = 0;  // rate cap queue full
  uint64_t duplicated = 0;
  uint64_t reordered = 0;  // held back on purpose
  uint64_t delivered = 0;  // copies scheduled
};

class ImpairmentModel {
 public:
  explicit ImpairmentModel(const ImpairmentConfig& config);

  struct Fate {
    int copies = 0;  // 0 (lost), 1 or 2
    std::array<TimePoint, 2> deliver_at{};
  };
  // The fate of a packet of `bytes` arriving at `now`.
  Fate Decide(size_t bytes, TimePoint now);
  const ImpairmentStats& stats() const { return stats_; }
  const ImpairmentConfig& config() const { return config_; }

 private:
  bool Chance(double p);

  ImpairmentConfig config_;
  std::mt19937_64 rng_;
  bool bad_state_ = false;
  TimePoint link_free_{};  // rate cap: when the link finishes sending what is queued
  ImpairmentStats stats_;
};

}  // namespace tessera::testing::relay

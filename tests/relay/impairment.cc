#include "impairment.h"

#include <algorithm>
#include <sstream>

namespace tessera::testing::relay {

bool ImpairmentConfig::active() const {
  return loss > 0 || burst || delay.count() > 0 || jitter.count() > 0 || reorder > 0 || duplicate > 0 || rate_bps > 0;
}

std::string ImpairmentConfig::ToString() const {
  std::ostringstream s;
  s << "loss=" << loss;
  if (burst) s << " burst=" << burst->p << "/" << burst->r << "/" << burst->loss_good << "/" << burst->loss_bad;
  s << " delay=" << delay.count() / 1000 << "ms jitter=" << jitter.count() / 1000 << "ms reorder=" << reorder
    << " duplicate=" << duplicate << " rate=" << rate_bps << "bps seed=" << seed;
  return s.str();
}

ImpairmentModel::ImpairmentModel(const ImpairmentConfig& config) : config_(config), rng_(config.seed) {}

bool ImpairmentModel::Chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

ImpairmentModel::Fate ImpairmentModel::Decide(size_t bytes, TimePoint now) {
  ++stats_.packets;
  Fate fate;
  // Every random draw happens for every packet, whatever the outcome, so changing one
  // parameter does not shift the others' sequences for the same seed.
  bool burst_loss = false;
  if (config_.burst) {
    const GilbertElliott& ge = *config_.burst;
    burst_loss = Chance(bad_state_ ? ge.loss_bad : ge.loss_good);
    bad_state_ = bad_state_ ? !Chance(ge.r) : Chance(ge.p);
  }
  const bool random_loss = Chance(config_.loss);
  const bool duplicate = Chance(config_.duplicate);
  const bool reorder = Chance(config_.reorder);
  std::uniform_int_distribution<int64_t> jitter(0, config_.jitter.count());
  const auto extra = std::chrono::microseconds(jitter(rng_));
  const auto extra2 = std::chrono::microseconds(jitter(rng_));

  if (burst_loss) {
    ++stats_.lost_burst;
    return fate;
  }
  if (random_loss) {
    ++stats_.lost_random;
    return fate;
  }
  TimePoint leave = now;
  if (config_.rate_bps > 0) {
    // Serialisation: the packet leaves after everything queued before it.
    const auto start = std::max(now, link_free_);
    if (start - now > config_.max_queue) {
      ++stats_.dropped_queue;
      return fate;
    }
    link_free_ = start + std::chrono::microseconds(static_cast<int64_t>(bytes * 8 * 1'000'000 / config_.rate_bps));
    leave = link_free_;
  }
  fate.copies = 1;
  fate.deliver_at[0] = leave + config_.delay + extra;
  if (reorder) {
    fate.deliver_at[0] += config_.reorder_gap;
    ++stats_.reordered;
  }
  if (duplicate) {
    fate.copies = 2;
    fate.deliver_at[1] = leave + config_.delay + extra2;
    ++stats_.duplicated;
  }
  stats_.delivered += static_cast<uint64_t>(fate.copies);
  return fate;
}

}  // namespace tessera::testing::relay

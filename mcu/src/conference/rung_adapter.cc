#include "tessera/mcu/conference/rung_adapter.h"

#include <algorithm>

namespace tessera::mcu::conference {

void RungAdapter::OnLossReport(uint8_t fraction_lost, int64_t current_bps, rtp::TimePoint now) {
  if (fraction_lost > kHighLoss) {
    if (++high_loss_reports_ >= 2 && current_bps > 0) {
      const int64_t down = current_bps * 6 / 10;
      loss_budget_bps_ = loss_budget_bps_ > 0 ? std::min(loss_budget_bps_, down) : down;
      high_loss_reports_ = 0;
    }
    clean_since_.reset();
    return;
  }
  high_loss_reports_ = 0;
  if (fraction_lost > kCleanLoss) {
    clean_since_.reset();
  } else if (!clean_since_) {
    clean_since_ = now;
  }
}

void RungAdapter::Tick(rtp::TimePoint now, int64_t ceiling_bps) {
  if (loss_budget_bps_ == 0 || !clean_since_ || now - *clean_since_ < kCleanTime) return;
  loss_budget_bps_ = loss_budget_bps_ * 3 / 2;
  if (loss_budget_bps_ >= ceiling_bps) loss_budget_bps_ = 0;
  clean_since_ = now;  // the next step up needs another clean spell
}

int64_t RungAdapter::budget_bps() const {
  if (estimate_bps_ > 0 && loss_budget_bps_ > 0) return std::min(estimate_bps_, loss_budget_bps_);
  return estimate_bps_ > 0 ? estimate_bps_ : loss_budget_bps_;
}

}  // namespace tessera::mcu::conference

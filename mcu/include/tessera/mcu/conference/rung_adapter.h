#pragma once
// RungAdapter: the bandwidth one video subscriber can take, from what it tells us — REMB
// or TMMBR estimates (taken as they come, both ways: the receiver measured them) and the
// loss in its receiver reports (down quickly on sustained loss, up slowly once it is
// clean) — so the room can move it to another rung (output_selection.h).
//
//   sustained loss   two reports in a row above 10%: budget = 60% of what it receives
//   clean            15 s without a report above 2%: budget x 1.5, until no limit is left
//
// Thread safety: owned by the room's video strand. Pure logic, no clock of its own.

#include <cstdint>
#include <optional>

#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::conference {

class RungAdapter {
 public:
  static constexpr uint8_t kHighLoss = 26;   // 10% as an RTCP fraction (x/256)
  static constexpr uint8_t kCleanLoss = 5;   // 2%
  static constexpr auto kCleanTime = std::chrono::seconds(15);

  // A REMB/TMMBR estimate in bit/s.
  void OnEstimate(int64_t bps) { estimate_bps_ = bps > 0 ? bps : 0; }
  // A receiver report about our stream; `current_bps` is the bitrate it receives now.
  void OnLossReport(uint8_t fraction_lost, int64_t current_bps, rtp::TimePoint now);
  // The budget for ChooseOutput (0: none known).
  int64_t budget_bps() const;
  // Raises a loss-based budget after a clean spell; call about once a second. `ceiling_bps`
  // is the most the rungs could use: above it the limit is dropped.
  void Tick(rtp::TimePoint now, int64_t ceiling_bps);

 private:
  int64_t estimate_bps_ = 0;  // from REMB/TMMBR
  int64_t loss_budget_bps_ = 0;
  int high_loss_reports_ = 0;
  std::optional<rtp::TimePoint> clean_since_;
};

}  // namespace tessera::mcu::conference

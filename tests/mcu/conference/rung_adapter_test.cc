#include "tessera/mcu/conference/rung_adapter.h"

#include <gtest/gtest.h>

namespace tessera::mcu::conference {
namespace {

using namespace std::chrono_literals;

TEST(RungAdapter, EstimatesFromTheReceiverAreTakenAsTheyCome) {
  RungAdapter a;
  EXPECT_EQ(a.budget_bps(), 0);
  a.OnEstimate(800'000);
  EXPECT_EQ(a.budget_bps(), 800'000);
  a.OnEstimate(3'000'000);
  EXPECT_EQ(a.budget_bps(), 3'000'000);
}

TEST(RungAdapter, SustainedLossCutsTheBudgetAndOneBadReportDoesNot) {
  RungAdapter a;
  const auto t = rtp::Clock::now();
  a.OnLossReport(60, 1'200'000, t);  // 23% once
  EXPECT_EQ(a.budget_bps(), 0);
  a.OnLossReport(0, 1'200'000, t + 1s);
  a.OnLossReport(60, 1'200'000, t + 2s);
  a.OnLossReport(60, 1'200'000, t + 3s);  // twice in a row
  EXPECT_EQ(a.budget_bps(), 720'000);
}

TEST(RungAdapter, TheBudgetRisesOnlyAfterACleanSpellAndIsDroppedAtTheCeiling) {
  RungAdapter a;
  const auto t = rtp::Clock::now();
  a.OnLossReport(60, 1'000'000, t);
  a.OnLossReport(60, 1'000'000, t + 1s);
  ASSERT_EQ(a.budget_bps(), 600'000);
  a.OnLossReport(0, 600'000, t + 2s);
  a.Tick(t + 10s, 2'500'000);
  EXPECT_EQ(a.budget_bps(), 600'000) << "too soon";
  a.Tick(t + 17s, 2'500'000);
  EXPECT_EQ(a.budget_bps(), 900'000);
  a.Tick(t + 33s, 2'500'000);
  EXPECT_EQ(a.budget_bps(), 1'350'000);
  a.Tick(t + 49s, 2'500'000);
  a.Tick(t + 65s, 2'500'000);
  EXPECT_EQ(a.budget_bps(), 0) << "no limit once above what any rung uses";
}

}  // namespace
}  // namespace tessera::mcu::conference

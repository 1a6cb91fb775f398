#include "impairment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace tessera::testing::relay {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

TEST(ImpairmentModel, WithNothingConfiguredEveryPacketPassesAtOnce) {
  ImpairmentModel m(ImpairmentConfig{});
  for (int i = 0; i < 100; ++i) {
    const auto f = m.Decide(100, kT0 + milliseconds(i));
    ASSERT_EQ(f.copies, 1);
    EXPECT_EQ(f.deliver_at[0], kT0 + milliseconds(i));
  }
  EXPECT_FALSE(ImpairmentConfig{}.active());
}

TEST(ImpairmentModel, RandomLossMatchesItsProbability) {
  ImpairmentConfig c;
  c.loss = 0.1;
  ImpairmentModel m(c);
  int lost = 0;
  for (int i = 0; i < 20000; ++i)
    lost += m.Decide(100, kT0).copies == 0;
  EXPECT_NEAR(lost / 20000.0, 0.1, 0.01);
  EXPECT_EQ(m.stats().lost_random, static_cast<uint64_t>(lost));
}

TEST(ImpairmentModel, TheSameSeedGivesTheSameDecisions) {
  ImpairmentConfig c;
  c.loss = 0.2;
  c.jitter = milliseconds(30);
  c.duplicate = 0.1;
  ImpairmentModel a(c), b(c);
  c.seed = 2;
  ImpairmentModel other(c);
  int differences = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto fa = a.Decide(100, kT0), fb = b.Decide(100, kT0), fo = other.Decide(100, kT0);
    ASSERT_EQ(fa.copies, fb.copies);
    if (fa.copies) {
      ASSERT_EQ(fa.deliver_at[0], fb.deliver_at[0]);
    }
    differences += fa.copies != fo.copies;
  }
  EXPECT_GT(differences, 0);
}

TEST(ImpairmentModel, GilbertElliottLosesInBurstsOfTheExpectedMeanLength) {
  ImpairmentConfig c;
  c.burst = GilbertElliott{.p = 0.02, .r = 0.25, .loss_good = 0.0, .loss_bad = 1.0};
  ImpairmentModel m(c);
  std::vector<int> bursts;
  int run = 0, lost = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    if (m.Decide(100, kT0).copies == 0) {
      ++run;
      ++lost;
    } else if (run > 0) {
      bursts.push_back(run);
      run = 0;
    }
  }
  double mean = 0;
  for (int b : bursts)
    mean += b;
  mean /= static_cast<double>(bursts.size());
  EXPECT_NEAR(mean, 1 / 0.25, 0.3);                           // mean burst 1/r
  EXPECT_NEAR(lost / double(n), 0.02 / (0.02 + 0.25), 0.01);  // stationary share of "bad"
  EXPECT_EQ(m.stats().lost_burst, static_cast<uint64_t>(lost));
}

TEST(ImpairmentModel, DelayAndJitterStayWithinTheirBoundsAndReorder) {
  ImpairmentConfig c;
  c.delay = milliseconds(40);
  c.jitter = milliseconds(50);
  ImpairmentModel m(c);
  TimePoint last{};
  int reordered = 0;
  for (int i = 0; i < 1000; ++i) {
    const TimePoint sent = kT0 + milliseconds(10 * i);
    const auto f = m.Decide(100, sent);
    ASSERT_EQ(f.copies, 1);
    EXPECT_GE(f.deliver_at[0], sent + milliseconds(40));
    EXPECT_LE(f.deliver_at[0], sent + milliseconds(90));
    reordered += f.deliver_at[0] < last;
    last = std::max(last, f.deliver_at[0]);
  }
  EXPECT_GT(reordered, 100);  // 50 ms of jitter over 10 ms spacing reorders a lot
}

TEST(ImpairmentModel, DuplicatesAndHeldBackPacketsAreCounted) {
  ImpairmentConfig c;
  c.duplicate = 0.05;
  c.reorder = 0.05;
  ImpairmentModel m(c);
  int copies = 0;
  for (int i = 0; i < 10000; ++i)
    copies += m.Decide(100, kT0).copies;
  EXPECT_NEAR((copies - 10000) / 10000.0, 0.05, 0.01);
  EXPECT_NEAR(m.stats().reordered / 10000.0, 0.05, 0.01);
}

TEST(ImpairmentModel, ARateCapSpacesPacketsAndDropsWhatOverflowsTheQueue) {
  ImpairmentConfig c;
  c.rate_bps = 800'000;  // 1000-byte packets take 10 ms each
  c.max_queue = milliseconds(100);
  ImpairmentModel m(c);
  std::vector<TimePoint> out;
  int dropped = 0;
  for (int i = 0; i < 50; ++i) {  // a burst of 50 packets at once
    const auto f = m.Decide(1000, kT0);
    if (f.copies == 0) {
      ++dropped;
      continue;
    }
    out.push_back(f.deliver_at[0]);
  }
  ASSERT_GE(out.size(), 10u);
  for (size_t i = 1; i < out.size(); ++i)
    EXPECT_EQ(out[i] - out[i - 1], milliseconds(10));
  EXPECT_GT(dropped, 30);
  EXPECT_EQ(m.stats().dropped_queue, static_cast<uint64_t>(dropped));
}

}  // namespace
}  // namespace tessera::testing::relay

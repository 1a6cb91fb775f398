#include "tessera/mcu/conference/keyframe_gate.h"

#include <gtest/gtest.h>

namespace tessera::mcu::conference {
namespace {

using namespace std::chrono_literals;

TEST(KeyframeGate, ManyRequestsInOneIntervalForceOneKeyframe) {
  KeyframeGate gate(500ms);
  const auto t0 = rtp::Clock::now();
  EXPECT_FALSE(gate.ShouldForce(t0));
  gate.Request();
  EXPECT_TRUE(gate.ShouldForce(t0));
  gate.OnKeyframe(t0, true);
  for (int i = 0; i < 1000; ++i) gate.Request();  // a thousand subscribers' PLIs
  EXPECT_FALSE(gate.ShouldForce(t0 + 100ms));
  EXPECT_FALSE(gate.ShouldForce(t0 + 499ms));
  EXPECT_TRUE(gate.ShouldForce(t0 + 500ms)) << "a request inside the interval is served when it ends";
  gate.OnKeyframe(t0 + 500ms, true);
  EXPECT_FALSE(gate.ShouldForce(t0 + 2000ms)) << "nothing pending";
  EXPECT_EQ(gate.forced(), 2u);
  EXPECT_EQ(gate.requests(), 1001u);
}

TEST(KeyframeGate, AnEncodersOwnKeyframeServesEarlierRequests) {
  KeyframeGate gate(500ms);
  const auto t0 = rtp::Clock::now();
  gate.Request();
  gate.OnKeyframe(t0, false);  // periodic keyframe
  EXPECT_FALSE(gate.pending());
  EXPECT_FALSE(gate.ShouldForce(t0 + 1s));
}

}  // namespace
}  // namespace tessera::mcu::conference

#include "tessera/mcu/rtp/keyframe_requester.h"

#include <gtest/gtest.h>

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

TEST(KeyframeRequester, SendsAPliAtOnceThenRepeatsAtTheMinimumInterval) {
  KeyframeRequester k({KeyframeRequestMethod::kPli, milliseconds(300)});
  EXPECT_FALSE(k.Poll(kT0));
  k.Request(kT0);
  auto r = k.Poll(kT0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, KeyframeRequestMethod::kPli);
  EXPECT_FALSE(k.Poll(kT0 + milliseconds(100)));
  k.Request(kT0 + milliseconds(150));  // asking again does not bypass the limit
  EXPECT_FALSE(k.Poll(kT0 + milliseconds(299)));
  EXPECT_TRUE(k.Poll(kT0 + milliseconds(300)));  // still unanswered: repeat
  EXPECT_EQ(k.stats().sent, 2u);
  EXPECT_EQ(k.stats().needed, 2u);
}

TEST(KeyframeRequester, StopsOnceTheKeyframeArrives) {
  KeyframeRequester k;
  k.Request(kT0);
  ASSERT_TRUE(k.Poll(kT0));
  k.OnKeyframe();
  EXPECT_FALSE(k.pending());
  EXPECT_FALSE(k.Poll(kT0 + std::chrono::seconds(5)));
  EXPECT_FALSE(k.NextPoll());
  EXPECT_EQ(k.stats().satisfied, 1u);
}

TEST(KeyframeRequester, FirKeepsItsSequenceNumberForRepeatsAndIncrementsForNewNeeds) {
  KeyframeRequester k({KeyframeRequestMethod::kFir, milliseconds(100)});
  k.Request(kT0);
  const auto first = k.Poll(kT0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->method, KeyframeRequestMethod::kFir);
  const auto repeat = k.Poll(kT0 + milliseconds(100));
  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->fir_sequence_number, first->fir_sequence_number);
  k.OnKeyframe();
  k.Request(kT0 + milliseconds(500));
  const auto next = k.Poll(kT0 + milliseconds(500));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->fir_sequence_number, static_cast<uint8_t>(first->fir_sequence_number + 1));
  EXPECT_EQ(k.stats().fir_sent, 3u);
}

TEST(KeyframeRequester, WithoutANegotiatedMethodNothingIsSent) {
  KeyframeRequester k({KeyframeRequestMethod::kNone, milliseconds(100)});
  k.Request(kT0);
  EXPECT_TRUE(k.pending());
  EXPECT_FALSE(k.Poll(kT0));
}

}  // namespace
}  // namespace tessera::mcu::rtp

#include "tessera/mcu/rtp/sequence_unwrapper.h"

#include <gtest/gtest.h>

namespace tessera::mcu::rtp {
namespace {

TEST(SequenceNumberUnwrapper, CountsOnAcrossTheWrap) {
  SequenceNumberUnwrapper u;
  const int64_t first = u.Unwrap(65534);
  EXPECT_EQ(u.Unwrap(65535), first + 1);
  EXPECT_EQ(u.Unwrap(0), first + 2);
  EXPECT_EQ(u.Unwrap(1), first + 3);
}

TEST(SequenceNumberUnwrapper, PlacesReorderedPacketsBeforeTheWrapCorrectly) {
  SequenceNumberUnwrapper u;
  const int64_t a = u.Unwrap(2);
  EXPECT_EQ(u.Unwrap(65535), a - 3);  // arrived late, from before the wrap
  EXPECT_EQ(u.Unwrap(3), a + 1);      // and the reference did not move back
  EXPECT_GT(a - 3, 0);
}

TEST(SequenceNumberUnwrapper, SurvivesManyCycles) {
  SequenceNumberUnwrapper u;
  const int64_t start = u.Unwrap(0);
  int64_t last = start;
  for (int i = 1; i <= 5 * 65536; i += 1000)
    last = u.Unwrap(static_cast<uint16_t>(i));
  EXPECT_EQ(last, start + (5 * 65536 / 1000) * 1000 + 1);
}

TEST(SequenceNumberUnwrapper, PeekDoesNotMoveTheReference) {
  SequenceNumberUnwrapper u;
  u.Unwrap(100);
  EXPECT_EQ(u.Peek(200), u.Peek(200));
  const int64_t unwrapped = u.Unwrap(150);
  EXPECT_EQ(unwrapped, *u.last());
}

TEST(TimestampUnwrapper, CountsOnAcrossThe32BitWrap) {
  TimestampUnwrapper u;
  const int64_t a = u.Unwrap(0xFFFFFF00u);
  EXPECT_EQ(u.Unwrap(0x00000100u), a + 0x200);
  EXPECT_EQ(u.Unwrap(0xFFFFFFF0u), a + 0xF0);
}

TEST(SequenceNumbers, NewerUsesSerialArithmetic) {
  EXPECT_TRUE(IsNewerSequenceNumber(1, 65535));
  EXPECT_FALSE(IsNewerSequenceNumber(65535, 1));
  EXPECT_FALSE(IsNewerSequenceNumber(5, 5));
  EXPECT_TRUE(IsNewerSequenceNumber(0x7FFF, 0));
  EXPECT_FALSE(IsNewerSequenceNumber(0x8000, 0));
}

}  // namespace
}  // namespace tessera::mcu::rtp

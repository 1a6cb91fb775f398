#include "tessera/mcu/conference/retransmission.h"

#include <gtest/gtest.h>

namespace tessera::mcu::conference {
namespace {

using namespace std::chrono_literals;
using codecs::payload::PayloadArena;

// Puts `count` payloads of `size` bytes (filled with `fill`, then +1 each) into `arena`.
void Frame(PayloadArena& arena, int count, size_t size, uint8_t fill) {
  arena.Clear();
  for (int i = 0; i < count; ++i) {
    auto space = arena.NextPayload();
    std::fill_n(space.begin(), size, static_cast<uint8_t>(fill + i));
    arena.CommitPayload(size, i == count - 1);
  }
}

TEST(OutputPacketHistory, NumbersPacketsInOrderAndHoldsTheLastCapacityOfThem) {
  OutputPacketHistory history(8, 100);
  history.Enable();
  PayloadArena arena(16, 100);
  const rtp::TimePoint t0{};
  Frame(arena, 3, 50, 10);
  EXPECT_EQ(history.Store(arena, t0), 0);
  Frame(arena, 7, 60, 20);
  EXPECT_EQ(history.Store(arena, t0 + 33ms), 3);
  // 10 packets in a ring of 8: 0 and 1 are gone.
  EXPECT_FALSE(history.Get(0));
  EXPECT_FALSE(history.Get(1));
  auto p2 = history.Get(2);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->payload.size(), 50u);
  EXPECT_EQ(p2->payload[0], 12);
  EXPECT_TRUE(p2->marker);  // the last of its frame
  EXPECT_EQ(p2->sent, t0);
  auto p9 = history.Get(9);
  ASSERT_TRUE(p9);
  EXPECT_EQ(p9->payload.size(), 60u);
  EXPECT_EQ(p9->payload[59], 26);
  EXPECT_TRUE(p9->marker);
  EXPECT_FALSE(history.Get(5)->marker);
  EXPECT_FALSE(history.Get(10)) << "not sent yet";
  EXPECT_FALSE(history.Get(-1));
}

TEST(OutputPacketHistory, UntilEnabledItOnlyCounts) {
  OutputPacketHistory history(8, 100);
  PayloadArena arena(16, 100);
  Frame(arena, 4, 10, 0);
  EXPECT_EQ(history.Store(arena, {}), 0);
  EXPECT_FALSE(history.Get(1));
  history.Enable();
  EXPECT_EQ(history.Store(arena, {}), 4) << "numbers go on from where counting was";
  EXPECT_TRUE(history.Get(5));
  EXPECT_FALSE(history.Get(1));
}

TEST(SentSequenceMap, FindsWhatASequenceNumberCarriedUntilItsSlotIsReused) {
  SentSequenceMap map(4);
  EXPECT_EQ(map.Find(7), nullptr) << "nothing recorded";
  map.Record(65534, 3, 100, 9000);
  map.Record(65535, 3, 101, 9000);
  map.Record(0, 3, 102, 12000);  // wraps
  ASSERT_NE(map.Find(65535), nullptr);
  EXPECT_EQ(map.Find(65535)->packet_number, 101);
  EXPECT_EQ(map.Find(0)->timestamp, 12000u);
  EXPECT_EQ(map.Find(0)->output_serial, 3u);
  EXPECT_EQ(map.Find(4), nullptr) << "shares slot 0 but was never sent";
  map.Record(4, 3, 106, 15000);
  EXPECT_EQ(map.Find(0), nullptr) << "its slot now holds 4";
  EXPECT_EQ(map.Find(4)->packet_number, 106);
}

}  // namespace
}  // namespace tessera::mcu::conference

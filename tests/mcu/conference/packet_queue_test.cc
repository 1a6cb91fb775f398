#include "tessera/mcu/conference/packet_queue.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tessera::mcu::conference {
namespace {

std::vector<uint8_t> Bytes(uint8_t first, size_t size) {
  std::vector<uint8_t> b(size);
  for (size_t i = 0; i < size; ++i) b[i] = static_cast<uint8_t>(first + i);
  return b;
}

TEST(PacketQueue, HandsOutPacketsInOrderWithTheirKindAndArrival) {
  PacketQueue q(4);
  const auto t = rtp::Clock::now();
  ASSERT_TRUE(q.Push(Bytes(1, 20), false, t));
  ASSERT_TRUE(q.Push(Bytes(9, 8), true, t + std::chrono::milliseconds(1)));
  PacketQueue::Packet* p = q.Front();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->size, 20);
  EXPECT_FALSE(p->rtcp);
  EXPECT_EQ(p->data[0], 1);
  EXPECT_EQ(p->data[19], 20);
  q.Pop();
  p = q.Front();
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->rtcp);
  EXPECT_EQ(p->arrival, t + std::chrono::milliseconds(1));
  q.Pop();
  EXPECT_EQ(q.Front(), nullptr);
}

TEST(PacketQueue, AFullQueueDropsTheNewPacketAndCountsIt) {
  PacketQueue q(3);  // rounded up to 4
  EXPECT_EQ(q.capacity(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(q.Push(Bytes(static_cast<uint8_t>(i), 4), false, rtp::Clock::now()));
  EXPECT_FALSE(q.Push(Bytes(99, 4), false, rtp::Clock::now()));
  EXPECT_EQ(q.overflows(), 1u);
  EXPECT_EQ(q.Front()->data[0], 0);  // the old ones are kept
  EXPECT_FALSE(q.Push(std::vector<uint8_t>(PacketQueue::kMaxPacket + 1), false, rtp::Clock::now()));
  EXPECT_EQ(q.overflows(), 2u);
}

TEST(PacketQueue, OneProducerAndOneConsumerThreadLoseNothingAndKeepOrder) {
  PacketQueue q(64);
  constexpr int kPackets = 20000;
  std::thread producer([&] {
    for (int i = 0; i < kPackets;) {
      uint8_t b[4] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i >> 16), 0};
      if (q.Push(b, false, rtp::Clock::now())) ++i;
      else std::this_thread::yield();
    }
  });
  int expected = 0;
  while (expected < kPackets) {
    if (PacketQueue::Packet* p = q.Front()) {
      const int got = p->data[0] | p->data[1] << 8 | p->data[2] << 16;
      ASSERT_EQ(got, expected);
      ++expected;
      q.Pop();
    } else {
      std::this_thread::yield();
    }
  }
  producer.join();
}

}  // namespace
}  // namespace tessera::mcu::conference

#include "tessera/mcu/transport/symmetric_latch.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <thread>

namespace tessera::mcu::transport {
namespace {

using std::chrono::milliseconds;
const rtp::TimePoint kT0 = rtp::TimePoint{} + std::chrono::hours(1);

Endpoint At(const char* ip, uint16_t port) {
  return Endpoint(boost::asio::ip::make_address(ip), port);
}

TEST(SymmetricLatch, LatchesTheFirstValidSource) {
  SymmetricLatch l;
  EXPECT_FALSE(l.latched());
  EXPECT_TRUE(l.OnValidPacket(At("192.0.2.1", 4000), kT0));
  EXPECT_EQ(l.latched(), At("192.0.2.1", 4000));
  EXPECT_FALSE(l.OnValidPacket(At("192.0.2.1", 4000), kT0));
}

TEST(SymmetricLatch, IgnoresAnotherSourceWhileTheLatchedOneIsAlive) {
  SymmetricLatch l(milliseconds(2000));
  l.OnValidPacket(At("192.0.2.1", 4000), kT0);
  l.OnValidPacket(At("192.0.2.1", 4000), kT0 + milliseconds(1500));
  EXPECT_FALSE(l.OnValidPacket(At("203.0.113.9", 4000), kT0 + milliseconds(3000)));
  EXPECT_EQ(l.latched(), At("192.0.2.1", 4000));
  EXPECT_EQ(l.foreign_packets(), 1u);
}

TEST(SymmetricLatch, FollowsANatRebindingAfterSilence) {
  SymmetricLatch l(milliseconds(2000));
  l.OnValidPacket(At("192.0.2.1", 4000), kT0);
  EXPECT_TRUE(l.OnValidPacket(At("192.0.2.1", 4321), kT0 + milliseconds(2001)));
  EXPECT_EQ(l.latched(), At("192.0.2.1", 4321));
  EXPECT_EQ(l.relatches(), 1u);
}

TEST(AtomicEndpoint, StoresAndLoadsIpv4AndIpv6AndNothing) {
  AtomicEndpoint a;
  EXPECT_FALSE(a.Load());
  a.Store(At("10.1.2.3", 5004));
  EXPECT_EQ(a.Load(), At("10.1.2.3", 5004));
  a.Store(At("2001:db8::1", 6000));
  EXPECT_EQ(a.Load(), At("2001:db8::1", 6000));
  a.Store(std::nullopt);
  EXPECT_FALSE(a.Load());
}

TEST(AtomicEndpoint, AReaderNeverSeesAMixOfTwoWrites) {
  AtomicEndpoint a;
  const Endpoint x = At("10.0.0.1", 1111), y = At("2001:db8::7", 2222);
  a.Store(x);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 20000; ++i)
      a.Store(i % 2 ? x : y);
    stop = true;
  });
  int reads = 0;
  while (!stop) {
    const auto e = a.Load();
    ASSERT_TRUE(e);
    ASSERT_TRUE(*e == x || *e == y);
    ++reads;
  }
  writer.join();
  EXPECT_GT(reads, 0);
}

}  // namespace
}  // namespace tessera::mcu::transport

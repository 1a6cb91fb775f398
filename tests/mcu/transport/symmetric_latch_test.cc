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
  // The writer alternates until the reader is done, so the two overlap however the
  // (possibly busy) machine schedules them.
  std::atomic<bool> started{false};
  std::atomic<bool> done{false};
  std::thread writer([&] {
    started = true;
    for (int i = 0; !done; ++i)
      a.Store(i % 2 ? x : y);
  });
  while (!started) std::this_thread::yield();
  int mixed = 0;
  for (int reads = 0; reads < 50000; ++reads) {
    const auto e = a.Load();
    if (!e || !(*e == x || *e == y)) ++mixed;
  }
  done = true;
  writer.join();
  EXPECT_EQ(mixed, 0);
}

}  // namespace
}  // namespace tessera::mcu::transport

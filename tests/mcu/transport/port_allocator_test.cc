#include "tessera/mcu/transport/port_allocator.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "tessera/testing/ports.h"

namespace tessera::mcu::transport {
namespace {

// A range of `pairs` port pairs that is free right now (another process may still take a
// port in between; the tests below then see a skipped pair, which they tolerate only
// where noted).
uint16_t FreeRangeStart() {
  return static_cast<uint16_t>(tessera::testing::FreeUdpPort() & ~1u);
}

TEST(PortAllocator, OpensAnEvenRtpPortAndTheOddRtcpPortAboveIt) {
  boost::asio::io_context io;
  const uint16_t start = FreeRangeStart();
  PortAllocator ports("127.0.0.1", start, static_cast<uint16_t>(start + 99));
  auto pair = ports.Open(io, false);
  ASSERT_TRUE(pair) << pair.error();
  EXPECT_EQ(pair->rtp_port % 2, 0);
  EXPECT_EQ(pair->rtcp_port, pair->rtp_port + 1);
  ASSERT_TRUE(pair->rtcp);
  EXPECT_EQ(pair->rtp.local_endpoint().port(), pair->rtp_port);
  EXPECT_EQ(pair->rtcp->local_endpoint().port(), pair->rtcp_port);
  EXPECT_GE(pair->rtp_port, start);
  EXPECT_LE(pair->rtcp_port, start + 99);
}

TEST(PortAllocator, WithRtcpMuxOpensOneSocket) {
  boost::asio::io_context io;
  const uint16_t start = FreeRangeStart();
  PortAllocator ports("127.0.0.1", start, static_cast<uint16_t>(start + 20));
  auto pair = ports.Open(io, true);
  ASSERT_TRUE(pair) << pair.error();
  EXPECT_FALSE(pair->rtcp);
  EXPECT_EQ(pair->rtcp_port, pair->rtp_port);
}

TEST(PortAllocator, SkipsPortsHeldByOthersAndMovesOnRoundRobin) {
  boost::asio::io_context io;
  const uint16_t start = FreeRangeStart();
  tessera::testing::BoundSocket busy("127.0.0.1", start, /*tcp=*/false);
  ASSERT_TRUE(busy.ok());
  PortAllocator ports("127.0.0.1", start, static_cast<uint16_t>(start + 7));
  std::set<uint16_t> seen;
  std::vector<UdpSocketPair> held;
  for (int i = 0; i < 3; ++i) {
    auto pair = ports.Open(io, false);
    ASSERT_TRUE(pair) << pair.error();
    EXPECT_NE(pair->rtp_port, start);  // held by `busy`
    EXPECT_TRUE(seen.insert(pair->rtp_port).second);
    held.push_back(std::move(*pair));
  }
  // 4 pairs in the range, one busy, three held: nothing left.
  auto none = ports.Open(io, false);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().find("no free RTP port pair"), std::string::npos);
  // Closing one frees it again.
  held.pop_back();
  EXPECT_TRUE(ports.Open(io, false));
}

TEST(PortAllocator, ReportsAnInvalidAddress) {
  boost::asio::io_context io;
  PortAllocator ports("not-an-ip", 20000, 20010);
  auto pair = ports.Open(io, false);
  ASSERT_FALSE(pair);
  EXPECT_NE(pair.error().find("not-an-ip"), std::string::npos);
}

TEST(PortAllocator, WorksOnIpv6Loopback) {
  boost::asio::io_context io;
  const uint16_t start = FreeRangeStart();
  PortAllocator ports("::1", start, static_cast<uint16_t>(start + 50));
  auto pair = ports.Open(io, false);
  if (!pair) GTEST_SKIP() << "no IPv6 loopback here: " << pair.error();
  EXPECT_TRUE(pair->rtp.local_endpoint().address().is_v6());
}

}  // namespace
}  // namespace tessera::mcu::transport

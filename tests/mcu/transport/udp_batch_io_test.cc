#include "tessera/mcu/transport/udp_batch_io.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <vector>

namespace tessera::mcu::transport {
namespace {

using boost::asio::ip::udp;

udp::socket BoundLoopback(boost::asio::io_context& io) {
  udp::socket s(io, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  s.non_blocking(true);
  return s;
}

// Waits (bounded) until the socket is readable.
bool WaitReadable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 2000) == 1;
}

// Receives until `count` datagrams came or nothing more arrives within the poll timeout.
std::vector<std::vector<uint8_t>> ReceiveAll(UdpBatchReceiver& r, int fd, size_t count, bool batched,
                                             std::vector<Endpoint>* sources = nullptr, int* calls = nullptr) {
  std::vector<std::vector<uint8_t>> out;
  while (out.size() < count && WaitReadable(fd)) {
    const size_t n = r.Receive(fd, batched);
    if (calls) ++*calls;
    for (size_t i = 0; i < n; ++i) {
      out.emplace_back(r[i].data.begin(), r[i].data.end());
      if (sources) sources->push_back(r[i].from);
    }
  }
  return out;
}

TEST(UdpBatchIo, SendAllAndRecvmmsgMoveABatchInOneCallEach) {
  boost::asio::io_context io;
  auto tx = BoundLoopback(io), rx = BoundLoopback(io);
  std::vector<std::vector<uint8_t>> packets;
  for (int i = 0; i < 10; ++i)
    packets.push_back(std::vector<uint8_t>(100 + i, static_cast<uint8_t>(i)));
  std::vector<std::span<const uint8_t>> views(packets.begin(), packets.end());
  UdpBatchSender sender;
  EXPECT_EQ(sender.SendAll(tx.native_handle(), views, rx.local_endpoint()), 10u);
  UdpBatchReceiver receiver(32, 2048);
  std::vector<Endpoint> sources;
  int calls = 0;
  auto got = ReceiveAll(receiver, rx.native_handle(), 10, true, &sources, &calls);
  ASSERT_EQ(got, packets);
  EXPECT_LE(calls, 3);  // usually 1; loopback may deliver the first before the rest
  for (const auto& s : sources)
    EXPECT_EQ(s, tx.local_endpoint());
}

TEST(UdpBatchIo, SendToManyReachesEveryDestination) {
  boost::asio::io_context io;
  auto tx = BoundLoopback(io);
  std::vector<udp::socket> sinks;
  std::vector<Endpoint> destinations;
  for (int i = 0; i < 5; ++i) {
    sinks.push_back(BoundLoopback(io));
    destinations.push_back(sinks.back().local_endpoint());
  }
  const std::vector<uint8_t> packet(1200, 0xAB);
  UdpBatchSender sender(2);  // forces several sendmmsg calls
  for (bool batched : {true, false}) {
    EXPECT_EQ(sender.SendToMany(tx.native_handle(), packet, destinations, batched), 5u);
    UdpBatchReceiver receiver(4, 2048);
    for (auto& s : sinks) {
      auto got = ReceiveAll(receiver, s.native_handle(), 1, batched);
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0], packet);
    }
  }
}

TEST(UdpBatchIo, FlagsDatagramsLargerThanTheBufferAsTruncated) {
  boost::asio::io_context io;
  auto tx = BoundLoopback(io), rx = BoundLoopback(io);
  for (bool batched : {true, false}) {
    const std::vector<uint8_t> big(3000, 1);
    ASSERT_TRUE(SendDatagram(tx.native_handle(), big, rx.local_endpoint()));
    UdpBatchReceiver receiver(4, 2048);
    ASSERT_TRUE(WaitReadable(rx.native_handle()));
    ASSERT_EQ(receiver.Receive(rx.native_handle(), batched), 1u);
    EXPECT_TRUE(receiver[0].truncated);
  }
}

TEST(UdpBatchIo, ReceivingFromAnEmptySocketReturnsNothing) {
  boost::asio::io_context io;
  auto rx = BoundLoopback(io);
  UdpBatchReceiver receiver(4, 2048);
  EXPECT_EQ(receiver.Receive(rx.native_handle()), 0u);
  EXPECT_EQ(receiver.last_error(), EAGAIN);
}

}  // namespace
}  // namespace tessera::mcu::transport

#include "tessera/mcu/transport/rtp_transport.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <functional>
#include <vector>

#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/testing/ports.h"

namespace tessera::mcu::transport {
namespace {

using boost::asio::ip::udp;
using std::chrono::milliseconds;

struct Recorder : RtpTransport::Listener {
  std::vector<std::vector<uint8_t>> rtp, rtcp;
  std::vector<Endpoint> rtp_from, rtcp_from;
  bool accept = true;
  bool OnRtp(RtpTransport&, std::span<uint8_t> d, const Endpoint& from, rtp::TimePoint) override {
    rtp.emplace_back(d.begin(), d.end());
    rtp_from.push_back(from);
    return accept;
  }
  bool OnRtcp(RtpTransport&, std::span<uint8_t> d, const Endpoint& from, rtp::TimePoint) override {
    rtcp.emplace_back(d.begin(), d.end());
    rtcp_from.push_back(from);
    return accept;
  }
};

class RtpTransportTest : public ::testing::Test {
 protected:
  RtpTransportTest() {
    const uint16_t start = static_cast<uint16_t>(tessera::testing::FreeUdpPort() & ~1u);
    ports_ = std::make_unique<PortAllocator>("127.0.0.1", start, static_cast<uint16_t>(start + 199));
  }
  std::unique_ptr<RtpTransport> Make(RtpTransportConfig config) {
    auto t = RtpTransport::Create(io_, *ports_, config, &listener_);
    EXPECT_TRUE(t) << t.error();
    if (!t) return nullptr;
    (*t)->Start();
    return std::move(*t);
  }
  // Runs the loop until `done` or 2 s pass.
  bool RunUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(milliseconds(5));
    }
    return done();
  }
  udp::socket Peer() { return udp::socket(io_, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)); }
  Endpoint Local(uint16_t port) { return Endpoint(boost::asio::ip::make_address("127.0.0.1"), port); }
  static std::vector<uint8_t> Rtp(uint16_t seq) {
    std::vector<uint8_t> p(20, 0);
    rtp::WriteRtpHeader(rtp::RtpHeader{.payload_type = 96, .sequence_number = seq, .ssrc = 1}, p);
    return p;
  }
  static std::vector<uint8_t> Rtcp() {
    std::array<uint8_t, 64> b{};
    rtp::RtcpBuilder builder(b);
    builder.AddReceiverReport(7);
    return {builder.data().begin(), builder.data().end()};
  }

  boost::asio::io_context io_;
  std::unique_ptr<PortAllocator> ports_;
  Recorder listener_;
};

TEST_F(RtpTransportTest, DeliversRtpAndRtcpFromTheirOwnPorts) {
  auto t = Make({});
  ASSERT_TRUE(t);
  auto peer = Peer();
  peer.send_to(boost::asio::buffer(Rtp(1)), Local(t->rtp_port()));
  peer.send_to(boost::asio::buffer(Rtcp()), Local(t->rtcp_port()));
  ASSERT_TRUE(RunUntil([&] { return listener_.rtp.size() == 1 && listener_.rtcp.size() == 1; }));
  EXPECT_EQ(listener_.rtp[0], Rtp(1));
  EXPECT_EQ(listener_.rtcp[0], Rtcp());
  EXPECT_EQ(t->stats().rtp_received, 1u);
  EXPECT_EQ(t->stats().rtcp_received, 1u);
}

TEST_F(RtpTransportTest, DemultiplexesRtcpMux) {
  auto t = Make({.rtcp_mux = true});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->rtcp_port(), t->rtp_port());
  auto peer = Peer();
  for (uint16_t i = 0; i < 3; ++i)
    peer.send_to(boost::asio::buffer(Rtp(i)), Local(t->rtp_port()));
  peer.send_to(boost::asio::buffer(Rtcp()), Local(t->rtp_port()));
  ASSERT_TRUE(RunUntil([&] { return listener_.rtp.size() == 3 && listener_.rtcp.size() == 1; }));
}

TEST_F(RtpTransportTest, SendsToTheSdpAddressUntilValidPacketsLatchTheRealSource) {
  auto peer = Peer();
  const Endpoint announced = Local(static_cast<uint16_t>(peer.local_endpoint().port() + 10));  // wrong (NAT)
  auto t = Make({.remote_rtp = announced});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->rtp_destination(), announced);
  EXPECT_EQ(t->rtcp_destination()->port(), announced.port() + 1);

  // Invalid packets (the listener refuses them) do not move the latch.
  listener_.accept = false;
  peer.send_to(boost::asio::buffer(Rtp(1)), Local(t->rtp_port()));
  ASSERT_TRUE(RunUntil([&] { return listener_.rtp.size() == 1; }));
  EXPECT_EQ(t->rtp_destination(), announced);

  listener_.accept = true;
  peer.send_to(boost::asio::buffer(Rtp(2)), Local(t->rtp_port()));
  ASSERT_TRUE(RunUntil([&] { return listener_.rtp.size() == 2; }));
  EXPECT_EQ(t->rtp_destination(), peer.local_endpoint());

  // And what we send now arrives at the peer's real port.
  EXPECT_TRUE(t->SendRtp(Rtp(99)));
  std::vector<uint8_t> got(100);
  Endpoint from;
  const size_t n = peer.receive_from(boost::asio::buffer(got), from);
  got.resize(n);
  EXPECT_EQ(got, Rtp(99));
  EXPECT_EQ(from.port(), t->rtp_port());
  EXPECT_EQ(t->send_stats().rtp_sent, 1u);
}

TEST_F(RtpTransportTest, CountsWhatIsNeitherRtpNorRtcpAndOversizedDatagrams) {
  auto t = Make({.rtcp_mux = true});
  ASSERT_TRUE(t);
  auto peer = Peer();
  const std::vector<uint8_t> stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
  peer.send_to(boost::asio::buffer(stun), Local(t->rtp_port()));
  const std::vector<uint8_t> big(RtpTransport::kMaxDatagram + 100, 0x80);
  peer.send_to(boost::asio::buffer(big), Local(t->rtp_port()));
  peer.send_to(boost::asio::buffer(Rtp(5)), Local(t->rtp_port()));
  ASSERT_TRUE(RunUntil([&] { return listener_.rtp.size() == 1; }));
  EXPECT_EQ(t->stats().drops[rtp::DropReason::kNotRtp], 1u);
  EXPECT_EQ(t->stats().drops[rtp::DropReason::kOversized], 1u);
}

TEST_F(RtpTransportTest, WithoutADestinationNothingIsSent) {
  auto t = Make({});
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->SendRtp(Rtp(1)));
  EXPECT_EQ(t->send_stats().no_destination, 1u);
}

TEST_F(RtpTransportTest, SendsAFramesPacketsInOneBatch) {
  auto peer = Peer();
  auto t = Make({.remote_rtp = peer.local_endpoint()});
  ASSERT_TRUE(t);
  std::vector<std::vector<uint8_t>> packets;
  for (uint16_t i = 0; i < 20; ++i)
    packets.push_back(Rtp(i));
  std::vector<std::span<const uint8_t>> views(packets.begin(), packets.end());
  EXPECT_EQ(t->SendRtpBatch(views), 20u);
  for (uint16_t i = 0; i < 20; ++i) {
    std::vector<uint8_t> got(100);
    Endpoint from;
    got.resize(peer.receive_from(boost::asio::buffer(got), from));
    EXPECT_EQ(got, Rtp(i));
  }
}

TEST_F(RtpTransportTest, ClosingStopsDeliveryAndFreesThePorts) {
  auto t = Make({});
  ASSERT_TRUE(t);
  const uint16_t port = t->rtp_port();
  t->Close();
  auto peer = Peer();
  peer.send_to(boost::asio::buffer(Rtp(1)), Local(port));
  io_.restart();
  io_.run_for(milliseconds(50));
  EXPECT_TRUE(listener_.rtp.empty());
  tessera::testing::BoundSocket again("127.0.0.1", port, false);
  EXPECT_TRUE(again.ok());
}

}  // namespace
}  // namespace tessera::mcu::transport

#include "udp_relay.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <thread>
#include <vector>

#include "tessera/testing/subprocess.h"

namespace tessera::testing::relay {
namespace {

using std::chrono::milliseconds;

// A plain UDP socket on 127.0.0.1 with an ephemeral port.
class Socket {
 public:
  Socket() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Socket() { close(fd_); }
  uint16_t port() const { return port_; }
  void SendTo(uint16_t port, const std::vector<uint8_t>& bytes) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  }
  // Receives until `timeout` passes without a datagram; returns them with their sources.
  std::vector<std::pair<std::vector<uint8_t>, uint16_t>> Drain(milliseconds timeout) {
    std::vector<std::pair<std::vector<uint8_t>, uint16_t>> out;
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) break;
      std::vector<uint8_t> b(2048);
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      const ssize_t n = recvfrom(fd_, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) break;
      b.resize(static_cast<size_t>(n));
      out.emplace_back(std::move(b), ntohs(from.sin_port));
    }
    return out;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(UdpRelay, ForwardsBothWaysAndTheTargetSeesTheRelayAsItsPeer) {
  Socket client, target;
  UdpRelay::Config c;
  c.forward_port = target.port();
  std::string error;
  auto relay = UdpRelay::Start(c, &error);
  ASSERT_TRUE(relay) << error;
  client.SendTo(relay->port(), {1, 2, 3});
  auto at_target = target.Drain(milliseconds(300));
  ASSERT_EQ(at_target.size(), 1u);
  EXPECT_EQ(at_target[0].first, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(at_target[0].second, relay->port());
  target.SendTo(relay->port(), {9});
  auto at_client = client.Drain(milliseconds(300));
  ASSERT_EQ(at_client.size(), 1u);
  EXPECT_EQ(at_client[0].first, (std::vector<uint8_t>{9}));
  const auto s = relay->stats();
  EXPECT_EQ(s.forward_sent, 1u);
  EXPECT_EQ(s.backward_sent, 1u);
}

TEST(UdpRelay, AppliesLossDuplicationAndDelayToRealTraffic) {
  Socket client, target;
  UdpRelay::Config c;
  c.forward_port = target.port();
  c.forward.loss = 0.2;
  c.forward.duplicate = 0.1;
  c.forward.delay = milliseconds(30);
  c.forward.seed = 42;
  auto relay = UdpRelay::Start(c);
  ASSERT_TRUE(relay);
  // Collect at the target while sending, paced, so no socket buffer overflows on the way.
  std::vector<std::pair<std::vector<uint8_t>, uint16_t>> got;
  std::thread collector([&] { got = target.Drain(milliseconds(500)); });
  const auto sent_at = std::chrono::steady_clock::now();
  for (int i = 0; i < 500; ++i) {
    client.SendTo(relay->port(), {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)});
    if (i % 20 == 19) std::this_thread::sleep_for(milliseconds(2));  // pacing, not waiting for a result
  }
  collector.join();
  EXPECT_GE(std::chrono::steady_clock::now() - sent_at, milliseconds(30));
  ASSERT_FALSE(got.empty());
  std::set<int> distinct;
  for (const auto& [b, port] : got)
    distinct.insert(b[0] | (b[1] << 8));
  const auto s = relay->stats().forward_impairment;
  EXPECT_EQ(s.packets, 500u);
  EXPECT_EQ(distinct.size(), 500u - s.lost_random);
  EXPECT_EQ(got.size(), distinct.size() + s.duplicated);
  EXPECT_NEAR(s.lost_random / 500.0, 0.2, 0.06);
}

TEST(UdpRelay, TheProgramRelaysAndReportsItsStatistics) {
  Socket client, target;
  auto p = Subprocess::Start({TESSERA_RELAY_BINARY, "--forward", "127.0.0.1:" + std::to_string(target.port()),
                              "--listen", "127.0.0.1:0", "--loss", "0", "--seed", "3"});
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->WaitForOutput("relay listening on 127.0.0.1:", std::chrono::seconds(5))) << p->output();
  const auto& out = p->output();
  const size_t at = out.find("127.0.0.1:") + 10;
  const uint16_t port = static_cast<uint16_t>(std::stoi(out.substr(at)));
  for (int i = 0; i < 10; ++i)
    client.SendTo(port, {static_cast<uint8_t>(i)});
  EXPECT_EQ(target.Drain(milliseconds(300)).size(), 10u);
  ASSERT_TRUE(p->Signal(SIGTERM));
  EXPECT_EQ(p->WaitForExit(std::chrono::seconds(5)), 0);
  EXPECT_NE(p->output().find("forward_sent: 10"), std::string::npos) << p->output();
}

TEST(UdpRelay, TheProgramRejectsABadCommandLine) {
  auto r = RunProgram({TESSERA_RELAY_BINARY, "--loss", "0.1"}, std::chrono::seconds(5));
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.output.find("--forward is required"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tessera::testing::relay

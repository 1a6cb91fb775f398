#pragma once
// A UDP forwarder that impairs traffic in both directions (ImpairmentModel), for tests and
// scripts: clients send to the relay's port; it forwards to `forward_to` from that same
// port, and sends what comes back from `forward_to` to the client that spoke last. The
// target therefore sees the relay as its peer (symmetric RTP latches onto it).
//
//   UdpRelay::Config c;
//   c.forward_to = {127.0.0.1, server_port};
//   c.forward.loss = 0.1;
//   auto relay = UdpRelay::Start(c);      // its own thread
//   SendTo(127.0.0.1, (*relay)->port());
//
// Thread safety: Start/Stop/destruction from the owning thread; stats() from any thread.

#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "impairment.h"

namespace tessera::testing::relay {

struct RelayStats {
  uint64_t forward_received = 0;
  uint64_t backward_received = 0;
  uint64_t forward_sent = 0;
  uint64_t backward_sent = 0;
  uint64_t backward_no_client = 0;  // replies before any client spoke
  ImpairmentStats forward_impairment;
  ImpairmentStats backward_impairment;
};

class UdpRelay {
 public:
  struct Config {
    std::string listen_host = "127.0.0.1";
    uint16_t listen_port = 0;  // 0: any free port
    std::string forward_host = "127.0.0.1";
    uint16_t forward_port = 0;
    ImpairmentConfig forward;   // client -> target
    ImpairmentConfig backward;  // target -> client
  };

  // Binds and starts the relay thread; a message on failure.
  static std::unique_ptr<UdpRelay> Start(const Config& config, std::string* error = nullptr);
  ~UdpRelay();
  UdpRelay(const UdpRelay&) = delete;
  UdpRelay& operator=(const UdpRelay&) = delete;

  uint16_t port() const { return port_; }
  void Stop();
  RelayStats stats() const;

 private:
  UdpRelay() = default;
  void Run();

  Config config_;
  int fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() wakes the thread
  uint16_t port_ = 0;
  sockaddr_storage target_{};
  socklen_t target_len_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex stats_mutex_;
  RelayStats stats_;  // guarded by stats_mutex_
};

}  // namespace tessera::testing::relay

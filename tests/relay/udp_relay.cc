#include "udp_relay.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <queue>
#include <vector>

namespace tessera::testing::relay {
namespace {

bool Resolve(const std::string& host, uint16_t port, sockaddr_storage* out, socklen_t* len) {
  std::memset(out, 0, sizeof(*out));
  auto* v4 = reinterpret_cast<sockaddr_in*>(out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    *len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    *len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

bool SameAddress(const sockaddr_storage& a, socklen_t alen, const sockaddr_storage& b, socklen_t blen) {
  return alen == blen && std::memcmp(&a, &b, alen) == 0;
}

struct Pending {
  TimePoint at;
  uint64_t order;  // FIFO among equal times
  bool to_target;
  std::vector<uint8_t> bytes;
  bool operator>(const Pending& o) const { return at != o.at ? at > o.at : order > o.order; }
};

}  // namespace

std::unique_ptr<UdpRelay> UdpRelay::Start(const Config& config, std::string* error) {
  std::unique_ptr<UdpRelay> r(new UdpRelay());
  r->config_ = config;
  sockaddr_storage local{};
  socklen_t local_len = 0;
  if (!Resolve(config.listen_host, config.listen_port, &local, &local_len) ||
      !Resolve(config.forward_host, config.forward_port, &r->target_, &r->target_len_)) {
    if (error) *error = "relay: invalid address";
    return nullptr;
  }
  r->fd_ = socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (r->fd_ < 0 || bind(r->fd_, reinterpret_cast<sockaddr*>(&local), local_len) != 0) {
    if (error) *error = "relay: cannot bind " + config.listen_host + ":" + std::to_string(config.listen_port);
    return nullptr;
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof(bound);
  getsockname(r->fd_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  r->port_ = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                              : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  const int buffer = 4 << 20;
  setsockopt(r->fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  setsockopt(r->fd_, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
  r->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (r->wake_fd_ < 0) {
    if (error) *error = "relay: eventfd failed";
    return nullptr;
  }
  r->thread_ = std::thread([p = r.get()] { p->Run(); });
  return r;
}

UdpRelay::~UdpRelay() {
  Stop();
  if (fd_ >= 0) close(fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void UdpRelay::Stop() {
  if (stopping_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
  }
  if (thread_.joinable()) thread_.join();
}

RelayStats UdpRelay::stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_;
}

void UdpRelay::Run() {
  ImpairmentModel forward(config_.forward), backward(config_.backward);
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue;
  uint64_t order = 0;
  sockaddr_storage client{};
  socklen_t client_len = 0;
  std::vector<uint8_t> buffer(65536);
  while (!stopping_) {
    // Send everything due; then sleep until the next deadline or a datagram.
    const TimePoint now = Clock::now();
    while (!queue.empty() && queue.top().at <= now) {
      const Pending& p = queue.top();
      const sockaddr_storage& to = p.to_target ? target_ : client;
      const socklen_t to_len = p.to_target ? target_len_ : client_len;
      if (to_len > 0) {
        sendto(fd_, p.bytes.data(), p.bytes.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), to_len);
        std::lock_guard<std::mutex> lock(stats_mutex_);
        ++(p.to_target ? stats_.forward_sent : stats_.backward_sent);
      }
      queue.pop();
    }
    int timeout_ms = 100;
    if (!queue.empty()) {
      const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(queue.top().at - Clock::now());
      timeout_ms = static_cast<int>(std::clamp<int64_t>((wait.count() + 999) / 1000, 0, 100));
    }
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, timeout_ms) <= 0 || !(fds[0].revents & POLLIN)) continue;
    for (int i = 0; i < 64; ++i) {
      sockaddr_storage from{};
      socklen_t from_len = sizeof(from);
      const ssize_t n =
          recvfrom(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < 0) break;
      const TimePoint arrival = Clock::now();
      const bool from_target = SameAddress(from, from_len, target_, target_len_);
      if (!from_target) {
        client = from;
        client_len = from_len;
      }
      ImpairmentModel& model = from_target ? backward : forward;
      const auto fate = model.Decide(static_cast<size_t>(n), arrival);
      {
        std::lock_guard<std::mutex> lock(stats_mutex_);
        ++(from_target ? stats_.backward_received : stats_.forward_received);
        if (from_target && client_len == 0) ++stats_.backward_no_client;
        stats_.forward_impairment = forward.stats();
        stats_.backward_impairment = backward.stats();
      }
      for (int c = 0; c < fate.copies; ++c) {
        queue.push(Pending{fate.deliver_at[c], order++, !from_target,
                           std::vector<uint8_t>(buffer.begin(), buffer.begin() + n)});
      }
    }
  }
}

}  // namespace tessera::testing::relay

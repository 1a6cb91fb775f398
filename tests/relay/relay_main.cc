// tessera_relay: the impairment relay as a program, for scripts and manual tests.
//
//   tessera_relay --forward 127.0.0.1:5004 --loss 0.1 --jitter 50 --reorder 0.05
//                 [--listen 127.0.0.1:6004] [--burst P,R[,LOSS_GOOD,LOSS_BAD]] [--delay MS]
//                 [--duplicate P] [--rate KBPS] [--seed N] [--both] [--duration S]
//
// Impairs the forward direction (clients -> target); --both applies the same to replies.
// Prints "relay listening on HOST:PORT", runs until SIGINT/SIGTERM or --duration, then
// prints its statistics as "name: value" lines. Exit status 0, or 2 for a bad command line.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "udp_relay.h"

namespace {

using tessera::testing::relay::GilbertElliott;
using tessera::testing::relay::UdpRelay;

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) {
  g_stop = 1;
}

bool SplitHostPort(std::string_view text, std::string* host, uint16_t* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  *host = std::string(text.substr(0, colon));
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  const std::string digits(text.substr(colon + 1));
  char* end = nullptr;
  const long p = std::strtol(digits.c_str(), &end, 10);
  if (digits.empty() || *end != '\0' || p < 0 || p > 65535) return false;
  *port = static_cast<uint16_t>(p);
  return true;
}

int Usage(const char* error) {
  std::fprintf(stderr,
               "tessera_relay: %s\n"
               "usage: tessera_relay --forward HOST:PORT [--listen HOST:PORT] [--loss P] [--burst P,R[,LG,LB]]\n"
               "       [--delay MS] [--jitter MS] [--reorder P] [--duplicate P] [--rate KBPS] [--seed N]\n"
               "       [--both] [--duration S]\n",
               error);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  UdpRelay::Config config;
  bool both = false;
  double duration = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--both") {
      both = true;
      continue;
    }
    if (!(v = value())) return Usage("missing value");
    auto& f = config.forward;
    if (arg == "--forward") {
      if (!SplitHostPort(v, &config.forward_host, &config.forward_port)) return Usage("bad --forward");
    } else if (arg == "--listen") {
      if (!SplitHostPort(v, &config.listen_host, &config.listen_port)) return Usage("bad --listen");
    } else if (arg == "--loss") {
      f.loss = std::atof(v);
    } else if (arg == "--burst") {
      GilbertElliott ge;
      if (std::sscanf(v, "%lf,%lf,%lf,%lf", &ge.p, &ge.r, &ge.loss_good, &ge.loss_bad) < 2) return Usage("bad --burst");
      f.burst = ge;
    } else if (arg == "--delay") {
      f.delay = std::chrono::microseconds(static_cast<int64_t>(std::atof(v) * 1000));
    } else if (arg == "--jitter") {
      f.jitter = std::chrono::microseconds(static_cast<int64_t>(std::atof(v) * 1000));
    } else if (arg == "--reorder") {
      f.reorder = std::atof(v);
    } else if (arg == "--duplicate") {
      f.duplicate = std::atof(v);
    } else if (arg == "--rate") {
      f.rate_bps = static_cast<uint64_t>(std::atof(v) * 1000);
    } else if (arg == "--seed") {
      f.seed = std::strtoull(v, nullptr, 10);
    } else if (arg == "--duration") {
      duration = std::atof(v);
    } else {
      return Usage("unknown option");
    }
  }
  if (config.forward_port == 0) return Usage("--forward is required (with a port other than 0)");
  if (both) {
    config.backward = config.forward;
    config.backward.seed = config.forward.seed + 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::string error;
  auto relay = UdpRelay::Start(config, &error);
  if (!relay) {
    std::fprintf(stderr, "tessera_relay: %s\n", error.c_str());
    return 1;
  }
  std::printf("relay listening on %s:%u -> %s:%u (%s)\n", config.listen_host.c_str(), relay->port(),
              config.forward_host.c_str(), config.forward_port, config.forward.ToString().c_str());
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  while (!g_stop) {
    if (duration > 0 && std::chrono::steady_clock::now() - start > std::chrono::duration<double>(duration)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polls a signal flag only
  }
  relay->Stop();
  const auto s = relay->stats();
  std::printf(
      "forward_received: %llu\nforward_sent: %llu\nforward_lost: %llu\nforward_duplicated: %llu\n"
      "backward_received: %llu\nbackward_sent: %llu\n",
      static_cast<unsigned long long>(s.forward_received), static_cast<unsigned long long>(s.forward_sent),
      static_cast<unsigned long long>(s.forward_impairment.lost_random + s.forward_impairment.lost_burst),
      static_cast<unsigned long long>(s.forward_impairment.duplicated),
      static_cast<unsigned long long>(s.backward_received), static_cast<unsigned long long>(s.backward_sent));
  return 0;
}

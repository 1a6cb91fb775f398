// UDP on loopback, per datagram: sending one 1200-byte RTP packet to N endpoints (the
// fan-out of one encoded output) with a sendto per endpoint against one sendmmsg per
// batch, and draining a socket with recvfrom against recvmmsg. The receiving sockets are
// emptied outside the timed region, so every send is a real delivery, not a drop at a full
// buffer. Loopback delivery is most of the cost (about 3.8 us per packet on this machine
// as measured before Tessera existed); what batching saves is the system call per packet.
//   build/release/benchmarks/mcu/transport/udp_io_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <vector>

#include "tessera/mcu/transport/udp_batch_io.h"

namespace {

using boost::asio::ip::udp;
using tessera::mcu::transport::Endpoint;
using tessera::mcu::transport::UdpBatchReceiver;
using tessera::mcu::transport::UdpBatchSender;

udp::socket Loopback(boost::asio::io_context& io) {
  udp::socket s(io, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  s.non_blocking(true);
  s.set_option(boost::asio::socket_base::receive_buffer_size(4 << 20));
  s.set_option(boost::asio::socket_base::send_buffer_size(4 << 20));
  return s;
}

void Drain(std::vector<udp::socket>& sockets, UdpBatchReceiver& receiver) {
  for (auto& s : sockets) {
    while (receiver.Receive(s.native_handle()) > 0) {
    }
  }
}

void BM_FanOut(benchmark::State& state, bool batched) {
  const size_t n = static_cast<size_t>(state.range(0));
  boost::asio::io_context io;
  udp::socket sender = Loopback(io);
  std::vector<udp::socket> sinks;
  std::vector<Endpoint> destinations;
  for (size_t i = 0; i < n; ++i) {
    sinks.push_back(Loopback(io));
    destinations.push_back(sinks.back().local_endpoint());
  }
  const std::vector<uint8_t> packet(12 + 1200, 0x80);
  UdpBatchSender batch(64);
  UdpBatchReceiver receiver(64, 2048);
  size_t sent = 0;
  for (auto _ : state) {
    sent += batch.SendToMany(sender.native_handle(), packet, destinations, batched);
    state.PauseTiming();
    Drain(sinks, receiver);
    state.ResumeTiming();
  }
  if (sent != state.iterations() * n) state.SkipWithError("the kernel refused datagrams");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.counters["us_per_packet"] = benchmark::Counter(static_cast<double>(state.iterations() * n),
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Receive(benchmark::State& state, bool batched) {
  constexpr size_t kBurst = 32;  // a video frame's packets arriving together
  boost::asio::io_context io;
  udp::socket tx = Loopback(io), rx = Loopback(io);
  const std::vector<uint8_t> packet(12 + 1200, 0x80);
  std::vector<std::span<const uint8_t>> burst(kBurst, packet);
  UdpBatchSender sender(64);
  UdpBatchReceiver receiver(kBurst, 2048);
  size_t received = 0;
  for (auto _ : state) {
    state.PauseTiming();
    sender.SendAll(tx.native_handle(), burst, rx.local_endpoint());
    state.ResumeTiming();
    size_t got = 0;
    while (got < kBurst) {
      const size_t n = receiver.Receive(rx.native_handle(), batched);
      if (n == 0) break;
      got += n;
    }
    received += got;
  }
  if (received != state.iterations() * kBurst) state.SkipWithError("datagrams went missing");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBurst));
}

BENCHMARK_CAPTURE(BM_FanOut, sendto, false)->Arg(1)->Arg(10)->Arg(100)->UseRealTime();
BENCHMARK_CAPTURE(BM_FanOut, sendmmsg, true)->Arg(1)->Arg(10)->Arg(100)->UseRealTime();
BENCHMARK_CAPTURE(BM_Receive, recvfrom, false);
BENCHMARK_CAPTURE(BM_Receive, recvmmsg, true);

}  // namespace

BENCHMARK_MAIN();

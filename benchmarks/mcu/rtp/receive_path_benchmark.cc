// The receive path on one core, packets per second: parse, route by (socket, SSRC, payload
// type), and insert into the jitter buffer (popping frames as they complete) — the work the
// network thread does per packet. The goal is at least 2 million packets/s.
//
//   BM_ParseRtp                 the parser alone
//   BM_ParseRouteJitterInsert   parse + route + VideoJitterBuffer::Insert/PopFrame
//   BM_ReceiveStream            parse + route + VideoReceiveStream (statistics, NACK,
//                               payload hints, jitter buffer) + PopFrame
//   BM_AudioParseRouteInsert    parse + route + AudioJitterBuffer insert/pop (20 ms Opus)
//   BM_Memcpy1200               copying the packet once: the floor any receive path pays
//
// Video packets are 1200-byte H.264 FU-A fragments, 8 per frame; sequence numbers and
// timestamps advance over the whole run (rewritten in place, as a sender would).
//   build/release/benchmarks/mcu/rtp/receive_path_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/codecs/payload/payload_inspector.h"
#include "tessera/mcu/rtp/audio_jitter_buffer.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/rtp_router.h"
#include "tessera/mcu/rtp/video_jitter_buffer.h"
#include "tessera/mcu/rtp/video_receive_stream.h"

namespace {

using namespace tessera::mcu::rtp;
namespace payload = tessera::codecs::payload;

constexpr int kPacketsPerFrame = 8;
constexpr uint32_t kSsrc = 0x11111111;
constexpr SocketId kSocket = 7;

// One frame's packets: an H.264 slice of 8 FU-A fragments of about 1200 bytes.
std::vector<std::vector<uint8_t>> MakeFrame() {
  std::vector<uint8_t> au = {0, 0, 0, 1, 0x41, 0x88};
  for (int i = 0; i < kPacketsPerFrame * 1186 - 2; ++i)
    au.push_back(static_cast<uint8_t>(0x10 + i % 200));
  payload::H264Packetizer packetizer({.max_payload_size = 1188});
  payload::PayloadArena arena(64, 1188);
  if (!packetizer.Packetize(au, arena) || arena.size() != kPacketsPerFrame) std::abort();
  std::vector<std::vector<uint8_t>> packets;
  for (size_t i = 0; i < arena.size(); ++i) {
    std::vector<uint8_t> p(12 + arena.payload(i).size());
    WriteRtpHeader(RtpHeader{.payload_type = 96, .marker = arena.marker(i), .ssrc = kSsrc}, p);
    std::memcpy(p.data() + 12, arena.payload(i).data(), arena.payload(i).size());
    packets.push_back(std::move(p));
  }
  return packets;
}

void BM_Memcpy1200(benchmark::State& state) {
  std::vector<uint8_t> src(1200, 1), dst(1200);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Memcpy1200);

void BM_ParseRtp(benchmark::State& state) {
  auto packets = MakeFrame();
  size_t i = 0;
  for (auto _ : state) {
    auto r = ParseRtp(packets[i]);
    benchmark::DoNotOptimize(r);
    i = (i + 1) % packets.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRtp);

void BM_ParseRouteJitterInsert(benchmark::State& state) {
  auto packets = MakeFrame();
  RtpRouter router;
  router.AddPayloadType(kSocket, 96, 0);
  DropCounters drops;
  VideoJitterBuffer jitter_buffer;
  SequenceNumberUnwrapper unwrapper;
  const TimePoint now = Clock::now();
  uint16_t seq = 0;
  uint32_t ts = 0;
  size_t i = 0;
  uint64_t frames = 0;
  for (auto _ : state) {
    std::vector<uint8_t>& bytes = packets[i];
    RewriteRtpHeader(bytes, seq++, ts, kSsrc);
    auto p = ParseRtp(bytes);
    auto route = router.Route(kSocket, p->ssrc, p->payload_type, now, drops);
    benchmark::DoNotOptimize(route);
    const auto hints = payload::InspectVideoPayload(tessera::codecs::CodecId::kH264, p->payload);
    jitter_buffer.Insert(unwrapper.Unwrap(p->sequence_number), p->timestamp, p->marker, p->payload,
                         VideoPacketHints{hints.frame_start, true}, now);
    if (p->marker) {
      while (auto f = jitter_buffer.PopFrame(now))
        ++frames;
      ts += 3000;
    }
    i = (i + 1) % packets.size();
  }
  if (static_cast<int64_t>(frames) + 1 < state.iterations() / kPacketsPerFrame)
    state.SkipWithError("frames went missing");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRouteJitterInsert);

void BM_ReceiveStream(benchmark::State& state) {
  auto packets = MakeFrame();
  RtpRouter router;
  router.AddPayloadType(kSocket, 96, 0);
  DropCounters drops;
  VideoReceiveStream stream({.local_ssrc = 1});
  const TimePoint now = Clock::now();
  uint16_t seq = 0;
  uint32_t ts = 0;
  size_t i = 0;
  uint64_t frames = 0;
  bool first = true;
  for (auto _ : state) {
    std::vector<uint8_t>& bytes = packets[i];
    RewriteRtpHeader(bytes, seq++, ts, kSsrc);
    // The first frame is an IDR so the stream becomes decodable; the rest are P frames.
    bytes[13] = static_cast<uint8_t>((bytes[13] & 0xE0) | (first ? 5 : 1));
    auto p = ParseRtp(bytes);
    auto route = router.Route(kSocket, p->ssrc, p->payload_type, now, drops);
    benchmark::DoNotOptimize(route);
    stream.OnRtpPacket(*p, now);
    if (p->marker) {
      while (auto f = stream.PopFrame(now))
        ++frames;
      ts += 3000;
      first = false;
    }
    i = (i + 1) % packets.size();
  }
  if (static_cast<int64_t>(frames) + 1 < state.iterations() / kPacketsPerFrame)
    state.SkipWithError("frames went missing");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReceiveStream);

void BM_AudioParseRouteInsert(benchmark::State& state) {
  std::vector<uint8_t> bytes(12 + 80, 0x55);  // a 32 kbit/s Opus frame
  WriteRtpHeader(RtpHeader{.payload_type = 111, .ssrc = kSsrc}, bytes);
  RtpRouter router;
  router.AddPayloadType(kSocket, 111, 0);
  DropCounters drops;
  AudioJitterBuffer jitter_buffer;
  TimePoint now = Clock::now();
  uint16_t seq = 0;
  uint32_t ts = 0;
  for (auto _ : state) {
    RewriteRtpHeader(bytes, seq++, ts, kSsrc);
    ts += 960;
    now += std::chrono::milliseconds(20);
    auto p = ParseRtp(bytes);
    auto route = router.Route(kSocket, p->ssrc, p->payload_type, now, drops);
    benchmark::DoNotOptimize(route);
    jitter_buffer.Insert(p->sequence_number, p->timestamp, p->payload, now);
    auto pop = jitter_buffer.Pop(now);
    benchmark::DoNotOptimize(pop);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AudioParseRouteInsert);

}  // namespace

BENCHMARK_MAIN();

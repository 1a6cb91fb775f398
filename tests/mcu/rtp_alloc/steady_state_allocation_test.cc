// The packet path allocates nothing per packet once warmed up (style: no allocation on the
// hot path). This binary replaces operator new to count allocations made on the test's
// thread while a window is open, and runs each path over thousands of packets.
// (libsrtp allocates with malloc, and only per session and per new SSRC, so it is not
// covered here.)

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/codecs/payload/payload_inspector.h"
#include "tessera/mcu/conference/retransmission.h"
#include "tessera/mcu/rtp/audio_jitter_buffer.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtcp_report.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/rtp_router.h"
#include "tessera/mcu/rtp/rtp_send_history.h"
#include "tessera/mcu/rtp/video_receive_stream.h"

namespace {
thread_local bool g_counting = false;
thread_local size_t g_allocations = 0;
}  // namespace

// The replacement pair is malloc/free on purpose; GCC cannot see that they match.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}

namespace tessera::mcu::rtp {
namespace {

using std::chrono::milliseconds;
namespace payload = codecs::payload;

class Window {
 public:
  Window() {
    g_allocations = 0;
    g_counting = true;
  }
  ~Window() { g_counting = false; }
  size_t count() const { return g_allocations; }
};

// Frames of a video stream: an IDR every 30 frames, 1..6 packets each, 1100-byte payloads.
std::vector<std::vector<uint8_t>> MakeStream(int frames) {
  payload::H264Packetizer packetizer({.max_payload_size = 1100});
  payload::PayloadArena arena(64, 1100);
  std::vector<std::vector<uint8_t>> packets;
  uint16_t seq = 0;
  for (int f = 0; f < frames; ++f) {
    std::vector<uint8_t> au = {0, 0, 0, 1, static_cast<uint8_t>(f % 30 == 0 ? 0x65 : 0x41), 0x88};
    for (int i = 0; i < 1000 * (1 + f % 6); ++i)
      au.push_back(static_cast<uint8_t>(0x10 + (i + f) % 200));
    arena.Clear();
    if (!packetizer.Packetize(au, arena)) std::abort();
    for (size_t i = 0; i < arena.size(); ++i) {
      std::vector<uint8_t> p(12 + arena.payload(i).size());
      WriteRtpHeader({.payload_type = 96,
                      .marker = arena.marker(i),
                      .sequence_number = seq++,
                      .timestamp = 3000u * static_cast<uint32_t>(f),
                      .ssrc = 77},
                     p);
      std::copy(arena.payload(i).begin(), arena.payload(i).end(), p.begin() + 12);
      packets.push_back(std::move(p));
    }
  }
  return packets;
}

TEST(SteadyStateAllocation, TheVideoReceivePathAllocatesNothingPerPacket) {
  const auto packets = MakeStream(600);
  RtpRouter router;
  router.AddPayloadType(1, 96, 0);
  DropCounters drops;
  VideoReceiveStream stream({.local_ssrc = 5});
  payload::H264ParameterSets sets;
  std::vector<uint8_t> frame(1 << 20);
  std::array<uint8_t, 1500> rtcp_buffer{};
  std::array<ReportBlock, 1> blocks{};
  TimePoint now = Clock::now();
  auto run = [&](size_t from, size_t to, bool drop_some) {
    size_t frames = 0;
    for (size_t i = from; i < to; ++i) {
      now += milliseconds(3);
      if (drop_some && i % 97 == 0) continue;  // losses: NACK lists, skips, keyframe requests
      auto p = ParseRtp(packets[i]);
      auto route = router.Route(1, p->ssrc, p->payload_type, now, drops);
      if (!route) std::abort();
      stream.OnRtpPacket(*p, now);
      while (auto f = stream.PopFrame(now)) {
        if (payload::DepacketizeH264(f->payloads, frame, &sets)) ++frames;
      }
      RtcpBuilder rtcp(rtcp_buffer);
      blocks[0] = stream.MakeReportBlock(now);
      BuildRtcpReport({.local_ssrc = 5, .cname = "tessera", .blocks = blocks}, NtpNow(), now, rtcp);
      stream.AppendFeedback(now, rtcp);
    }
    return frames;
  };
  run(0, packets.size() / 3, true);  // warm-up: buffers and vectors reach their sizes
  size_t frames = 0;
  {
    Window w;
    frames = run(packets.size() / 3, packets.size(), true);
    EXPECT_EQ(w.count(), 0u);
  }
  // One packet in 97 is lost and never repaired here, so frames until the next IDR are
  // undecodable and dropped: about half of the 400 frames come out.
  EXPECT_GT(frames, 120u);
  EXPECT_GT(stream.stats().nack_packets_sent, 0u);
}

TEST(SteadyStateAllocation, TheAudioPathAllocatesNothingPerPacket) {
  AudioJitterBuffer buffer;
  std::vector<uint8_t> packet(12 + 80, 0x33);
  TimePoint now = Clock::now();
  auto run = [&](uint16_t from, uint16_t to) {
    for (uint16_t i = from; i < to; ++i) {
      now += milliseconds(20);
      WriteRtpHeader({.payload_type = 111, .sequence_number = i, .timestamp = 960u * i, .ssrc = 9}, packet);
      auto p = ParseRtp(packet);
      if (i % 50 != 7) buffer.Insert(p->sequence_number, p->timestamp, p->payload, now + milliseconds(i % 40));
      buffer.Pop(now);
    }
  };
  run(0, 500);
  Window w;
  run(500, 5000);
  EXPECT_EQ(w.count(), 0u);
}

TEST(SteadyStateAllocation, PacketizingAndKeepingASendHistoryAllocateNothing) {
  payload::H264Packetizer packetizer({.max_payload_size = 1100});
  payload::PayloadArena arena(256, 1100);
  RtpSendHistory history;
  std::vector<uint8_t> au = {0, 0, 0, 1, 0x67, 1, 2, 3, 0, 0, 0, 1, 0x68, 4, 0, 0, 0, 1, 0x65, 0x88};
  for (int i = 0; i < 40000; ++i)
    au.push_back(static_cast<uint8_t>(0x10 + i % 200));
  std::vector<uint8_t> packet(1200);
  auto run = [&](int n) {
    for (int f = 0; f < n; ++f) {
      arena.Clear();
      if (!packetizer.Packetize(au, arena)) std::abort();
      for (size_t i = 0; i < arena.size(); ++i) {
        WriteRtpHeader({.payload_type = 96, .sequence_number = static_cast<uint16_t>(f * 64 + i), .ssrc = 1}, packet);
        std::copy(arena.payload(i).begin(), arena.payload(i).end(), packet.begin() + 12);
        history.Store(std::span(packet).first(12 + arena.payload(i).size()), Clock::now());
      }
    }
  };
  run(2);
  Window w;
  run(50);
  EXPECT_EQ(w.count(), 0u);
}

// The room's way (room_video.cc FanOut, room_rtp.cc Resend): an output keeps each frame's
// payloads once, each receiver maps its sequence numbers to them, and NACKs are answered
// from there.
TEST(SteadyStateAllocation, AnOutputsHistoryAndAReceiversSequenceMapAllocateNothing) {
  conference::OutputPacketHistory history(1024, 1200);
  history.Enable();
  conference::SentSequenceMap map(1024);
  payload::PayloadArena arena(64, 1200);
  uint16_t sequence_number = 0;
  size_t found = 0;
  auto run = [&](int frames) {
    for (int f = 0; f < frames; ++f) {
      arena.Clear();
      for (int i = 0; i < 20; ++i) {
        auto space = arena.NextPayload();
        std::fill_n(space.begin(), 1000, static_cast<uint8_t>(f + i));
        arena.CommitPayload(1000, i == 19);
      }
      const int64_t first = history.Store(arena, Clock::now());
      for (size_t i = 0; i < arena.size(); ++i)
        map.Record(sequence_number++, 1, first + static_cast<int64_t>(i), static_cast<uint32_t>(f * 3000));
      // A NACK for a packet of the frame before.
      if (auto* entry = map.Find(static_cast<uint16_t>(sequence_number - 25)))
        if (history.Get(entry->packet_number)) ++found;
    }
  };
  run(2);
  Window w;
  run(500);
  EXPECT_EQ(w.count(), 0u);
  EXPECT_EQ(found, 501u);  // every frame but the very first, which had no frame before it
}

}  // namespace
}  // namespace tessera::mcu::rtp

// Room load: how many all-visible 720p30 H.264 participants one core carries.
//
// One 2 s clip (the demo's moving pattern, 1280x720, 30 fps, x264 1.5 Mbit/s constrained
// baseline, a keyframe per second) is encoded and packetized once at start; a sender
// thread replays it to every participant's RTP port in real time (its own SSRC and
// sequence numbers), so the load generator costs little and its CPU time is measured and
// subtracted. Two subscribers receive the room: one on the 1080p30 output, one on 360p30.
// After a warm-up the run measures CPU time, late ticks, the added latency (a frame's last
// packet in -> the composed frame out) and RSS. The last line is the headline:
//   participants_per_core: X     (participants / cores used by the server)
//
// Usage: room_load [--participants N] [--seconds S] [--layout NAME]
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/mcu/conference/conference_manager.h"
#include "tessera/mcu/demo/synthetic_participant.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/worker_pool.h"

namespace {

using namespace tessera;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Clip {
  std::vector<std::vector<std::vector<uint8_t>>> frames;  // frame -> payloads
};

Clip EncodeClip() {
  Clip clip;
  codecs::VideoEncoderConfig c;
  c.codec = codecs::CodecId::kH264;
  c.width = 1280;
  c.height = 720;
  c.fps = 30;
  c.bitrate_bps = 1'500'000;
  c.keyframe_interval = 30;
  auto encoder = codecs::CreateVideoEncoder(c);
  if (!encoder) {
    std::fprintf(stderr, "x264: %s\n", encoder.error().detail);
    std::exit(1);
  }
  mcu::demo::SyntheticParticipant pattern({"Load", 0});
  I420Buffer picture(1280, 720);
  codecs::payload::H264Packetizer packetizer;
  codecs::payload::PayloadArena arena(2048, 1200);
  for (int i = 0; i < 60; ++i) {
    pattern.DrawFrame(i * 1000 / 30, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(i * 3000));
    if (!au || au->data.empty()) continue;
    arena.Clear();
    if (!packetizer.Packetize(au->data, arena)) continue;
    auto& frame = clip.frames.emplace_back();
    for (size_t p = 0; p < arena.size(); ++p) {
      auto payload = arena.payload(p);
      frame.emplace_back(payload.begin(), payload.end());
    }
  }
  return clip;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double RssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

int BoundUdp(uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  const int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  return fd;
}

mcu::MediaStreamRequest Video(uint16_t remote_port, bool receive, bool send, uint8_t level, int64_t bps) {
  mcu::MediaStreamRequest s;
  s.kind = mcu::MediaKind::kVideo;
  s.receive = receive;
  s.send = send;
  s.payload_type = 96;
  s.format.codec = codecs::CodecId::kH264;
  s.format.max_bitrate_bps = bps;
  codecs::H264Params h;
  h.profile_level_id = codecs::H264ProfileLevelId{0x42, 0xe0, level};
  h.packetization_mode = 1;
  s.format.params = h;
  s.remote_address = "127.0.0.1";
  s.remote_rtp_port = remote_port;
  s.pli = true;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int participants = 16;
  int seconds = 60;
  std::string layout = "auto";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--participants") participants = std::stoi(argv[i + 1]);
    else if (flag == "--seconds") seconds = std::stoi(argv[i + 1]);
    else if (flag == "--layout") layout = argv[i + 1];
  }
  std::fprintf(stderr, "encoding the 720p30 clip...\n");
  const Clip clip = EncodeClip();

  mcu::Config config;
  config.rtp.address = "127.0.0.1";
  config.rtp.port_min = 50000;
  config.rtp.port_max = 59999;
  config.rungs = {{"1080p", 1920, 1080, 30, 2500, mcu::VideoCodecName::kH264},
                  {"360p", 640, 360, 30, 500, mcu::VideoCodecName::kH264}};
  mcu::RoomConfig room;
  room.id = "load";
  room.layout = layout;
  config.rooms.push_back(room);

  boost::asio::io_context network;
  auto work = boost::asio::make_work_guard(network);
  std::atomic<double> network_cpu{0};
  std::thread network_thread([&] { network.run(); });
  mcu::WorkerPool media("media", 0);
  media.Start();
  mcu::conference::ConferenceManager manager(config, network, media.context(), media.size());
  manager.Start();

  // Subscribers: sinks that only count what arrives.
  uint16_t sink_port[2];
  int sink_fd[2] = {BoundUdp(&sink_port[0]), BoundUdp(&sink_port[1])};
  for (int s = 0; s < 2; ++s) {
    mcu::ParticipantRequest r;
    r.display_name = s == 0 ? "viewer-1080p" : "viewer-360p";
    r.streams.push_back(Video(sink_port[s], false, true, s == 0 ? 0x28 : 0x1f, s == 0 ? 0 : 600'000));
    if (!manager.AddParticipant("load", r)) return 1;
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> sink_packets{0};
  std::atomic<double> sink_cpu{0};
  std::thread sink([&] {
    uint8_t buffer[2048];
    while (!stop.load()) {
      for (int fd : sink_fd) {
        while (recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT) > 0) sink_packets.fetch_add(1);
      }
      std::this_thread::sleep_for(2ms);
    }
    sink_cpu.store(ThreadCpuSeconds());
  });

  // Participants.
  std::vector<uint16_t> ports;
  for (int i = 0; i < participants; ++i) {
    mcu::ParticipantRequest r;
    r.display_name = "P" + std::to_string(i + 1);
    uint16_t unused;
    const int fd = BoundUdp(&unused);  // where Tessera would send back (never, receive only)
    r.streams.push_back(Video(unused, true, false, 0x1f, 0));
    auto added = manager.AddParticipant("load", r);
    close(fd);
    if (!added) {
      std::fprintf(stderr, "join failed: %s\n", added.error().message.c_str());
      return 1;
    }
    ports.push_back(added->streams[0].local_rtp_port);
  }
  std::atomic<double> sender_cpu{0};
  std::thread sender([&] {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    std::vector<uint16_t> seq(ports.size(), 0);
    std::vector<uint8_t> packet(1300);
    auto next = Clock::now();
    for (uint32_t k = 0; !stop.load(); ++k) {
      const auto& frame = clip.frames[k % clip.frames.size()];
      for (size_t i = 0; i < ports.size(); ++i) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(ports[i]);
        for (size_t p = 0; p < frame.size(); ++p) {
          mcu::rtp::RtpHeader h{.payload_type = 96,
                                .marker = p + 1 == frame.size(),
                                .sequence_number = seq[i]++,
                                .timestamp = k * 3000,
                                .ssrc = static_cast<uint32_t>(0x1000 + i)};
          const size_t n = mcu::rtp::WriteRtpHeader(h, packet);
          std::memcpy(packet.data() + n, frame[p].data(), frame[p].size());
          sendto(fd, packet.data(), n + frame[p].size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
        }
      }
      next += std::chrono::microseconds(33'333);
      std::this_thread::sleep_until(next);  // the pace of 30 fps cameras
    }
    sender_cpu.store(ThreadCpuSeconds());
    close(fd);
  });

  const mcu::conference::Room& r = *manager.room("load");
  std::this_thread::sleep_for(3s);  // warm-up: first keyframes, jitter buffers, encoders
  const auto& c = r.counters();
  const uint64_t late0 = c.late_video_ticks.load(), late_audio0 = c.late_audio_ticks.load();
  const uint64_t ticks0 = c.video_ticks.load(), encoded0 = c.frames_encoded.load();
  std::array<uint64_t, mcu::conference::RoomCounters::kLatencyBuckets> latency0{};
  for (size_t i = 0; i < latency0.size(); ++i) latency0[i] = c.latency_ms[i].load();
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = ProcessCpuSeconds() - cpu0;
  const uint64_t late = c.late_video_ticks.load() - late0, late_audio = c.late_audio_ticks.load() - late_audio0;
  const uint64_t ticks = c.video_ticks.load() - ticks0, encoded = c.frames_encoded.load() - encoded0;
  // Percentiles over the measured window only.
  std::array<uint64_t, mcu::conference::RoomCounters::kLatencyBuckets> latency{};
  uint64_t samples = 0;
  for (size_t i = 0; i < latency.size(); ++i) samples += (latency[i] = c.latency_ms[i].load() - latency0[i]);
  auto percentile = [&](double f) {
    uint64_t seen = 0;
    for (size_t i = 0; i < latency.size(); ++i)
      if ((seen += latency[i]) >= f * double(samples)) return double(i + 1);
    return double(latency.size());
  };
  const double rss = RssMb();
  stop.store(true);
  sender.join();
  sink.join();
  // The load generator's CPU over the whole run, scaled to the measured window.
  const double generator = (sender_cpu.load() + sink_cpu.load()) * wall / (wall + 3.0);
  const double server_cores = (cpu - generator) / wall;
  manager.Stop();
  work.reset();
  network.stop();
  network_thread.join();
  media.Stop();
  media.Join();

  std::printf("participants: %d (720p30 H.264, all visible, layout %s), outputs 1080p30 + 360p30\n", participants,
              layout.c_str());
  std::printf("measured: %.0f s; video ticks %lu, frames encoded %lu, subscriber packets %lu\n", wall,
              (unsigned long)ticks, (unsigned long)encoded, (unsigned long)sink_packets.load());
  std::printf("server CPU: %.2f cores (load generator %.2f cores subtracted)\n", server_cores, generator / wall);
  std::printf("cpu_per_participant_percent: %.1f\n", 100.0 * server_cores / participants);
  std::printf("late_video_ticks: %lu\nlate_audio_ticks: %lu\n", (unsigned long)late, (unsigned long)late_audio);
  std::printf("added_latency_ms_p50: %.0f\nadded_latency_ms_p99: %.0f  (%lu samples)\n", percentile(0.5),
              percentile(0.99), (unsigned long)samples);
  std::printf("rss_mb: %.0f\nrss_mb_per_participant: %.1f\n", rss, rss / participants);
  std::printf("participants_per_core: %.1f\n", server_cores > 0 ? participants / server_cores : 0.0);
  return 0;
}

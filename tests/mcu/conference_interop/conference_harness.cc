#include "conference_harness.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "tessera/testing/ports.h"

namespace tessera::mcu::conference::testing {

namespace {

using namespace std::chrono_literals;
using tessera::testing::Subprocess;

// The inodes of the UDP sockets bound to `port` (any address), from /proc/net/udp.
std::set<std::string> UdpSocketInodes(uint16_t port) {
  std::set<std::string> inodes;
  std::ifstream table("/proc/net/udp");
  std::string line;
  std::getline(table, line);  // the header
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    if (local.size() > 5 && local.ends_with(wanted)) inodes.insert(inode);
  }
  return inodes;
}

// True once process `pid` itself holds a UDP socket on `port`: merely "someone holds it"
// would also be true when another process took the port and ffmpeg failed to bind it.
bool WaitUdpHeldBy(pid_t pid, uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::filesystem::path fds = "/proc/" + std::to_string(pid) + "/fd";
  while (std::chrono::steady_clock::now() < deadline) {
    const auto inodes = UdpSocketInodes(port);
    std::error_code ec;
    for (std::filesystem::directory_iterator it(fds, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string target = std::filesystem::read_symlink(it->path(), ec).string();
      if (!ec && target.starts_with("socket:[") && inodes.contains(target.substr(8, target.size() - 9))) return true;
    }
    std::this_thread::sleep_for(20ms);  // polling a condition with a deadline, not a guess
  }
  return false;
}

std::vector<std::string> AudioArgs(codecs::CodecId codec) {
  switch (codec) {
    case codecs::CodecId::kPcmu: return {"-c:a", "pcm_mulaw", "-ar", "8000", "-ac", "1", "-payload_type", "0"};
    case codecs::CodecId::kG722: return {"-c:a", "g722", "-ar", "16000", "-ac", "1", "-payload_type", "9"};
    default: return {"-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "32k", "-payload_type", "111"};
  }
}

int PayloadTypeOf(codecs::CodecId codec) {
  switch (codec) {
    case codecs::CodecId::kPcmu: return 0;
    case codecs::CodecId::kG722: return 9;
    default: return 111;
  }
}

std::string Rtp(uint16_t port) { return "rtp://127.0.0.1:" + std::to_string(port) + "?pkt_size=1200"; }

// "-f rtp rtp://..." or, with a key, ffmpeg's own SRTP: "-f rtp -srtp_out_suite ... srtp://...".
void AddRtpOutput(std::vector<std::string>& argv, const std::string& srtp_key, uint16_t port) {
  if (srtp_key.empty()) {
    argv.insert(argv.end(), {"-f", "rtp", Rtp(port)});
    return;
  }
  argv.insert(argv.end(), {"-f", "rtp", "-srtp_out_suite", "AES_CM_128_HMAC_SHA1_80", "-srtp_out_params", srtp_key,
                           "srtp://127.0.0.1:" + std::to_string(port) + "?pkt_size=1180"});
}

}  // namespace

uint16_t FreeEvenPort() {
  static std::mutex mutex;
  static std::set<uint16_t> handed_out;
  std::lock_guard lock(mutex);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const uint16_t p = static_cast<uint16_t>(tessera::testing::FreeUdpPort() & ~1u);
    if (p <= 1024 || handed_out.contains(p)) continue;
    // Both halves must be free now: ffmpeg binds p + 1 for RTCP and fails if it cannot.
    tessera::testing::BoundSocket rtp("127.0.0.1", p, false), rtcp("127.0.0.1", p + 1, false);
    if (!rtp.ok() || !rtcp.ok()) continue;
    handed_out.insert(p);
    return p;
  }
  return 0;
}

std::unique_ptr<Subprocess> StartSender(const SenderSpec& spec, uint16_t video_port, uint16_t audio_port,
                                        int seconds) {
  const bool video = spec.video && video_port != 0;
  std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re"};
  if (video) {
    // A solid colour with a white square moving along the top: the tile's centre tells
    // whose it is, the top band whether its pictures are fresh.
    argv.insert(argv.end(), {"-f", "lavfi", "-i",
                             "color=c=" + spec.colour + ":s=320x180:r=30[bg];color=c=white:s=24x24:r=30[box];"
                             "[bg][box]overlay=x='mod(n*6\\,296)':y=8"});
  }
  argv.insert(argv.end(), {"-f", "lavfi", "-i",
                           // 20 ms frames, so G.711/G.722 packets carry 20 ms as endpoints' do
                           "sine=frequency=" + std::to_string(spec.tone_hz) + ":sample_rate=48000:samples_per_frame=960",
                           "-t", std::to_string(seconds)});
  if (video) {
    argv.insert(argv.end(), {"-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                             "-profile:v", "baseline", "-g", "30", "-pix_fmt", "yuv420p", "-b:v", "300k",
                             "-payload_type", "96"});
    AddRtpOutput(argv, spec.srtp_key, video_port);
  }
  argv.insert(argv.end(), {"-map", video ? "1:a" : "0:a"});
  for (auto& a : AudioArgs(spec.audio)) argv.push_back(a);
  AddRtpOutput(argv, spec.srtp_key, audio_port);
  return Subprocess::Start(argv);
}

namespace {

std::unique_ptr<Subprocess> StartRecorderOn(const std::filesystem::path& dir, const std::string& name,
                                            uint16_t video_port, uint16_t audio_port, int record_seconds,
                                            std::string* error) {
  const auto sdp = dir / (name + ".sdp");
  std::ofstream(sdp) << "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=receiver\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                     << "m=video " << video_port << " RTP/AVP 96\r\n"
                     << "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n"
                     << "m=audio " << audio_port << " RTP/AVP 111\r\n"
                     << "a=rtpmap:111 opus/48000/2\r\n";
  const auto video = (dir / (name + ".yuv")).string();
  const auto audio = (dir / (name + ".wav")).string();
  auto recorder = Subprocess::Start({"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist",
                                     "file,udp,rtp", "-i", sdp.string(), "-t", std::to_string(record_seconds), "-map",
                                     "0:v", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-y",
                                     video, "-map", "0:a", "-t", std::to_string(record_seconds), "-ac", "1", "-ar",
                                     "48000", "-y", audio},
                                    {}, error);
  if (!recorder) return nullptr;
  if (WaitUdpHeldBy(recorder->pid(), video_port, 5s) && WaitUdpHeldBy(recorder->pid(), audio_port, 5s))
    return recorder;
  recorder->WaitForExit(1s);
  *error = "ffmpeg did not hold ports " + std::to_string(video_port) + "/" + std::to_string(audio_port) + ": " +
           recorder->output();
  return nullptr;
}

}  // namespace

Recorder StartRecorder(const std::filesystem::path& dir, const std::string& name, int record_seconds) {
  Recorder r;
  for (int attempt = 0; attempt < 3 && !r.process; ++attempt) {
    r.video_port = FreeEvenPort();
    r.audio_port = FreeEvenPort();
    r.process = StartRecorderOn(dir, name, r.video_port, r.audio_port, record_seconds, &r.error);
  }
  return r;
}

MediaStreamRequest H264Stream(uint16_t remote_port, bool receive, bool send) {
  MediaStreamRequest s;
  s.kind = MediaKind::kVideo;
  s.receive = receive;
  s.send = send;
  s.payload_type = 96;
  s.format.codec = codecs::CodecId::kH264;
  s.format.clock_rate = 90000;
  codecs::H264Params h264;
  h264.profile_level_id = codecs::H264ProfileLevelId{0x42, 0xe0, 0x1f};
  h264.packetization_mode = 1;
  s.format.params = h264;
  s.remote_address = "127.0.0.1";
  s.remote_rtp_port = remote_port;
  return s;
}

MediaStreamRequest AudioStream(codecs::CodecId codec, uint16_t remote_port, bool receive, bool send) {
  MediaStreamRequest s;
  s.kind = MediaKind::kAudio;
  s.receive = receive;
  s.send = send;
  s.payload_type = PayloadTypeOf(codec);
  s.format.codec = codec;
  s.format.clock_rate = codec == codecs::CodecId::kOpus ? 48000 : 8000;
  s.format.channels = codec == codecs::CodecId::kOpus ? 2 : 1;
  if (codec == codecs::CodecId::kOpus) s.format.params = codecs::OpusParams{};
  s.remote_address = "127.0.0.1";
  s.remote_rtp_port = remote_port;
  return s;
}

ConferenceHarness::ConferenceHarness(int demo_participants) {
  Config config;
  config.streaming.recordings_dir = temp_.path() / "recordings";
  config.streaming.hls_dir = temp_.path() / "hls";
  config.rtp.address = "127.0.0.1";
  config.rtp.port_min = 40000;
  config.rtp.port_max = 49999;
  config.rungs = {RungConfig{"360p", 640, 360, 15, 600, VideoCodecName::kH264}};
  RoomConfig room;
  room.id = "r1";
  room.name = "Test room";
  room.demo_participants = demo_participants;
  config.rooms.push_back(room);
  work_.emplace(network_.get_executor());
  network_thread_ = std::thread([this] { network_.run(); });
  media_.Start();
  manager_ = std::make_unique<ConferenceManager>(config, network_, media_.context(), media_.size());
  manager_->Start();
}

ConferenceHarness::~ConferenceHarness() {
  manager_->Stop();
  manager_.reset();
  work_.reset();
  network_.stop();
  network_thread_.join();
  media_.Stop();
  media_.Join();
}

ConferenceHarness::Sender ConferenceHarness::AddSender(const SenderSpec& spec,
                                                       const tessera::testing::relay::ImpairmentConfig* impairment,
                                                       int seconds) {
  Sender sender;
  ParticipantRequest request;
  request.display_name = spec.name;
  request.protocol = "rtp";
  request.remote = "ffmpeg " + spec.name;
  // The sender's own receive ports are never used (it only sends), but must be valid.
  request.streams.push_back(AudioStream(spec.audio, FreeEvenPort(), true, false));
  if (spec.video) request.streams.push_back(H264Stream(FreeEvenPort(), true, false));
  auto added = manager_->AddParticipant("r1", request);
  if (!added) return sender;
  sender.id = added->participant_id;
  const uint16_t audio_port = added->streams[0].local_rtp_port;
  uint16_t video_port = 0;
  if (spec.video) {
    video_port = added->streams[1].local_rtp_port;
    if (impairment) {
      tessera::testing::relay::UdpRelay::Config c;
      c.forward_port = video_port;
      c.forward = *impairment;
      sender.video_relay = tessera::testing::relay::UdpRelay::Start(c);
      if (sender.video_relay) video_port = sender.video_relay->port();
    }
  }
  sender.ffmpeg = StartSender(spec, video_port, audio_port, seconds);
  return sender;
}

ConferenceHarness::Receiver ConferenceHarness::AddReceiver(const std::string& name, int tone_hz, int record_seconds) {
  Receiver r;
  r.video = dir() / (name + ".yuv");
  r.audio = dir() / (name + ".wav");
  auto recorder = StartRecorder(dir(), name, record_seconds);
  if (!recorder) return r;
  r.recorder = std::move(recorder.process);
  const uint16_t video_port = recorder.video_port;
  const uint16_t audio_port = recorder.audio_port;

  ParticipantRequest request;
  request.display_name = name;
  request.remote = "ffmpeg " + name;
  request.streams.push_back(AudioStream(codecs::CodecId::kOpus, audio_port, true, true));
  request.streams.push_back(H264Stream(video_port, false, true));
  auto added = manager_->AddParticipant("r1", request);
  if (!added) return r;
  r.id = added->participant_id;
  tessera::testing::relay::UdpRelay::Config c;
  c.forward_port = added->streams[0].local_rtp_port;
  c.reply_port = audio_port;
  r.relay = tessera::testing::relay::UdpRelay::Start(c);
  if (!r.relay) return r;
  r.tone = Subprocess::Start({"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                              "sine=frequency=" + std::to_string(tone_hz) + ":sample_rate=48000", "-t",
                              std::to_string(record_seconds + 10), "-c:a", "libopus", "-ar", "48000", "-ac", "2",
                              "-payload_type", "111", "-f", "rtp", Rtp(r.relay->port())});
  return r;
}

std::vector<uint8_t> ReadI420Frame(const std::filesystem::path& file, int width, int height, int index) {
  const size_t size = static_cast<size_t>(width) * height * 3 / 2;
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(size * index));
  std::vector<uint8_t> frame(size);
  if (!in.read(reinterpret_cast<char*>(frame.data()), static_cast<std::streamsize>(size))) return {};
  return frame;
}

int CountI420Frames(const std::filesystem::path& file, int width, int height) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(file, ec);
  if (ec) return 0;
  return static_cast<int>(bytes / (static_cast<size_t>(width) * height * 3 / 2));
}

std::vector<int16_t> ReadWav(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Find the "data" chunk.
  size_t pos = 12;
  while (pos + 8 <= bytes.size()) {
    const uint32_t size = bytes[pos + 4] | bytes[pos + 5] << 8 | bytes[pos + 6] << 16 | uint32_t{bytes[pos + 7]} << 24;
    if (std::equal(bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.begin() + static_cast<std::ptrdiff_t>(pos) + 4, "data")) {
      std::vector<int16_t> samples;
      for (size_t i = pos + 8; i + 1 < bytes.size() && i + 1 < pos + 8 + size; i += 2)
        samples.push_back(static_cast<int16_t>(bytes[i] | bytes[i + 1] << 8));
      return samples;
    }
    pos += 8 + size;
  }
  return {};
}

}  // namespace tessera::mcu::conference::testing

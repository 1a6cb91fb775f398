#include "baresip_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tessera/testing/ports.h"

namespace tessera::signaling::sip::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string ConfigText(const BaresipOptions& o, uint16_t sip_port, uint16_t ctrl_port, uint16_t rtp_base) {
  std::string c;
  auto line = [&c](const std::string& k, const std::string& v) { c += k + "\t" + v + "\n"; };
  line("poll_method", "epoll");
  line("sip_listen", "127.0.0.1:" + std::to_string(sip_port));
  line("net_interface", "127.0.0.1");  // an IP; an interface name fails on loopback
  line("call_local_timeout", "120");
  line("audio_player", "alsa,null");  // no sound card: ALSA's null PCM
  line("audio_alert", "alsa,null");
  line("audio_source", "aufile," + o.audio_wav.string());
  line("ausrc_srate", "48000");
  line("ausrc_channels", "1");
  line("video_source", "avformat,lavfi," + o.video_lavfi);
  line("video_display", "fakevideo,nil");
  line("video_size", "640x360");
  line("video_bitrate", "500000");
  line("video_fps", "15.00");
  line("rtp_ports", std::to_string(rtp_base) + "-" + std::to_string(rtp_base + 19));
  line("rtcp_mux", "no");
  line("jitter_buffer_delay", "5-10");
  line("module_path", "/usr/lib/baresip/modules");
  for (const char* m : {"g711.so", "g722.so", "opus.so", "sndfile.so", "alsa.so", "aufile.so", "avcodec.so",
                        "avformat.so", "fakevideo.so", "snapshot.so"})
    line("module", m);
  // account.so reads the accounts file (without it there is no user agent to dial with).
  for (const char* m : {"uuid.so", "account.so"})
    line("module_tmp", m);
  for (const char* m : {"contact.so", "menu.so", "ctrl_tcp.so"})
    line("module_app", m);
  line("ctrl_tcp_listen", "127.0.0.1:" + std::to_string(ctrl_port));
  line("statmode_default", "off");
  line("snd_path", (o.dir / "rec").string());
  line("avcodec_h264enc", "libx264");
  return c;
}

}  // namespace

std::unique_ptr<BaresipPeer> BaresipPeer::Start(const BaresipOptions& options, std::string* error) {
  std::unique_ptr<BaresipPeer> peer(new BaresipPeer());
  peer->options_ = options;
  std::filesystem::create_directories(options.dir / "rec");
  // SIP takes UDP and TCP on the port and TLS on port + 1: keep them apart.
  const uint16_t sip_port = tessera::testing::FreeUdpPort();
  const uint16_t ctrl_port = tessera::testing::FreeTcpPort();
  const uint16_t rtp_base = static_cast<uint16_t>(tessera::testing::FreeUdpPort() & ~1u);
  std::ofstream(options.dir / "config") << ConfigText(options, sip_port, ctrl_port, rtp_base);
  std::string account =
      "<sip:baresip@127.0.0.1:" + std::to_string(sip_port) + ">;regint=0;audio_codecs=" + options.audio_codecs;
  if (!options.video_codecs.empty()) account += ";video_codecs=" + options.video_codecs;
  if (options.auto_answer) account += ";answermode=auto";
  peer->sip_port_ = sip_port;
  std::ofstream(options.dir / "accounts") << account << "\n";
  std::ofstream(options.dir / "contacts") << "";
  peer->process_ = tessera::testing::Subprocess::Start(
      {"baresip", "-f", options.dir.string(), "-t", std::to_string(options.seconds)}, {}, error);
  if (!peer->process_) return nullptr;
  if (!peer->Connect(ctrl_port, 10s)) {
    if (error) *error = "baresip's ctrl_tcp did not come up:\n" + peer->process_->output();
    return nullptr;
  }
  return peer;
}

BaresipPeer::~BaresipPeer() {
  if (fd_ >= 0) close(fd_);
  if (process_ && process_->running()) {
    process_->Signal(SIGKILL);  // SIGTERM makes it wait for a BYE answer for tens of seconds
    process_->WaitForExit(5s);
  }
}

bool BaresipPeer::Connect(uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline && process_->running()) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return true;
    close(fd_);
    fd_ = -1;
    process_->WaitForOutput("\x01never", 50ms);  // reads its output meanwhile; bounded
  }
  return false;
}

bool BaresipPeer::ReadMessage(std::string& json, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const size_t colon = buffer_.find(':');
    if (colon != std::string::npos) {
      const size_t length = std::stoul(buffer_.substr(0, colon));
      if (buffer_.size() >= colon + 1 + length + 1) {
        json = buffer_.substr(colon + 1, length);
        buffer_.erase(0, colon + 1 + length + 1);  // and the ','
        return true;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    const ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<std::string> BaresipPeer::Command(const std::string& command, const std::string& params) {
  const std::string token = std::to_string(++token_);
  const std::string body = nlohmann::json{{"command", command}, {"params", params}, {"token", token}}.dump();
  const std::string framed = std::to_string(body.size()) + ":" + body + ",";
  if (write(fd_, framed.data(), framed.size()) != static_cast<ssize_t>(framed.size())) return std::nullopt;
  std::string json;
  while (ReadMessage(json, 10s)) {
    auto j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded()) continue;
    if (j.value("event", false)) {
      events_.push_back(j.value("type", ""));
      continue;
    }
    if (j.value("token", "") != token) continue;
    last_reply_ = json;
    if (!j.value("ok", false)) return std::nullopt;
    return j.value("data", "");
  }
  return std::nullopt;
}

bool BaresipPeer::WaitForEvent(const std::string& type, std::chrono::milliseconds timeout) {
  for (auto it = events_.begin(); it != events_.end(); ++it) {
    if (*it == type) {
      events_.erase(events_.begin(), it + 1);
      return true;
    }
  }
  events_.clear();
  const auto deadline = Clock::now() + timeout;
  std::string json;
  while (Clock::now() < deadline &&
         ReadMessage(json, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()))) {
    auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_discarded() && j.value("event", false) && j.value("type", "") == type) return true;
  }
  return false;
}

bool BaresipPeer::SnapshotReceived(const std::filesystem::path& png, std::chrono::milliseconds timeout) {
  std::filesystem::remove(png);
  if (!Command("snapshot_recv", png.string())) return false;
  // The snapshot module writes the next decoded picture; poll for the file, bounded. It may
  // still be partly written: the reader retries a picture that does not decode.
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::error_code ec;
    if (std::filesystem::exists(png, ec) && std::filesystem::file_size(png, ec) > 0) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

std::optional<std::filesystem::path> BaresipPeer::ReceivedWav() const {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(options_.dir / "rec", ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 8 && name.compare(name.size() - 8, 8, "-dec.wav") == 0) return e.path();
  }
  return std::nullopt;
}

std::optional<int> BaresipPeer::Quit(std::chrono::milliseconds timeout) {
  Command("quit");
  return process_->WaitForExit(timeout);
}

std::string BaresipPeer::log() {
  process_->WaitForOutput("\x01never", 10ms);
  return process_->output();
}

Colours CountColours(const std::vector<uint8_t>& i420, int width, int height) {
  Colours c;
  if (i420.size() < static_cast<size_t>(width * height * 3 / 2)) return c;
  for (int gy = 0; gy < 18; ++gy) {
    for (int gx = 0; gx < 32; ++gx) {
      const int x = gx * width / 32 + 10, y = gy * height / 18 + 10;
      const int luma = i420[static_cast<size_t>(y * width + x)];
      const size_t chroma = static_cast<size_t>((y / 2) * (width / 2) + x / 2);
      const int u = i420[static_cast<size_t>(width * height) + chroma];
      const int v = i420[static_cast<size_t>(width * height + width * height / 4) + chroma];
      c.red += std::abs(luma - 81) < 25 && v > 200;    // red: Y 81, V 240
      c.green += std::abs(luma - 145) < 25 && v < 60;  // green: Y 145, V 34
      c.blue += std::abs(luma - 41) < 25 && u > 200;   // blue: Y 41, U 240
    }
  }
  return c;
}

std::vector<uint8_t> DecodePngToI420(const std::filesystem::path& png, const std::filesystem::path& yuv, int width,
                                     int height) {
  const std::string size = "scale=" + std::to_string(width) + ":" + std::to_string(height);
  auto r = tessera::testing::RunProgram({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", png.string(),
                                         "-vf", size, "-pix_fmt", "yuv420p", "-f", "rawvideo", yuv.string()},
                                        20s);
  if (r.exit_status != 0) return {};
  std::ifstream in(yuv, std::ios::binary);
  std::vector<uint8_t> frame(static_cast<size_t>(width * height * 3 / 2));
  if (!in.read(reinterpret_cast<char*>(frame.data()), static_cast<std::streamsize>(frame.size()))) return {};
  return frame;
}

bool WriteToneWav(const std::filesystem::path& wav, int hz, int seconds, std::string* error) {
  auto r = tessera::testing::RunProgram(
      {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
       "sine=frequency=" + std::to_string(hz) + ":sample_rate=48000:duration=" + std::to_string(seconds), "-ac", "1",
       "-c:a", "pcm_s16le", wav.string()},
      30s);
  if (r.exit_status != 0 && error) *error = r.output;
  return r.exit_status == 0;
}

bool ToMono48kWav(const std::filesystem::path& in, const std::filesystem::path& out, std::string* error) {
  auto r = tessera::testing::RunProgram({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", in.string(), "-ac",
                                         "1", "-ar", "48000", "-c:a", "pcm_s16le", out.string()},
                                        20s);
  if (r.exit_status != 0 && error) *error = r.output;
  return r.exit_status == 0;
}

uint16_t SdpMediaPort(const std::string& sdp, const std::string& media) {
  std::smatch m;
  if (!std::regex_search(sdp, m, std::regex("m=" + media + " (\\d+) "))) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

Colours WaitForColours(BaresipPeer& phone, const std::filesystem::path& dir, int width, int height,
                       const std::function<bool(const Colours&)>& done, std::chrono::milliseconds timeout) {
  Colours seen;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
    const auto png = dir / ("received" + std::to_string(i) + ".png");
    if (!phone.SnapshotReceived(png, 2s)) continue;
    seen = CountColours(DecodePngToI420(png, dir / "snapshot.yuv", width, height), width, height);
    if (done(seen)) break;
  }
  return seen;
}

}  // namespace tessera::signaling::sip::testing

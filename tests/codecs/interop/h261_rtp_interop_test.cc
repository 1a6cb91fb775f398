// H.261 over RTP (RFC 4587) against ffmpeg's own RTP code, both ways, over real UDP on
// loopback: ffmpeg's RTP demuxer reads what our packetizer sends (with packets small enough
// to split GOBs between macroblocks) and decodes the same pictures as from the raw stream;
// our depacketizer rebuilds exactly the stream ffmpeg's encoder wrote from what ffmpeg's
// RTP muxer sent.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tessera/codecs/payload/h261_payload.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs_testing/synthetic_video.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::codecs {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

class UdpSocket {
 public:
  UdpSocket() : fd_(socket(AF_INET, SOCK_DGRAM, 0)) {}
  ~UdpSocket() {
    if (fd_ >= 0) close(fd_);
  }
  bool Bind(uint16_t port) {
    sockaddr_in a = Address(port);
    return bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  }
  void SendTo(uint16_t port, const Bytes& data) {
    sockaddr_in a = Address(port);
    (void)sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  }
  // One datagram, or nothing within `timeout`.
  std::optional<Bytes> Receive(std::chrono::milliseconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    Bytes buffer(2048);
    const ssize_t n = recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0) return std::nullopt;
    buffer.resize(static_cast<size_t>(n));
    return buffer;
  }
  void SetReceiveBuffer(int bytes) { setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)); }

 private:
  static sockaddr_in Address(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
  }
  int fd_;
};

uint16_t EvenFreePort() {
  for (int i = 0; i < 20; ++i) {
    const uint16_t p = tessera::testing::FreeUdpPort();
    if (p % 2 == 0 && p < 65534) return p;
  }
  return 47000;
}

// The per-frame MD5s of a framemd5 file, in order.
std::vector<std::string> FrameHashes(const std::string& text) {
  std::vector<std::string> hashes;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    hashes.push_back(line.substr(line.find_last_of(' ') + 1));
  }
  return hashes;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<Bytes> EncodePictures(int frames) {
  VideoEncoderConfig config{.codec = CodecId::kH261, .width = 352, .height = 288};
  config.bitrate_bps = 500'000;
  config.keyframe_interval = 10;
  auto encoder = CreateVideoEncoder(config);
  EXPECT_TRUE(encoder);
  if (!encoder) return {};
  const codecs_testing::SyntheticVideo video(352, 288);
  I420Buffer picture(352, 288);
  std::vector<Bytes> out;
  for (int i = 0; i < frames; ++i) {
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(i * 6000));
    if (au && !au->data.empty()) out.emplace_back(au->data.begin(), au->data.end());
  }
  return out;
}

TEST(H261RtpInterop, FfmpegDecodesOurRtpToTheSamePicturesAsTheRawStream) {
  constexpr int kFrames = 30;
  const auto pictures = EncodePictures(kFrames);
  ASSERT_EQ(pictures.size(), static_cast<size_t>(kFrames));
  tessera::testing::TempDir dir;
  {
    std::ofstream raw(dir.path() / "stream.h261", std::ios::binary);
    for (const auto& p : pictures)
      raw.write(reinterpret_cast<const char*>(p.data()), static_cast<std::streamsize>(p.size()));
  }
  const auto reference = tessera::testing::RunProgram(
      {"ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "h261", "-i", (dir.path() / "stream.h261").string(), "-f",
       "framemd5", (dir.path() / "reference.md5").string()},
      20s);
  ASSERT_EQ(reference.exit_status, 0) << reference.output;
  const auto expected = FrameHashes(ReadFile(dir.path() / "reference.md5"));
  ASSERT_EQ(expected.size(), static_cast<size_t>(kFrames));

  const uint16_t port = EvenFreePort();
  {
    std::ofstream sdp(dir.path() / "in.sdp");
    sdp << "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=tessera\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        << "m=video " << port << " RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\n";
  }
  auto ffmpeg = tessera::testing::Subprocess::Start(
      {"ffmpeg", "-hide_banner", "-loglevel", "warning", "-protocol_whitelist", "file,udp,rtp", "-i",
       (dir.path() / "in.sdp").string(), "-frames:v", std::to_string(kFrames), "-f", "framemd5",
       (dir.path() / "rtp.md5").string()});
  ASSERT_NE(ffmpeg, nullptr);
  // ffmpeg is ready once it holds the port (a bind of ours then fails).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (UdpSocket().Bind(port)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "ffmpeg never bound port " << port;
    std::this_thread::sleep_for(20ms);  // polling for the bind, against a deadline
  }

  // Payloads of at most 300 bytes: CIF GOBs are split between macroblocks.
  codecs::payload::H261Packetizer packetizer({.max_payload_size = 300});
  codecs::payload::PayloadArena arena(1024, 300);
  UdpSocket sender;
  uint16_t seq = 1000;
  auto send_picture = [&](const Bytes& picture, uint32_t ts) {
    arena.Clear();
    if (!packetizer.Packetize(picture, arena)) return false;
    for (size_t i = 0; i < arena.size(); ++i) {
      Bytes packet = {0x80,
                      static_cast<uint8_t>((arena.marker(i) ? 0x80 : 0) | 31),
                      static_cast<uint8_t>(seq >> 8),
                      static_cast<uint8_t>(seq),
                      static_cast<uint8_t>(ts >> 24),
                      static_cast<uint8_t>(ts >> 16),
                      static_cast<uint8_t>(ts >> 8),
                      static_cast<uint8_t>(ts),
                      0x12,
                      0x34,
                      0x56,
                      0x78};
      packet.insert(packet.end(), arena.payload(i).begin(), arena.payload(i).end());
      sender.SendTo(port, packet);
      ++seq;
      std::this_thread::sleep_for(500us);  // a paced sender: loopback buffers stay small
    }
    return true;
  };
  for (size_t f = 0; f < pictures.size(); ++f)
    ASSERT_TRUE(send_picture(pictures[f], static_cast<uint32_t>(f * 6000)));
  EXPECT_GT(packetizer.stats().gobs_split, 0u);
  // The demuxer may hold the last frame until more arrives: a few more pictures (later
  // timestamps) push it out if needed.
  auto exited = ffmpeg->WaitForExit(3s);
  for (int extra = 0; !exited && extra < 10; ++extra) {
    ASSERT_TRUE(send_picture(pictures[0], static_cast<uint32_t>((kFrames + extra) * 6000)));
    exited = ffmpeg->WaitForExit(500ms);
  }
  if (!exited) {
    ffmpeg->Signal(SIGINT);
    exited = ffmpeg->WaitForExit(5s);
  }
  ASSERT_TRUE(exited) << ffmpeg->output();
  // The decoder's only allowed remark: H.261 has no picture types, so libavcodec warns
  // "first frame is no keyframe" on any stream (the raw file too).
  std::istringstream lines(ffmpeg->output());
  for (std::string line; std::getline(lines, line);)
    if (line.find("[h261") != std::string::npos && line.find("first frame is no keyframe") == std::string::npos)
      ADD_FAILURE() << "decoder complaint: " << line;
  const auto got = FrameHashes(ReadFile(dir.path() / "rtp.md5"));
  ASSERT_GE(got.size(), static_cast<size_t>(kFrames) - 1) << ffmpeg->output();
  for (size_t i = 0; i + 1 < static_cast<size_t>(kFrames); ++i)
    EXPECT_EQ(got[i], expected[i]) << "picture " << i;
}

TEST(H261RtpInterop, OurDepacketizerRebuildsExactlyWhatFfmpegsEncoderWrote) {
  tessera::testing::TempDir dir;
  const std::vector<std::string> source = {"-f",        "lavfi", "-i",   "testsrc2=size=352x288:rate=15",
                                           "-frames:v", "20",    "-c:v", "h261",
                                           "-b:v",      "400k",  "-g",   "10"};
  std::vector<std::string> raw = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y"};
  raw.insert(raw.end(), source.begin(), source.end());
  raw.insert(raw.end(), {"-f", "h261", (dir.path() / "stream.h261").string()});
  const auto written = tessera::testing::RunProgram(raw, 20s);
  ASSERT_EQ(written.exit_status, 0) << written.output;
  const std::string expected = ReadFile(dir.path() / "stream.h261");
  ASSERT_GT(expected.size(), 1000u);

  UdpSocket receiver;
  const uint16_t port = EvenFreePort();
  ASSERT_TRUE(receiver.Bind(port));
  receiver.SetReceiveBuffer(4 << 20);
  UdpSocket rtcp;  // so ffmpeg's sender reports are not refused
  (void)rtcp.Bind(static_cast<uint16_t>(port + 1));
  std::vector<std::string> rtp = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-re"};
  rtp.insert(rtp.end(), source.begin(), source.end());
  // 300-byte packets: ffmpeg cuts pictures at byte boundaries (SBIT = EBIT = 0). Its RTP
  // muxer calls H.261 experimental (it does not split at GOB or macroblock boundaries).
  rtp.insert(rtp.end(),
             {"-strict", "experimental", "-f", "rtp", "rtp://127.0.0.1:" + std::to_string(port) + "?pkt_size=300"});
  auto ffmpeg = tessera::testing::Subprocess::Start(rtp);
  ASSERT_NE(ffmpeg, nullptr);

  std::string rebuilt;
  std::vector<Bytes> frame;
  int pictures = 0;
  std::optional<uint16_t> last_seq;
  int gaps = 0;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto packet = receiver.Receive(ffmpeg->running() ? 2000ms : 300ms);
    if (!packet) {
      if (!ffmpeg->running()) break;
      continue;
    }
    ASSERT_GE(packet->size(), 12u);
    ASSERT_EQ((*packet)[1] & 0x7F, 31) << "static payload type 31";
    const uint16_t seq = static_cast<uint16_t>(((*packet)[2] << 8) | (*packet)[3]);
    if (last_seq && seq != static_cast<uint16_t>(*last_seq + 1)) ++gaps;
    last_seq = seq;
    frame.emplace_back(packet->begin() + 12, packet->end());
    if (((*packet)[1] & 0x80) == 0) continue;
    std::vector<std::span<const uint8_t>> views(frame.begin(), frame.end());
    Bytes out(1 << 20);
    auto r = codecs::payload::DepacketizeH261(views, out);
    ASSERT_TRUE(r) << codecs::payload::DepacketizeErrorName(r.error());
    EXPECT_EQ(r->width, 352);
    rebuilt.append(reinterpret_cast<const char*>(out.data()), r->size);
    ++pictures;
    frame.clear();
  }
  EXPECT_EQ(ffmpeg->WaitForExit(5s), 0) << ffmpeg->output();
  EXPECT_EQ(gaps, 0);
  EXPECT_EQ(pictures, 20);
  EXPECT_EQ(rebuilt.size(), expected.size());
  EXPECT_TRUE(rebuilt == expected) << "the rebuilt stream differs from ffmpeg's raw H.261";
}

}  // namespace
}  // namespace tessera::codecs

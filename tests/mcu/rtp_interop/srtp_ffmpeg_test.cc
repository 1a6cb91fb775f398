// Tessera's outbound SRTP, decrypted by an independent implementation: ffmpeg (its own
// libavformat/srtp.c, not libsrtp) receives a PCMU tone protected by SrtpSession, from an
// SDP with the a=crypto line FormatCryptoAttribute wrote, and must decode the tone.
// (The other direction, ffmpeg -> Tessera, is covered by the golden SRTP captures.)

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "tessera/mcu/rtp/crypto_attribute.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/srtp_session.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::mcu::rtp {
namespace {

using namespace std::chrono_literals;

// G.711 µ-law (ITU-T G.711), for the test tone.
uint8_t MuLaw(int16_t sample) {
  constexpr int kBias = 0x84, kClip = 32635;
  int s = sample;
  const uint8_t sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > kClip) s = kClip;
  s += kBias;
  int exponent = 7;
  for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1)
    --exponent;
  const int mantissa = (s >> (exponent + 3)) & 0x0F;
  return static_cast<uint8_t>(~(sign | (exponent << 4) | mantissa));
}

// The frequency of a mono 16-bit WAV's samples from zero crossings, and its RMS level.
struct ToneCheck {
  double frequency = 0;
  double rms = 0;
  size_t samples = 0;
};
ToneCheck AnalyseWav(const std::string& path, int rate) {
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
  ToneCheck t;
  // Find the "data" chunk.
  size_t data = 12;
  while (data + 8 <= bytes.size() && std::string(bytes.begin() + data, bytes.begin() + data + 4) != "data") {
    data += 8 + (bytes[data + 4] | bytes[data + 5] << 8 | bytes[data + 6] << 16 | bytes[data + 7] << 24);
  }
  if (data + 8 > bytes.size()) return t;
  std::vector<int16_t> s;
  for (size_t i = data + 8; i + 1 < bytes.size(); i += 2)
    s.push_back(static_cast<int16_t>(bytes[i] | bytes[i + 1] << 8));
  t.samples = s.size();
  int crossings = 0;
  double energy = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    crossings += (s[i - 1] < 0) != (s[i] < 0);
    energy += double(s[i]) * s[i];
  }
  if (s.size() > 1) {
    t.frequency = crossings / 2.0 / (double(s.size()) / rate);
    t.rms = std::sqrt(energy / double(s.size()));
  }
  return t;
}

TEST(SrtpInterop, FfmpegDecryptsAToneTesseraProtected) {
  tessera::testing::TempDir dir;
  auto attribute = GenerateCryptoAttribute(1, SrtpSuite::kAesCm128HmacSha1_80);
  ASSERT_TRUE(attribute);
  const uint16_t port = static_cast<uint16_t>(tessera::testing::FreeUdpPort() & ~1u);
  const auto sdp = dir.WriteFile("rx.sdp",
                                 "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=Tessera\nc=IN IP4 127.0.0.1\nt=0 0\n"
                                 "m=audio " +
                                     std::to_string(port) +
                                     " RTP/SAVP 0\na=rtpmap:0 PCMU/8000\n"
                                     "a=crypto:" +
                                     FormatCryptoAttribute(*attribute) + "\n");
  const auto wav = (dir.path() / "received.wav").string();
  auto ffmpeg =
      tessera::testing::Subprocess::Start({"ffmpeg", "-hide_banner", "-nostdin", "-protocol_whitelist",
                                           "file,udp,rtp,srtp,crypto", "-i", sdp.string(), "-t", "1", "-y", wav});
  ASSERT_TRUE(ffmpeg) << "ffmpeg is needed (apt-get install ffmpeg)";

  auto session = SrtpSession::Create(SrtpSession::Direction::kOutbound, attribute->ToKeyMaterial());
  ASSERT_TRUE(session) << session.error();
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  // 1 kHz at 8 kHz, 20 ms per packet, paced in real time until ffmpeg has its second.
  std::vector<uint8_t> packet(12 + 160 + SrtpSession::kMaxTrailer);
  const auto start = std::chrono::steady_clock::now();
  for (int n = 0; n < 200 && ffmpeg->running(); ++n) {
    WriteRtpHeader(RtpHeader{.payload_type = 0,
                             .marker = n == 0,
                             .sequence_number = static_cast<uint16_t>(n),
                             .timestamp = 160u * n,
                             .ssrc = 0x7E55E4A1},
                   packet);
    for (int i = 0; i < 160; ++i) {
      const double t = (160.0 * n + i) / 8000.0;
      packet[12 + i] = MuLaw(static_cast<int16_t>(8000 * std::sin(2 * M_PI * 1000 * t)));
    }
    auto size = (*session)->ProtectRtp(packet, 12 + 160);
    ASSERT_TRUE(size);
    sendto(fd, packet.data(), *size, 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    std::this_thread::sleep_until(start + (n + 1) * 20ms);  // the pace of a real sender
  }
  close(fd);
  const auto status = ffmpeg->WaitForExit(10s);
  ASSERT_EQ(status, 0) << ffmpeg->output();
  const ToneCheck tone = AnalyseWav(wav, 8000);
  EXPECT_GE(tone.samples, 7000u) << ffmpeg->output();
  EXPECT_NEAR(tone.frequency, 1000, 30);
  EXPECT_GT(tone.rms, 2000);  // decrypted audio, not noise or silence
}

}  // namespace
}  // namespace tessera::mcu::rtp

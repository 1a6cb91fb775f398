// linphonec calls a room of the real tessera binary: Opus and H.264 (linphone offers
// packetization mode 0, profile 42801f, from OpenH264), sending a blue still image and an
// 880 Hz tone. The room holds an ffmpeg feed (red picture, 440 Hz Opus) added through the
// HTTP endpoints API. linphonec must show the red tile and hear 440 Hz but not itself.
//
// linphonec is driven through a FIFO on its stdin (held open read-write here, so it never
// sees EOF), in its own HOME (it needs ~/.local/share/linphone to start its core).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <thread>

#include "conference_harness.h"
#include "tessera/testing/api_token.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;
using mcu::conference::testing::FreeEvenPort;
using mcu::conference::testing::ReadWav;
using mcu::conference::testing::StartSender;
using mcu::conference::testing::TonePower;
using tessera::testing::RunProgram;
using tessera::testing::Subprocess;

bool Installed(const char* program) {
  return RunProgram({"sh", "-c", std::string("command -v ") + program}, 10s).exit_status == 0;
}

uint16_t AnswerPort(const std::string& sdp, const std::string& media) {
  std::smatch m;
  if (!std::regex_search(sdp, m, std::regex("m=" + media + " (\\d+) "))) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

TEST(LinphoneDialIn, LinphonecWithOpusAndH264SeesTheRoomAndHearsItWithoutItself) {
  if (!Installed("linphonec")) GTEST_SKIP() << "linphonec is not installed (apt-get install linphone-cli)";
  tessera::testing::TempDir temp;
  const uint16_t http_port = tessera::testing::FreeTcpPort();
  const uint16_t sip_port = tessera::testing::FreeUdpPort();
  const uint16_t rtp_min = static_cast<uint16_t>(30000 + (sip_port % 200) * 100);
  const auto config = temp.WriteFile(
      "tessera.toml", "[server]\nworker_threads = 1\n[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port) +
                          "\"\n[sip]\nudp = \"127.0.0.1:" + std::to_string(sip_port) +
                          "\"\ntcp = \"\"\n[rtp]\naddress = \"127.0.0.1\"\nport_min = " + std::to_string(rtp_min) +
                          "\nport_max = " + std::to_string(rtp_min + 99) +
                          "\n[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 15\nbitrate_kbps = 600\n"
                          "[[rooms]]\nid = \"r1\"\n" +
                          tessera::testing::TestApiTokensToml());
  auto server = Subprocess::Start({tessera::testing::TesseraBinary().string(), "--config", config.string()});
  ASSERT_TRUE(server);
  ASSERT_TRUE(server->WaitForOutput("started with", 20s)) << server->output();

  // The red feed.
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=ffmpeg\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video " +
      std::to_string(FreeEvenPort()) +
      " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\n"
      "a=sendonly\r\nm=audio " +
      std::to_string(FreeEvenPort()) + " RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=sendonly\r\n";
  tessera::testing::HttpRequestSpec request{"POST", "/api/v1/rooms/r1/endpoints", {}, offer};
  request.headers["Content-Type"] = "application/sdp";
  tessera::testing::WithTestToken(request);
  auto added = tessera::testing::HttpRequest("127.0.0.1", http_port, request, 10s);
  ASSERT_TRUE(added && added->status == 201) << (added ? added->body : "no answer");
  auto red = StartSender({"Red", "0xFF0000", 440, codecs::CodecId::kOpus}, AnswerPort(added->body, "video"),
                         AnswerPort(added->body, "audio"), 40);
  ASSERT_TRUE(red) << "ffmpeg is needed";

  // What linphonec sends: 880 Hz and a blue still image.
  const auto tone = temp.path() / "tone880.wav";
  const auto still = temp.path() / "blue.jpg";
  ASSERT_EQ(RunProgram({"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        "sine=frequency=880:sample_rate=48000:duration=40", "-ac", "1", tone.string()},
                       30s)
                .exit_status,
            0);
  ASSERT_EQ(RunProgram({"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=blue:s=640x480", "-frames:v", "1",
                        still.string()},
                       30s)
                .exit_status,
            0);

  const auto home = temp.path() / "home";
  std::filesystem::create_directories(home / ".local/share/linphone");
  std::filesystem::create_directories(temp.path() / "xdg");
  std::filesystem::permissions(temp.path() / "xdg", std::filesystem::perms::owner_all);
  const uint16_t own_sip = tessera::testing::FreeUdpPort();
  const uint16_t audio_rtp = FreeEvenPort(), video_rtp = FreeEvenPort();
  std::ofstream(home / "linphonerc") << "[sip]\nsip_port=" << own_sip
                                     << "\nsip_tcp_port=0\nsip_tls_port=0\ndefault_proxy=-1\nuse_ipv6=0\n"
                                        "bind_address=127.0.0.1\ncontact=sip:lin1@127.0.0.1\nguess_hostname=0\n"
                                        "register_only_when_network_is_up=0\n[rtp]\nbind_address=127.0.0.1\n"
                                        "audio_rtp_port="
                                     << audio_rtp << "\nvideo_rtp_port=" << video_rtp
                                     << "\n[sound]\nechocancellation=0\n[video]\nautomatically_initiate=1\n"
                                        "automatically_accept=1\nshow_local=0\ndisplaytype=MSExtDisplay\nsize=vga\n";
  const auto fifo = temp.path() / "linphonec.in";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const int commands = open(fifo.c_str(), O_RDWR);  // read-write: never blocks, never EOF
  ASSERT_GE(commands, 0);
  auto phone = Subprocess::Start(
      {"sh", "-c",
       "exec linphonec -c '" + (home / "linphonerc").string() + "' -V -d 5 -l '" +
           (temp.path() / "debug.log").string() + "' < '" + fifo.string() + "'"},
      {.environment = {{"HOME", home.string()}, {"XDG_RUNTIME_DIR", (temp.path() / "xdg").string()}}});
  ASSERT_TRUE(phone);
  auto send = [&](const std::string& line) {
    const std::string text = line + "\n";
    ASSERT_EQ(write(commands, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  };
  ASSERT_TRUE(phone->WaitForOutput("linphonec>", 15s)) << phone->output();
  const auto received = temp.path() / "received.wav";
  send("soundcard use files");
  send("play " + tone.string());
  send("record " + received.string());
  send("staticpic set " + still.string());
  send("staticpic fps 15");
  // Opus only for audio (index 0 in linphone-cli 5.1), H.264 only for video (VP8 is 0).
  send("codec list");
  ASSERT_TRUE(phone->WaitForOutput("0: opus (48000)", 10s)) << phone->output();
  for (int i = 1; i <= 18; ++i)
    send("codec disable " + std::to_string(i));
  send("vcodec list");
  ASSERT_TRUE(phone->WaitForOutput("0: VP8 (90000)", 10s)) << phone->output();
  send("vcodec disable 0");
  send("call sip:r1@127.0.0.1:" + std::to_string(sip_port));
  ASSERT_TRUE(phone->WaitForOutput("connected.", 15s)) << phone->output() << server->output();
  EXPECT_TRUE(server->WaitForOutput("joined room r1 as p2", 5s)) << server->output();

  // The decoded room: poll snapshots (bounded) until the red tile shows.
  int red_points = 0, blue_points = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  for (int i = 0; std::chrono::steady_clock::now() < deadline && red_points == 0; ++i) {
    const auto jpg = temp.path() / ("snapshot" + std::to_string(i) + ".jpg");
    send("snapshot " + jpg.string());
    const auto until = std::chrono::steady_clock::now() + 2s;
    while (!std::filesystem::exists(jpg) && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(50ms);  // polling a condition with a deadline
    auto rgb = RunProgram(
        {"sh", "-c",
         "ffmpeg -v error -i '" + jpg.string() + "' -vf scale=32:18 -f rawvideo -pix_fmt rgb24 - | od -An -v -tu1"},
        20s);
    if (rgb.exit_status != 0) continue;
    std::istringstream in(rgb.output);
    int r, g, b;
    red_points = blue_points = 0;
    while (in >> r >> g >> b) {
      red_points += r > 180 && g < 80 && b < 80;
      blue_points += b > 180 && r < 80 && g < 80;
    }
  }
  RecordProperty("grid_points_red_blue", std::to_string(red_points) + "/" + std::to_string(blue_points));
  EXPECT_GT(red_points, 40) << "the red feed's tile";
  EXPECT_GT(blue_points, 20) << "its own (blue) tile";

  // Five seconds of the mix recorded (linphonec writes 48 kHz mono 16-bit as it plays).
  const auto recorded = std::chrono::steady_clock::now() + 20s;
  for (std::error_code ec; std::chrono::steady_clock::now() < recorded;) {
    if (std::filesystem::exists(received, ec) && std::filesystem::file_size(received, ec) > 48000u * 2 * 5) break;
    std::this_thread::sleep_for(100ms);  // polling a condition with a deadline
  }
  send("terminate");
  EXPECT_TRUE(server->WaitForOutput("left room r1 (remote hangup", 10s)) << server->output();
  send("quit");
  EXPECT_TRUE(phone->WaitForExit(15s).has_value()) << phone->output();
  close(commands);

  auto heard = ReadWav(received);
  ASSERT_GT(heard.size(), 48000u * 4) << "linphonec recorded under 4 s";
  heard.erase(heard.begin(), heard.begin() + 48000);
  RecordProperty("heard_440_880",
                 std::to_string(TonePower(heard, 48000, 440)) + "/" + std::to_string(TonePower(heard, 48000, 880)));
  EXPECT_GT(TonePower(heard, 48000, 440), 0.3);
  EXPECT_LT(TonePower(heard, 48000, 880), 0.01) << "a talker must not hear itself";
  // Tessera's answer as linphone read it: H.264 in mode 0 (linphone offers no
  // packetization-mode), its profile echoed; and it decoded what came.
  std::ifstream debug(temp.path() / "debug.log");
  const std::string log((std::istreambuf_iterator<char>(debug)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("Found payload H264/90000 fmtp=profile-level-id=42801f;packetization-mode=0"), std::string::npos);
  EXPECT_NE(log.find("Found payload opus/48000"), std::string::npos);
  EXPECT_NE(log.find("First video frame decoded successfully"), std::string::npos);

  server->Signal(SIGTERM);
  EXPECT_EQ(server->WaitForExit(20s), 0) << server->output();
}

}  // namespace
}  // namespace tessera::signaling::sip

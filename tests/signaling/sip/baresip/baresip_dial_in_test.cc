// baresip calls a room of the real tessera binary over SIP. The room also holds plain-RTP
// endpoints fed by ffmpeg (a red picture with a 440 Hz tone over Opus, a green one with
// 660 Hz over PCMU, both added through the HTTP endpoints API). baresip sends a blue picture
// and an 880 Hz tone; what it receives must be the composed layout (red and green tiles) and
// the mix without its own voice (440 and 660 Hz, no 880 Hz). The same room also dials out to
// an auto-answering baresip.
#include <signal.h>

#include <gtest/gtest.h>

#include <regex>

#include "baresip_peer.h"
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
using mcu::conference::testing::ReadI420Frame;
using mcu::conference::testing::ReadWav;
using mcu::conference::testing::SenderSpec;
using mcu::conference::testing::StartRecorder;
using mcu::conference::testing::StartSender;
using mcu::conference::testing::MeanTonePower;
using mcu::conference::testing::TonePower;
using tessera::testing::Subprocess;
using testing::BaresipOptions;
using testing::BaresipPeer;

constexpr int kWidth = 640;
constexpr int kHeight = 360;

struct Variant {
  const char* name;
  const char* audio_codecs;  // baresip's account parameter
  const char* video_codecs;  // "" = both H.264 modes offered (mode 0 first), "H264" = mode 0 only
  const char* answer_fmtp;   // what tessera's answer must hold for H.264
};

std::string EndpointOffer(uint16_t video_port, uint16_t audio_port, const std::string& audio) {
  const std::string audio_line =
      audio == "PCMU" ? " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" : " RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n";
  return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=ffmpeg\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video " +
         std::to_string(video_port) +
         " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\n"
         "a=sendonly\r\nm=audio " +
         std::to_string(audio_port) + audio_line + "a=sendonly\r\n";
}

uint16_t AnswerPort(const std::string& sdp, const std::string& media) {
  std::smatch m;
  if (!std::regex_search(sdp, m, std::regex("m=" + media + " (\\d+) "))) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

// Counts grid points of a picture that are red, green and blue (BT.601 limited range).
struct Colours {
  int red = 0, green = 0, blue = 0;
};
Colours CountColours(const std::vector<uint8_t>& i420) {
  Colours c;
  if (i420.empty()) return c;
  for (int gy = 0; gy < 18; ++gy) {
    for (int gx = 0; gx < 32; ++gx) {
      const int x = gx * kWidth / 32 + 10, y = gy * kHeight / 18 + 10;
      const int luma = i420[static_cast<size_t>(y * kWidth + x)];
      const size_t chroma = static_cast<size_t>((y / 2) * (kWidth / 2) + x / 2);
      const int u = i420[kWidth * kHeight + chroma];
      const int v = i420[kWidth * kHeight + kWidth * kHeight / 4 + chroma];
      c.red += std::abs(luma - 81) < 25 && v > 200;    // red: Y 81, V 240
      c.green += std::abs(luma - 145) < 25 && v < 60;  // green: Y 145, V 34
      c.blue += std::abs(luma - 41) < 25 && u > 200;   // blue: Y 41, U 240
    }
  }
  return c;
}

class BaresipWithTessera : public ::testing::Test {
 protected:
  void SetUp() override {
    // baresip's own voice: 880 Hz, 48 kHz mono S16 (aufile needs exactly its configured format).
    tone_ = temp_.path() / "tone880.wav";
    auto made = tessera::testing::RunProgram(
        {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "sine=frequency=880:sample_rate=48000:duration=40", "-ac", "1", "-c:a", "pcm_s16le", tone_.string()},
        30s);
    ASSERT_EQ(made.exit_status, 0) << made.output;
  }
  // Starts tessera with room r1 (alias "test"); `room_extra` goes into the room's table.
  void StartTessera(const std::string& room_extra = {}) {
    for (int attempt = 0; attempt < 3 && !server_; ++attempt) {
      http_port_ = tessera::testing::FreeTcpPort();
      sip_port_ = tessera::testing::FreeUdpPort();
      const uint16_t rtp_min = static_cast<uint16_t>(30000 + (sip_port_ % 200) * 100);
      const auto config = temp_.WriteFile(
          "tessera.toml", "[server]\nworker_threads = 2\n[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port_) +
                              "\"\n[sip]\nudp = \"127.0.0.1:" + std::to_string(sip_port_) +
                              "\"\ntcp = \"\"\n[rtp]\naddress = \"127.0.0.1\"\nport_min = " + std::to_string(rtp_min) +
                              "\nport_max = " + std::to_string(rtp_min + 99) +
                              "\n[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 15\nbitrate_kbps = 600\n"
                              "[[rooms]]\nid = \"r1\"\naliases = [\"test\"]\n" +
                              room_extra + tessera::testing::TestApiTokensToml());
      auto p = Subprocess::Start({tessera::testing::TesseraBinary().string(), "--config", config.string()});
      ASSERT_TRUE(p);
      if (p->WaitForOutput("started with", 20s)) server_ = std::move(p);
    }
    ASSERT_TRUE(server_) << "tessera did not start";
  }
  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      EXPECT_EQ(server_->WaitForExit(20s), 0) << server_->output();
    }
  }

  // Adds a send-only ffmpeg endpoint through the HTTP API and starts its ffmpeg.
  std::unique_ptr<Subprocess> AddFeed(const SenderSpec& spec, const std::string& audio) {
    tessera::testing::HttpRequestSpec request{
        "POST", "/api/v1/rooms/r1/endpoints", {}, EndpointOffer(FreeEvenPort(), FreeEvenPort(), audio)};
    request.headers["Content-Type"] = "application/sdp";
    tessera::testing::WithTestToken(request);
    auto r = tessera::testing::HttpRequest("127.0.0.1", http_port_, request, 10s);
    if (!r || r->status != 201) {
      ADD_FAILURE() << "endpoint not added: " << (r ? r->body : "no answer");
      return nullptr;
    }
    return StartSender(spec, AnswerPort(r->body, "video"), AnswerPort(r->body, "audio"), 40);
  }

  // A receive-only ffmpeg endpoint added through the HTTP API, recording the room's mix
  // for `seconds` to recorder.yuv/recorder.wav; null (and a failure) if it could not join.
  std::unique_ptr<Subprocess> AddRecorder(int seconds) {
    const uint16_t video = FreeEvenPort(), audio = FreeEvenPort();
    auto recorder = StartRecorder(temp_.path(), "recorder", video, audio, seconds);
    if (!recorder) return nullptr;
    std::string offer = EndpointOffer(video, audio, "opus");
    for (size_t p; (p = offer.find("a=sendonly")) != std::string::npos;)
      offer.replace(p, 10, "a=recvonly");
    tessera::testing::HttpRequestSpec request{"POST", "/api/v1/rooms/r1/endpoints", {}, offer};
    request.headers["Content-Type"] = "application/sdp";
    tessera::testing::WithTestToken(request);
    auto r = tessera::testing::HttpRequest("127.0.0.1", http_port_, request, 10s);
    if (!r || r->status != 201) {
      ADD_FAILURE() << "recorder not added: " << (r ? r->body : "no answer");
      return nullptr;
    }
    return recorder;
  }

  // Converts a PNG snapshot to I420 at the rung's size; empty if it does not decode (yet).
  std::vector<uint8_t> Decode(const std::filesystem::path& png) {
    const auto yuv = temp_.path() / "snapshot.yuv";
    auto r =
        tessera::testing::RunProgram({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", png.string(), "-vf",
                                      "scale=640:360", "-pix_fmt", "yuv420p", "-f", "rawvideo", yuv.string()},
                                     20s);
    if (r.exit_status != 0) return {};
    return ReadI420Frame(yuv, kWidth, kHeight, 0);
  }

  // The received WAV as 48 kHz mono (baresip writes it at the decoder's rate and channels).
  std::vector<int16_t> ReceivedAudio(const std::filesystem::path& wav) {
    const auto mono = temp_.path() / "received_mono.wav";
    auto r = tessera::testing::RunProgram({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", wav.string(),
                                           "-ac", "1", "-ar", "48000", "-c:a", "pcm_s16le", mono.string()},
                                          20s);
    EXPECT_EQ(r.exit_status, 0) << r.output;
    return ReadWav(mono);
  }

  tessera::testing::TempDir temp_;
  uint16_t http_port_ = 0;
  uint16_t sip_port_ = 0;
  // Polls the phone's decoded pictures (bounded) until one shows every colour wanted.
  Colours WaitForPicture(BaresipPeer& phone, bool want_blue) {
    Colours seen;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
      const auto png = temp_.path() / ("received" + std::to_string(i) + ".png");
      if (!phone.SnapshotReceived(png, 2s)) continue;
      seen = CountColours(Decode(png));
      if (seen.red > 0 && seen.green > 0 && (seen.blue > 0 || !want_blue)) break;
    }
    RecordProperty("grid_points_red_green_blue",
                   std::to_string(seen.red) + "/" + std::to_string(seen.green) + "/" + std::to_string(seen.blue));
    return seen;
  }

  std::filesystem::path tone_;
  std::unique_ptr<Subprocess> server_;
};

class BaresipDialIn : public BaresipWithTessera, public ::testing::WithParamInterface<Variant> {};

TEST_P(BaresipDialIn, ReceivesTheComposedPictureAndTheMixWithoutItsOwnVoice) {
  StartTessera();
  auto red = AddFeed({"Red", "0xFF0000", 440, codecs::CodecId::kOpus}, "opus");
  auto green = AddFeed({"Green", "0x00FF00", 660, codecs::CodecId::kPcmu}, "PCMU");
  ASSERT_TRUE(red && green) << "ffmpeg is needed";

  // A plain-RTP recorder in the same room: it must hear the softphone too.
  auto recorder = AddRecorder(10);
  ASSERT_TRUE(recorder);

  BaresipOptions options;
  options.dir = temp_.path() / "baresip";
  options.audio_wav = tone_;
  options.video_lavfi = "color=c=blue:size=640x360:rate=15";
  options.audio_codecs = GetParam().audio_codecs;
  options.video_codecs = GetParam().video_codecs;
  std::string error;
  auto phone = BaresipPeer::Start(options, &error);
  ASSERT_TRUE(phone) << error;
  ASSERT_TRUE(phone->Command("dial", "sip:test@127.0.0.1:" + std::to_string(sip_port_))) << phone->last_reply() << "\n"
                                                                                         << phone->log();
  ASSERT_TRUE(phone->WaitForEvent("CALL_ESTABLISHED", 15s)) << phone->log() << server_->output();

  // The composed picture reaches the phone, with both feeds' tiles and its own.
  const Colours seen = WaitForPicture(*phone, true);
  EXPECT_GT(seen.red, 20) << "red tile";
  EXPECT_GT(seen.green, 20) << "green tile";
  EXPECT_GT(seen.blue, 20) << "its own (blue) tile: it is shown to everyone";

  ASSERT_EQ(recorder->WaitForExit(40s), 0) << recorder->output();
  ASSERT_TRUE(phone->Command("hangup"));
  EXPECT_TRUE(phone->WaitForEvent("CALL_CLOSED", 10s));
  EXPECT_EQ(phone->Quit(10s), 0);

  // The phone heard the two feeds and not itself.
  const auto wav = phone->ReceivedWav();
  ASSERT_TRUE(wav) << "baresip wrote no received-audio recording:\n" << phone->log();
  auto heard = ReceivedAudio(*wav);
  ASSERT_GT(heard.size(), 48000u * 4) << "under 4 s of received audio";
  heard.erase(heard.begin(), heard.begin() + 48000);  // past the start-up
  RecordProperty("heard_440_660_880", std::to_string(MeanTonePower(heard, 48000, 440)) + "/" +
                                          std::to_string(MeanTonePower(heard, 48000, 660)) + "/" +
                                          std::to_string(MeanTonePower(heard, 48000, 880)));
  EXPECT_GT(MeanTonePower(heard, 48000, 440), 0.05);
  EXPECT_GT(MeanTonePower(heard, 48000, 660), 0.05);
  EXPECT_LT(MeanTonePower(heard, 48000, 880), 0.01) << "a talker must not hear itself";

  // The recorder heard everyone, the phone included.
  auto mix = ReadWav(temp_.path() / "recorder.wav");
  ASSERT_GT(mix.size(), 48000u * 4);
  mix.erase(mix.begin(), mix.begin() + 48000);
  EXPECT_GT(MeanTonePower(mix, 48000, 880), 0.03) << "the recorder must hear the softphone";
  EXPECT_GT(MeanTonePower(mix, 48000, 440), 0.03);

  // The answer took the H.264 mode the test expects (baresip prints the decoder it set up).
  EXPECT_NE(phone->log().find(std::string("Set video decoder: H264 ") + GetParam().answer_fmtp), std::string::npos)
      << phone->log();
}

// [[rooms]] dial_out: tessera calls an auto-answering baresip, which then receives the room.
TEST_F(BaresipWithTessera, DialOutCallsAnAutoAnsweringPhoneIntoTheRoom) {
  BaresipOptions options;
  options.dir = temp_.path() / "baresip";
  options.audio_wav = tone_;
  options.video_lavfi = "color=c=blue:size=640x360:rate=15";
  options.audio_codecs = "opus/48000/2";
  options.auto_answer = true;
  std::string error;
  auto phone = BaresipPeer::Start(options, &error);
  ASSERT_TRUE(phone) << error;
  StartTessera("dial_out = [\"sip:baresip@127.0.0.1:" + std::to_string(phone->sip_port()) + "\"]\n");
  auto red = AddFeed({"Red", "0xFF0000", 440, codecs::CodecId::kOpus}, "opus");
  auto green = AddFeed({"Green", "0x00FF00", 660, codecs::CodecId::kPcmu}, "PCMU");
  ASSERT_TRUE(red && green) << "ffmpeg is needed";
  ASSERT_TRUE(phone->WaitForEvent("CALL_ESTABLISHED", 15s)) << phone->log() << server_->output();
  EXPECT_TRUE(server_->WaitForOutput("answered: p1 joined room r1", 5s)) << server_->output();
  const Colours seen = WaitForPicture(*phone, false);
  EXPECT_GT(seen.red, 20) << "red tile";
  EXPECT_GT(seen.green, 20) << "green tile";
  ASSERT_TRUE(phone->Command("hangup"));
  EXPECT_TRUE(phone->WaitForEvent("CALL_CLOSED", 10s));
  EXPECT_TRUE(server_->WaitForOutput("left room r1 (remote hangup", 5s)) << server_->output();
  EXPECT_EQ(phone->Quit(10s), 0);
}

// A PIN room: until the PIN is keyed, the caller hears only the "enter the PIN" prompt (two
// beeps, 600 and 900 Hz), not the room (a 440 Hz feed), and the room does not hear it (a
// recorder in the room gets no 880 Hz).
TEST_F(BaresipWithTessera, ACallerInThePinLobbyHearsOnlyThePromptAndTheRoomDoesNotHearIt) {
  StartTessera("pin = \"4321\"\n");
  auto red = AddFeed({"Red", "0xFF0000", 440, codecs::CodecId::kOpus}, "opus");
  ASSERT_TRUE(red) << "ffmpeg is needed";
  auto recorder = AddRecorder(8);
  ASSERT_TRUE(recorder);

  BaresipOptions options;
  options.dir = temp_.path() / "baresip";
  options.audio_wav = tone_;
  options.video_lavfi = "color=c=blue:size=640x360:rate=15";
  options.audio_codecs = "opus/48000/2";
  std::string error;
  auto phone = BaresipPeer::Start(options, &error);
  ASSERT_TRUE(phone) << error;
  ASSERT_TRUE(phone->Command("dial", "sip:test@127.0.0.1:" + std::to_string(sip_port_))) << phone->last_reply();
  ASSERT_TRUE(phone->WaitForEvent("CALL_ESTABLISHED", 15s)) << phone->log() << server_->output();
  EXPECT_TRUE(server_->WaitForOutput("in the lobby", 5s)) << server_->output();
  ASSERT_EQ(recorder->WaitForExit(40s), 0) << recorder->output();
  ASSERT_TRUE(phone->Command("hangup"));
  EXPECT_TRUE(phone->WaitForEvent("CALL_CLOSED", 10s));
  EXPECT_EQ(phone->Quit(10s), 0);
  EXPECT_EQ(server_->output().find("admitted"), std::string::npos);

  const auto wav = phone->ReceivedWav();
  ASSERT_TRUE(wav) << "baresip wrote no received-audio recording:\n" << phone->log();
  auto heard = ReceivedAudio(*wav);
  ASSERT_GT(heard.size(), 48000u * 4) << "under 4 s of received audio";
  heard.erase(heard.begin(), heard.begin() + 48000);
  RecordProperty("heard_600_900_440", std::to_string(TonePower(heard, 48000, 600)) + "/" +
                                          std::to_string(TonePower(heard, 48000, 900)) + "/" +
                                          std::to_string(TonePower(heard, 48000, 440)));
  // The beeps sound 300 ms of every 2.8 s, so over the whole recording each holds a few
  // percent of the power (silence between them has next to none); the room's tone, if it
  // leaked, would hold far more than they do.
  const double beep600 = TonePower(heard, 48000, 600), beep900 = TonePower(heard, 48000, 900);
  const double room440 = TonePower(heard, 48000, 440);
  EXPECT_GT(beep600, 0.01) << "the prompt's first beep";
  EXPECT_GT(beep900, 0.01) << "the prompt's second beep";
  EXPECT_LT(room440, beep600 / 10) << "the lobby must not hear the room";

  auto mix = ReadWav(temp_.path() / "recorder.wav");
  ASSERT_GT(mix.size(), 48000u * 4);
  mix.erase(mix.begin(), mix.begin() + 48000);
  EXPECT_GT(TonePower(mix, 48000, 440), 0.03) << "the room hears its feed";
  EXPECT_LT(TonePower(mix, 48000, 880), 0.01) << "the room must not hear the lobby";
}

INSTANTIATE_TEST_SUITE_P(Codecs, BaresipDialIn,
                         ::testing::Values(Variant{"OpusH264BothModesOfferedAnswerMode1", "opus/48000/2", "",
                                                   "packetization-mode=1"},
                                           Variant{"OpusH264Mode0Only", "opus/48000/2", "H264", "packetization-mode=0"},
                                           Variant{"G722", "G722/16000/1", "", "packetization-mode=1"},
                                           Variant{"Pcmu", "PCMU", "", "packetization-mode=1"}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace tessera::signaling::sip

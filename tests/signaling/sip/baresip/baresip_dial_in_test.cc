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
#include "softphone_fixture.h"
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
using mcu::conference::testing::MeanTonePower;
using mcu::conference::testing::ReadWav;
using mcu::conference::testing::SenderSpec;
using mcu::conference::testing::StartRecorder;
using mcu::conference::testing::StartSender;
using mcu::conference::testing::TonePower;
using tessera::testing::Subprocess;
using testing::BaresipOptions;
using testing::BaresipPeer;
using testing::Colours;
using testing::SdpMediaPort;
using testing::WaitForColours;
using testing::WriteToneWav;

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

class BaresipWithTessera : public testing::SoftphoneFixture {
 protected:
  // Starts tessera with room r1 (alias "test"); `room_extra` goes into the room's table.
  void StartTessera(const std::string& room_extra = {}) {
    SoftphoneFixture::StartTessera("[[rooms]]\nid = \"r1\"\naliases = [\"test\"]\n" + room_extra);
  }

  // Adds a send-only ffmpeg endpoint through the HTTP API and starts its ffmpeg.
  std::unique_ptr<Subprocess> AddFeed(const SenderSpec& spec, const std::string& audio) {
    auto answer = AddEndpoint("r1", EndpointOffer(FreeEvenPort(), FreeEvenPort(), audio));
    if (!answer) return nullptr;
    return StartSender(spec, SdpMediaPort(*answer, "video"), SdpMediaPort(*answer, "audio"), 40);
  }

  // A receive-only ffmpeg endpoint added through the HTTP API, recording the room's mix
  // for `seconds` to recorder.yuv/recorder.wav; null (and a failure) if it could not join.
  std::unique_ptr<Subprocess> AddRecorder(int seconds) {
    auto recorder = StartRecorder(temp_.path(), "recorder", seconds);
    if (!recorder) {
      ADD_FAILURE() << "the recorder did not start: " << recorder.error;
      return nullptr;
    }
    std::string offer = EndpointOffer(recorder.video_port, recorder.audio_port, "opus");
    for (size_t p; (p = offer.find("a=sendonly")) != std::string::npos;)
      offer.replace(p, 10, "a=recvonly");
    if (!AddEndpoint("r1", offer)) return nullptr;
    return std::move(recorder.process);
  }

  // Polls the phone's decoded pictures (bounded) until one shows every colour wanted.
  Colours WaitForPicture(BaresipPeer& phone, bool want_blue) {
    const Colours seen = WaitForColours(
        phone, temp_.path(), kWidth, kHeight,
        [&](const Colours& c) { return c.red > 0 && c.green > 0 && (c.blue > 0 || !want_blue); }, 20s);
    RecordProperty("grid_points_red_green_blue",
                   std::to_string(seen.red) + "/" + std::to_string(seen.green) + "/" + std::to_string(seen.blue));
    return seen;
  }
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

  // The phone heard the two feeds and not itself.
  auto heard = HangUpAndTakeAudio(*phone);
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
  auto heard = HangUpAndTakeAudio(*phone);
  EXPECT_EQ(server_->output().find("admitted"), std::string::npos);
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

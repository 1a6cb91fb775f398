// An H.323 participant and a SIP participant in one room of the real tessera binary, each
// receiving the other's media. Room "r1" (alias "test") is called by baresip over SIP (a
// blue picture, an 880 Hz voice); room "r2" holds an ffmpeg feed (a red picture, a 440 Hz
// tone over Opus) and dials r1 over H.323 (h323_dial_out, G.711 and H.264: Tessera's own
// H.323 stack on both sides), so r1's H.323 participant carries r2's red picture and tone.
// baresip must see red and hear 440 Hz (H.323 -> SIP); a recorder in r2 must see blue and
// hear 880 Hz, which only r1's H.323 leg can bring there (SIP -> H.323).
#include <gtest/gtest.h>

#include "baresip_peer.h"
#include "conference_harness.h"
#include "softphone_fixture.h"

namespace tessera::signaling::h323 {
namespace {

using namespace std::chrono_literals;
namespace harness = mcu::conference::testing;  // ffmpeg senders, recorders, WAV and I420 files
namespace softphone = sip::testing;            // baresip and its pictures

constexpr int kWidth = 640;
constexpr int kHeight = 360;

std::string EndpointOffer(uint16_t video_port, uint16_t audio_port, const char* direction) {
  return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=ffmpeg\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video " +
         std::to_string(video_port) +
         " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\na=" +
         direction + "\r\nm=audio " + std::to_string(audio_port) +
         " RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=" + direction + "\r\n";
}

class H323AndSipInOneRoom : public softphone::SoftphoneFixture {
 protected:
  void SetUp() override {
    SoftphoneFixture::SetUp();
    StartTessera(
        "[h323]\nenabled = true\nlisten = \"127.0.0.1:{h323_port}\"\n"
        "[[rooms]]\nid = \"r1\"\naliases = [\"test\"]\n"
        "[[rooms]]\nid = \"r2\"\nh323_dial_out = [\"h323:test@127.0.0.1:{h323_port}\"]\n");
  }
};

TEST_F(H323AndSipInOneRoom, TheH323AndTheSipParticipantReceiveEachOthersPictureAndVoice) {
  // r2 dials r1 over H.323 at start-up.
  ASSERT_TRUE(server_->WaitForOutput("connected (H.245 tunnelled)", 10s)) << server_->output();

  // r2's red feed, then a recorder of r2's mix.
  auto answer = AddEndpoint("r2", EndpointOffer(harness::FreeEvenPort(), harness::FreeEvenPort(), "sendonly"));
  ASSERT_TRUE(answer);
  auto red =
      harness::StartSender({"Red", "0xFF0000", 440, codecs::CodecId::kOpus}, softphone::SdpMediaPort(*answer, "video"),
                           softphone::SdpMediaPort(*answer, "audio"), 40);
  ASSERT_TRUE(red) << "ffmpeg is needed";
  constexpr int kRecordSeconds = 14;
  auto recorder = harness::StartRecorder(temp_.path(), "recorder", kRecordSeconds);
  ASSERT_TRUE(recorder) << recorder.error;
  ASSERT_TRUE(AddEndpoint("r2", EndpointOffer(recorder.video_port, recorder.audio_port, "recvonly")));

  // baresip calls r1.
  softphone::BaresipOptions options;
  options.dir = temp_.path() / "baresip";
  options.audio_wav = tone_;
  options.video_lavfi = "color=c=blue:size=640x360:rate=15";
  options.audio_codecs = "opus/48000/2";
  std::string started;
  auto phone = softphone::BaresipPeer::Start(options, &started);
  ASSERT_TRUE(phone) << started;
  ASSERT_TRUE(phone->Command("dial", "sip:test@127.0.0.1:" + std::to_string(sip_port_))) << phone->last_reply();
  ASSERT_TRUE(phone->WaitForEvent("CALL_ESTABLISHED", 15s)) << phone->log() << server_->output();

  // H.323 -> SIP: the phone's picture shows r2's red feed (r1's H.323 participant).
  const softphone::Colours seen = softphone::WaitForColours(
      *phone, temp_.path(), kWidth, kHeight, [](const softphone::Colours& c) { return c.red > 20; }, 20s);
  RecordProperty("phone_grid_points_red_blue", std::to_string(seen.red) + "/" + std::to_string(seen.blue));
  EXPECT_GT(seen.red, 20) << "the phone does not see the H.323 participant's picture";

  ASSERT_EQ(recorder->WaitForExit(40s), 0) << recorder->output();

  // H.323 -> SIP: the phone heard r2's 440 Hz tone.
  auto heard = HangUpAndTakeAudio(*phone);
  ASSERT_GT(heard.size(), 48000u * 4) << "under 4 s of received audio";
  heard.erase(heard.begin(), heard.begin() + 48000);
  const double phone_440 = harness::MeanTonePower(heard, 48000, 440);
  RecordProperty("phone_heard_440", std::to_string(phone_440));
  EXPECT_GT(phone_440, 0.03) << "the phone does not hear the H.323 participant";

  // SIP -> H.323: r2's recorder saw the phone's blue picture and heard its 880 Hz voice,
  // which reach r2 only through r1's H.323 participant.
  const auto yuv = temp_.path() / "recorder.yuv";
  const int frames = harness::CountI420Frames(yuv, kWidth, kHeight);
  softphone::Colours recorded;
  for (int f = frames - 1; f >= 0 && f >= frames - 60 && recorded.blue <= 10; f -= 5)
    recorded = softphone::CountColours(harness::ReadI420Frame(yuv, kWidth, kHeight, f), kWidth, kHeight);
  RecordProperty("recorder_frames_grid_points_red_blue",
                 std::to_string(frames) + ": " + std::to_string(recorded.red) + "/" + std::to_string(recorded.blue));
  EXPECT_GT(recorded.blue, 10) << "r2 does not see the SIP participant through H.323";
  auto mix = harness::ReadWav(temp_.path() / "recorder.wav");
  ASSERT_GT(mix.size(), 48000u * 6);
  mix.erase(mix.begin(), mix.begin() + 48000 * 4);  // before baresip called
  const double recorded_880 = harness::MeanTonePower(mix, 48000, 880);
  RecordProperty("recorder_heard_880", std::to_string(recorded_880));
  EXPECT_GT(recorded_880, 0.01) << "r2 does not hear the SIP participant through H.323";
}

}  // namespace
}  // namespace tessera::signaling::h323

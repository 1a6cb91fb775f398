// The tessera binary as SIP peers see it: SIPp pings it, dials rooms and sends malformed
// requests; raw sockets send garbage and oversized messages; openssl s_client speaks TLS.
#include <arpa/inet.h>
#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <future>
#include <random>
#include <regex>

#include "sipp.h"
#include "tessera/base/video_frame.h"
#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/testing/api_token.h"
#include "tessera/testing/event_client.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/tone_power.h"
#include "tessera/testing/udp_pcap.h"
#include "test_certificate.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;
using tessera::testing::Subprocess;
using ::testing::HasSubstr;
namespace asio = boost::asio;

class TesseraSip : public ::testing::Test {
 protected:
  // Starts tessera with SIP on free loopback ports; `extra` goes into [sip], `room_extra`
  // into room 1000.
  void StartTessera(const std::string& extra = {}, const std::string& room_extra = {}) {
    for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
      sip_port_ = tessera::testing::FreeUdpPort();
      http_port_ = tessera::testing::FreeTcpPort();
      const std::string config =
          "[server]\nworker_threads = 1\n[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port_) + "\"\n" +
          tessera::testing::TestApiTokensToml() + "[sip]\nudp = \"127.0.0.1:" + std::to_string(sip_port_) +
          "\"\ntcp = \"127.0.0.1:" + std::to_string(sip_port_) + "\"\n" + extra +
          "[[rooms]]\nid = \"1000\"\naliases = [\"demo\"]\n" + room_extra +
          "[[rooms]]\nid = \"2000\"\nlocked = true\n[[rooms]]\nid = \"3000\"\npin = \"1234\"\n"
          // A room already full: its one place is taken by its watch stream.
          "[[rooms]]\nid = \"4000\"\nmax_participants = 1\nwatch = \"127.0.0.1:" +
          std::to_string(tessera::testing::FreeUdpPort()) + "\"\nwatch_sdp = \"" +
          (dir_.path() / "watch.sdp").string() + "\"\n";
      const auto path = dir_.WriteFile("tessera.toml", config);
      auto p = Subprocess::Start({tessera::testing::TesseraBinary().string(), "--config", path.string()});
      ASSERT_NE(p, nullptr);
      if (p->WaitForOutput("SIP listening on TCP port", 10s) && p->WaitForOutput("started with", 10s)) {
        process_ = std::move(p);
      }
    }
    ASSERT_NE(process_, nullptr) << "tessera did not start";
  }
  void TearDown() override {
    if (!process_) return;
    process_->Signal(SIGTERM);
    const auto status = process_->WaitForExit(5s);
    EXPECT_EQ(status, 0) << process_->output();
  }
  testing::SippResult Sipp(const std::filesystem::path& scenario, const std::string& service,
                           std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"127.0.0.1:" + std::to_string(sip_port_),
                                     "-s",
                                     service,
                                     "-i",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(tessera::testing::FreeUdpPort()),
                                     "-mp",
                                     std::to_string(tessera::testing::FreeUdpPort())};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::RunSipp(sipp_dir_, scenario, args);
  }

  tessera::testing::TempDir dir_;
  tessera::testing::TempDir sipp_dir_;
  uint16_t sip_port_ = 0;
  uint16_t http_port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

TEST_F(TesseraSip, OptionsPingsAreAnswered) {
  StartTessera();
  const auto r = Sipp(testing::Scenario("options.xml"), "ping", {"-m", "20", "-r", "50"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
}

struct Refusal {
  const char* name;
  const char* room;
  const char* status;
  const char* reason;  // a regular expression on the whole response
  const char* codec = "PCMU/8000";
  const char* pt = "0";
};

class TesseraDialIn : public TesseraSip, public ::testing::WithParamInterface<Refusal> {};

TEST_P(TesseraDialIn, CallsAreRefusedWithTheRightStatusAndReason) {
  StartTessera();
  const auto scenario = testing::InstantiateScenario(sipp_dir_, "invite_rejected.xml.in",
                                                     {{"STATUS", GetParam().status},
                                                      {"REASON", GetParam().reason},
                                                      {"PT", GetParam().pt},
                                                      {"CODEC", GetParam().codec}});
  const auto r = Sipp(scenario, GetParam().room, {"-m", "1"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
}

INSTANTIATE_TEST_SUITE_P(
    Sipp, TesseraDialIn,
    ::testing::Values(Refusal{"UnknownRoom404", "9999", "404", "404 Room Not Found"},
                      Refusal{"LockedRoom403", "2000", "403", "403 Room Locked"},
                      Refusal{"NoCommonCodec488WithWarning", "1000", "488",
                              "Warning: 399 tessera .no usable media stream: m=audio .#1.: no common audio codec "
                              ".offered: G729/8000.",
                              "G729/8000", "18"},
                      Refusal{"FullRoom503WithRetryAfter", "4000", "503",
                              "Retry-After: 5.*Warning: 399 tessera .the room is full"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// Runs a conference-call scenario against the real engine: the call must be answered 200.
class TesseraConferenceCall : public TesseraSip {
 protected:
  void Run(const std::string& scenario) {
    StartTessera();
    const auto r = Sipp(testing::Scenario(scenario), "demo", {"-m", "1"});
    const std::string messages = testing::ReadFile(sipp_dir_.path() / "messages.log");
    EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
    EXPECT_THAT(messages, HasSubstr("SIP/2.0 200 OK"));
    // RTP binds 0.0.0.0 here; the SDP must still name an address media can go to.
    EXPECT_THAT(messages, ::testing::Not(HasSubstr("c=IN IP4 0.0.0.0")));
    EXPECT_THAT(messages, HasSubstr("o=tessera 1 1 IN IP4 127.0.0.1"));
  }
};

TEST_F(TesseraConferenceCall, RoomSystemCallHoldsResumesAsksForAKeyframeAndHangsUp) {
  Run("uac_conference_call.xml");
}

TEST_F(TesseraConferenceCall, LateOfferIsAnsweredInTheAck) {
  Run("uac_conference_late_offer.xml");
}

// A room system's call with real media: SIPp plays an H.264 RTP capture (a red picture,
// encoded and packetized here) and a 660 Hz PCMU tone into room 1000; the room's watch
// stream, recorded by ffmpeg, must show the red picture and carry the tone.
namespace {

// 6 s of a red 640x360 picture at 15 fps as H.264 RTP (PT 96, mode 1) in a pcap.
bool WriteRedH264Pcap(const std::filesystem::path& path) {
  codecs::VideoEncoderConfig config;
  config.width = 640;
  config.height = 360;
  config.fps = 15;
  config.bitrate_bps = 500'000;
  config.keyframe_interval = 15;
  auto encoder = codecs::CreateVideoEncoder(config);
  if (!encoder) return false;
  I420Buffer red(640, 360);
  I420MutableView v = red.view();
  for (int y = 0; y < v.height; ++y)
    std::memset(v.y + y * v.stride_y, 81, static_cast<size_t>(v.width));
  for (int y = 0; y < v.height / 2; ++y) {
    std::memset(v.u + y * v.stride_u, 90, static_cast<size_t>(v.width / 2));
    std::memset(v.v + y * v.stride_v, 240, static_cast<size_t>(v.width / 2));
  }
  codecs::payload::H264Packetizer packetizer({.max_payload_size = 1200});
  codecs::payload::PayloadArena arena(1024, 1200);
  std::vector<tessera::testing::UdpDatagram> datagrams;
  uint16_t sequence = 1000;
  for (int frame = 0; frame < 90; ++frame) {
    const uint32_t timestamp = static_cast<uint32_t>(frame) * 6000;
    auto au = (*encoder)->Encode(red.const_view(), timestamp);
    if (!au) return false;
    arena.Clear();
    if (!packetizer.Packetize(au->data, arena)) return false;
    for (size_t i = 0; i < arena.size(); ++i) {
      const auto payload = arena.payload(i);
      const uint8_t header[12] = {0x80,
                                  static_cast<uint8_t>((arena.marker(i) ? 0x80 : 0) | 96),
                                  static_cast<uint8_t>(sequence >> 8),
                                  static_cast<uint8_t>(sequence & 0xff),
                                  static_cast<uint8_t>(timestamp >> 24),
                                  static_cast<uint8_t>(timestamp >> 16),
                                  static_cast<uint8_t>(timestamp >> 8),
                                  static_cast<uint8_t>(timestamp),
                                  0x12,
                                  0x34,
                                  0x56,
                                  0x78};
      ++sequence;
      std::vector<uint8_t> rtp(sizeof header + payload.size());
      std::memcpy(rtp.data(), header, sizeof header);
      std::memcpy(rtp.data() + sizeof header, payload.data(), payload.size());
      tessera::testing::UdpDatagram d;
      d.time = 1'700'000'000.0 + frame / 15.0 + static_cast<double>(i) * 1e-5;
      d.source_port = 6000;
      d.destination_port = 6002;
      d.payload = std::move(rtp);
      datagrams.push_back(std::move(d));
    }
  }
  return tessera::testing::WritePcapUdp(path, datagrams);
}

}  // namespace

TEST_F(TesseraSip, ARoomSystemSendingPcmuAndH264FromACaptureIsSeenAndHeardInTheMix) {
  ASSERT_TRUE(WriteRedH264Pcap(sipp_dir_.path() / "video.pcap"));
  auto tone = tessera::testing::RunProgram({"ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                                            "sine=frequency=660:sample_rate=8000:duration=10", "-ar", "8000", "-ac",
                                            "1", "-f", "mulaw", (sipp_dir_.path() / "audio.ulaw").string()},
                                           30s);
  ASSERT_EQ(tone.exit_status, 0) << tone.output;
  const uint16_t watch_port = static_cast<uint16_t>(tessera::testing::FreeUdpPort() & ~1);
  const auto watch_sdp = dir_.path() / "watch-1000.sdp";
  StartTessera(
      {}, "watch = \"127.0.0.1:" + std::to_string(watch_port) + "\"\nwatch_sdp = \"" + watch_sdp.string() + "\"\n");
  ASSERT_TRUE(process_->WaitForOutput("room 1000: watch the mix with", 10s)) << process_->output();
  ASSERT_TRUE(std::filesystem::exists(watch_sdp));
  auto call = std::async(std::launch::async, [&] {
    return Sipp(testing::Scenario("uac_pcmu_h264_pcap.xml"), "1000", {"-m", "1", "-d", "7000"});
  });
  // The watch stream from 2 s into the call, for 3 s: pictures at 320x180, the mix as WAV
  // (-t is an output option: each output gets its own).
  ASSERT_TRUE(process_->WaitForOutput("(sip, sipp", 10s)) << process_->output();
  std::this_thread::sleep_for(2s);  // the capture's first keyframe and the jitter buffers
  const auto yuv = dir_.path() / "watch.yuv";
  const auto wav = dir_.path() / "watch.wav";
  auto recorded = tessera::testing::RunProgram({"ffmpeg",
                                                "-nostdin",
                                                "-v",
                                                "error",
                                                "-y",
                                                "-protocol_whitelist",
                                                "file,udp,rtp",
                                                "-i",
                                                watch_sdp.string(),
                                                "-t",
                                                "3",
                                                "-map",
                                                "0:v",
                                                "-vf",
                                                "scale=320:180",
                                                "-pix_fmt",
                                                "yuv420p",
                                                "-f",
                                                "rawvideo",
                                                yuv.string(),
                                                "-t",
                                                "3",
                                                "-map",
                                                "0:a",
                                                "-ac",
                                                "1",
                                                "-ar",
                                                "48000",
                                                wav.string()},
                                               30s);
  const auto r = call.get();
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  ASSERT_EQ(recorded.exit_status, 0) << recorded.output;

  // The last recorded picture: its centre is the caller's red.
  std::ifstream pictures(yuv, std::ios::binary | std::ios::ate);
  const auto size = static_cast<size_t>(pictures.tellg());
  constexpr size_t kFrame = 320 * 180 * 3 / 2;
  ASSERT_GE(size, kFrame * 10) << "under 10 pictures recorded";
  std::vector<uint8_t> last(kFrame);
  pictures.seekg(static_cast<std::streamoff>((size / kFrame - 1) * kFrame));
  pictures.read(reinterpret_cast<char*>(last.data()), static_cast<std::streamsize>(kFrame));
  int red = 0, points = 0;
  for (int y = 60; y < 120; y += 4)
    for (int x = 100; x < 220; x += 4, ++points) {
      const int luma = last[static_cast<size_t>(y * 320 + x)];
      const int v = last[320 * 180 + 320 * 180 / 4 + static_cast<size_t>((y / 2) * 160 + x / 2)];
      red += std::abs(luma - 81) < 30 && v > 190;
    }
  EXPECT_GT(red, points / 2) << red << " of " << points << " centre points are red";

  // The mix carries the caller's tone.
  std::ifstream audio(wav, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(audio)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 44u + 48000 * 2) << "under 1 s of audio";
  std::vector<int16_t> samples((bytes.size() - 44) / 2);
  std::memcpy(samples.data(), bytes.data() + 44, samples.size() * 2);
  // In 250 ms windows: over seconds the tone drifts by a fraction of a hertz (the sender's
  // clock against the mixer's) and one long Goertzel window would miss it.
  EXPECT_GT(tessera::testing::MeanTonePower(samples, 48000, 660), 0.5);
}

// PIN room 3000 (PIN 1234): the caller waits in the lobby, keys the PIN, and is admitted;
// three wrong PINs end the call from the server side.
TEST_F(TesseraSip, PinKeyedBySipInfoAdmitsTheCaller) {
  StartTessera();
  const auto r = Sipp(testing::Scenario("uac_pin_info.xml"), "3000", {"-m", "1"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->WaitForOutput("(lobby: PIN)", 5s)) << process_->output();
  EXPECT_TRUE(process_->WaitForOutput("right PIN", 5s)) << process_->output();
  EXPECT_TRUE(process_->WaitForOutput("admitted from the lobby", 5s)) << process_->output();
}

TEST_F(TesseraSip, PinKeyedAsRfc4733EventsAdmitsTheCaller) {
  if (geteuid() != 0) GTEST_SKIP() << "SIPp plays pcaps through a raw socket: needs root";
  StartTessera();
  const auto r = Sipp(testing::Scenario("uac_pin_rfc4733.xml"), "3000", {"-m", "1"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->WaitForOutput("right PIN", 5s)) << process_->output();
  EXPECT_TRUE(process_->WaitForOutput("admitted from the lobby", 5s)) << process_->output();
}

TEST_F(TesseraSip, ThreeWrongPinsEndTheCallWithBye) {
  StartTessera();
  const auto r = Sipp(testing::Scenario("uac_pin_wrong.xml"), "3000", {"-m", "1"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->WaitForOutput("wrong PIN 3 times", 5s)) << process_->output();
  EXPECT_EQ(process_->output().find("admitted"), std::string::npos);
}

// Every wrong PIN costs the caller's address a token (a burst of 9, then 6 a minute): after
// three calls of three wrong tries, its next call to a PIN room is refused at once.
TEST_F(TesseraSip, AnAddressThatKeepsGuessingPinsIsRefusedWith403) {
  StartTessera();
  for (int call = 0; call < 3; ++call) {
    const auto r = Sipp(testing::Scenario("uac_pin_wrong.xml"), "3000", {"-m", "1"});
    ASSERT_EQ(r.exit_status, 0) << "call " << call << ": " << r.Explain(sipp_dir_);
  }
  const auto scenario =
      testing::InstantiateScenario(sipp_dir_, "invite_rejected.xml.in",
                                   {{"STATUS", "403"},
                                    {"REASON", "Warning: 399 tessera .too many wrong PINs from this address"},
                                    {"PT", "0"},
                                    {"CODEC", "PCMU/8000"}});
  const auto r = Sipp(scenario, "3000", {"-m", "1"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->WaitForOutput("too many wrong PINs from this address (403)", 5s)) << process_->output();
  // Rooms without a PIN still take its calls.
  const auto open = Sipp(testing::Scenario("uac_room_call.xml"), "1000", {"-m", "1"});
  EXPECT_EQ(open.exit_status, 0) << open.Explain(sipp_dir_);
}

// Dial-out configured for room 1000 ([[rooms]] dial_out) toward a SIPp UAS started first.
class TesseraDialOut : public TesseraSip {
 protected:
  // Runs the UAS scenario while tessera dials it; returns SIPp's result.
  testing::SippResult DialOut(const std::filesystem::path& scenario, const std::string& sip_extra = {}) {
    const uint16_t uas_port = tessera::testing::FreeUdpPort();
    auto uas = std::async(std::launch::async, [&] {
      return testing::RunSipp(sipp_dir_, scenario,
                              {"-i", "127.0.0.1", "-p", std::to_string(uas_port), "-mp",
                               std::to_string(tessera::testing::FreeUdpPort()), "-m", "1"});
    });
    EXPECT_TRUE(testing::WaitForUdpListener(uas_port));
    StartTessera(sip_extra, "dial_out = [\"sip:uas@127.0.0.1:" + std::to_string(uas_port) + "\"]\n");
    return uas.get();
  }
  // The id of the dialled participant, from tessera's "dial-out call N to ... as pN" line
  // (ids count every participant of the server, the full room's watch stream included).
  std::string DialedParticipant() {
    EXPECT_TRUE(process_->WaitForOutput("for room 1000 as p", 5s)) << process_->output();
    std::smatch match;
    const std::string output = process_->output();
    if (!std::regex_search(output, match, std::regex("for room 1000 as (p[0-9]+)"))) return "(no dial-out logged)";
    return match[1];
  }
};

struct DialOutRefusal {
  const char* name;
  const char* provisional;  // "180 Ringing", "183 Session Progress"
  const char* status;       // "486 Busy Here", ...
  const char* logged;       // what tessera logs when the call ends
};

class TesseraDialOutRefused : public TesseraDialOut, public ::testing::WithParamInterface<DialOutRefusal> {};

TEST_P(TesseraDialOutRefused, TheParticipantIsRemovedAndTheEndLogged) {
  const auto scenario =
      testing::InstantiateScenario(sipp_dir_, "uas_dial_out_refuse.xml.in",
                                   {{"PROVISIONAL", GetParam().provisional}, {"STATUS", GetParam().status}});
  const auto r = DialOut(scenario);
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->WaitForOutput(GetParam().logged, 5s)) << process_->output();
  const std::string id = DialedParticipant();
  EXPECT_TRUE(process_->WaitForOutput("room 1000: " + id + " left", 5s)) << process_->output();
}

INSTANTIATE_TEST_SUITE_P(
    Sipp, TesseraDialOutRefused,
    ::testing::Values(DialOutRefusal{"RingingThenBusy486", "180 Ringing", "486 Busy Here", "declined 486"},
                      DialOutRefusal{"ProgressThenUnavailable503", "183 Session Progress", "503 Service Unavailable",
                                     "declined 503"},
                      DialOutRefusal{"RingingThenDecline603", "180 Ringing", "603 Decline", "declined 603"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// Dial-out through the control API: the callee refuses, and an operator watching the
// event stream is told why nobody joined.
TEST_F(TesseraDialOut, ARefusedDialOutFromTheApiIsReportedAsAnErrorEvent) {
  StartTessera();
  const uint16_t uas_port = tessera::testing::FreeUdpPort();
  const auto scenario = testing::InstantiateScenario(sipp_dir_, "uas_dial_out_refuse.xml.in",
                                                     {{"PROVISIONAL", "180 Ringing"}, {"STATUS", "486 Busy Here"}});
  auto uas = std::async(std::launch::async, [&] {
    return testing::RunSipp(sipp_dir_, scenario,
                            {"-i", "127.0.0.1", "-p", std::to_string(uas_port), "-mp",
                             std::to_string(tessera::testing::FreeUdpPort()), "-m", "1"});
  });
  ASSERT_TRUE(testing::WaitForUdpListener(uas_port));
  tessera::testing::EventClient events;
  ASSERT_TRUE(events.Connect(http_port_, "/api/v1/events", tessera::testing::kTestReadOnlyToken));
  tessera::testing::HttpRequestSpec dial{"POST",
                                         "/api/v1/rooms/1000/dial",
                                         {{"Content-Type", "application/json"}},
                                         R"({"uri":"sip:uas@127.0.0.1:)" + std::to_string(uas_port) + "\"}"};
  tessera::testing::WithTestToken(dial);
  const auto response = tessera::testing::HttpRequest("127.0.0.1", http_port_, dial, 5s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 202) << response->body;
  EXPECT_EQ(uas.get().exit_status, 0);
  std::vector<nlohmann::json> seen;
  const auto error = events.NextMatching([](const nlohmann::json& e) { return e["type"] == "error"; }, 10s, &seen);
  ASSERT_TRUE(error) << "no error event; saw " << nlohmann::json(seen).dump();
  EXPECT_EQ((*error)["room"], "1000");
  EXPECT_EQ((*error)["data"]["code"], "dial_out_failed");
  EXPECT_EQ((*error)["data"]["status"], "486");
  EXPECT_THAT((*error)["data"]["message"].get<std::string>(), HasSubstr("declined 486"));
  EXPECT_EQ((*error)["participant"], DialedParticipant());
}

TEST_F(TesseraDialOut, ACalleeThatOnlyRingsIsCancelledAfterTheAnswerTimeout) {
  const auto r = DialOut(testing::Scenario("uas_dial_out_cancel.xml"), "dial_out_answer_timeout_s = 2\n");
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  const std::string id = DialedParticipant();
  EXPECT_TRUE(process_->WaitForOutput("room 1000: " + id + " left", 5s)) << process_->output();
}

TEST_F(TesseraDialOut, DigestChallengeIsAnsweredWithConfiguredCredentialsAndTheCalleeJoins) {
  const auto r = DialOut(testing::Scenario("uas_dial_out_auth.xml"),
                         "[[sip.credentials]]\nusername = \"tessera\"\npassword = \"secret\"\n");
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->WaitForOutput("ringing", 5s)) << process_->output();
  EXPECT_TRUE(process_->WaitForOutput("answered: " + DialedParticipant() + " joined room 1000", 5s))
      << process_->output();
  EXPECT_TRUE(process_->WaitForOutput("left room 1000 (remote hangup", 5s)) << process_->output();
}

// An operator ends calls through the control API: kicking a participant or deleting its
// room hangs its call up (BYE; CANCEL while a dial-out still rings), and the participant
// is gone from the room.
class TesseraKick : public TesseraDialOut {
 protected:
  tessera::testing::HttpResult Api(std::string method, std::string target, std::string body = {}) {
    tessera::testing::HttpRequestSpec spec{std::move(method), std::move(target), {}, std::move(body)};
    if (!spec.body.empty()) spec.headers["Content-Type"] = "application/json";
    tessera::testing::WithTestToken(spec);
    std::string error;
    auto r = tessera::testing::HttpRequest("127.0.0.1", http_port_, spec, 5s, &error);
    EXPECT_TRUE(r) << error;
    return r ? *r : tessera::testing::HttpResult{};
  }
  // The participant id of the call that joined `room`, from tessera's log.
  std::string Joined(const std::string& room) {
    const std::string logged = "joined room " + room + " as p";
    EXPECT_TRUE(process_->WaitForOutput(logged, 10s)) << process_->output();
    std::smatch match;
    const std::string output = process_->output();
    if (!std::regex_search(output, match, std::regex("joined room " + room + " as (p[0-9]+)"))) return "(none)";
    return match[1];
  }
  // The room's participant ids, as the API lists them.
  std::vector<std::string> Participants(const std::string& room) {
    const auto r = Api("GET", "/api/v1/rooms/" + room + "/participants");
    std::vector<std::string> ids;
    const auto list = nlohmann::json::parse(r.body, nullptr, false);
    if (list.is_object() && list["participants"].is_array())
      for (const auto& p : list["participants"])
        ids.push_back(p.value("id", ""));
    return ids;
  }
};

TEST_F(TesseraKick, AParticipantKickedThroughTheApiGetsAByeAndIsGone) {
  StartTessera();
  auto call = std::async(std::launch::async, [&] {
    return Sipp(testing::Scenario("uac_kicked.xml"), "1000", {"-m", "1"});
  });
  const std::string id = Joined("1000");
  ASSERT_THAT(Participants("1000"), ::testing::Contains(id));
  EXPECT_EQ(Api("DELETE", "/api/v1/rooms/1000/participants/" + id).status, 204);
  const auto r = call.get();
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_THAT(testing::ReadFile(sipp_dir_.path() / "messages.log"), HasSubstr("BYE sip:"));
  EXPECT_THAT(Participants("1000"), ::testing::Not(::testing::Contains(id)));
  EXPECT_TRUE(process_->WaitForOutput("left room 1000 (local hangup", 5s)) << process_->output();
  // Kicked already: the call is over and the API says so.
  EXPECT_EQ(Api("DELETE", "/api/v1/rooms/1000/participants/" + id).status, 404);
}

TEST_F(TesseraKick, DeletingTheRoomSendsAByeToItsCaller) {
  StartTessera();
  ASSERT_EQ(Api("POST", "/api/v1/rooms", R"({"id":"meeting"})").status, 201);
  auto call = std::async(std::launch::async, [&] {
    return Sipp(testing::Scenario("uac_kicked.xml"), "meeting", {"-m", "1"});
  });
  const std::string id = Joined("meeting");
  EXPECT_EQ(Api("DELETE", "/api/v1/rooms/meeting").status, 204);
  const auto r = call.get();
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->WaitForOutput("left room meeting (local hangup", 5s)) << process_->output();
  EXPECT_EQ(Api("GET", "/api/v1/rooms/meeting/participants").status, 404);
}

TEST_F(TesseraKick, DeletingTheRoomCancelsADialOutThatStillRings) {
  StartTessera();
  ASSERT_EQ(Api("POST", "/api/v1/rooms", R"({"id":"meeting"})").status, 201);
  const uint16_t uas_port = tessera::testing::FreeUdpPort();
  auto uas = std::async(std::launch::async, [&] {
    return testing::RunSipp(sipp_dir_, testing::Scenario("uas_dial_out_cancel.xml"),
                            {"-i", "127.0.0.1", "-p", std::to_string(uas_port), "-mp",
                             std::to_string(tessera::testing::FreeUdpPort()), "-m", "1"});
  });
  ASSERT_TRUE(testing::WaitForUdpListener(uas_port));
  const auto dialled =
      Api("POST", "/api/v1/rooms/meeting/dial", R"({"uri":"sip:uas@127.0.0.1:)" + std::to_string(uas_port) + "\"}");
  ASSERT_EQ(dialled.status, 202) << dialled.body;
  ASSERT_TRUE(process_->WaitForOutput(": ringing", 10s)) << process_->output();
  EXPECT_EQ(Api("DELETE", "/api/v1/rooms/meeting").status, 204);
  const auto r = uas.get();
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->WaitForOutput("ending, the room was deleted", 5s)) << process_->output();
  // The CANCEL says why (RFC 3326), as a BYE would.
  EXPECT_THAT(testing::ReadFile(sipp_dir_.path() / "messages.log"),
              HasSubstr("Reason: Q.850;cause=16;text=\"the room was deleted\""));
}

TEST_F(TesseraSip, MalformedRequestsGet400AndTheServerKeepsServing) {
  StartTessera();
  const auto r = Sipp(testing::Scenario("malformed.xml"), "1000", {"-m", "1"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
}

TEST_F(TesseraSip, GarbageOnBothTransportsDoesNotStopTheServer) {
  StartTessera();
  asio::io_context io;
  std::mt19937 rng(7);
  asio::ip::udp::socket udp(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  const asio::ip::udp::endpoint server(asio::ip::make_address("127.0.0.1"), sip_port_);
  for (int i = 0; i < 300; ++i) {
    std::string junk(1 + rng() % 1400, '\0');
    for (char& c : junk)
      c = static_cast<char>(rng());
    if (i % 3 == 0) junk = "INVITE sip:x SIP/2.0\r\nVia: " + junk;
    udp.send_to(asio::buffer(junk), server);
  }
  {
    asio::ip::tcp::socket tcp(io);
    tcp.connect({asio::ip::make_address("127.0.0.1"), sip_port_});
    std::string junk(20000, 'x');
    boost::system::error_code ec;
    asio::write(tcp, asio::buffer("OPTIONS sip:a SIP/2.0\r\n" + junk), ec);
  }
  const auto r = Sipp(testing::Scenario("options.xml"), "ping", {"-m", "3"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir_);
  EXPECT_TRUE(process_->running());
}

TEST_F(TesseraSip, OversizedRequestOverTcpIsAnswered513) {
  StartTessera();
  asio::io_context io;
  asio::ip::tcp::socket tcp(io);
  tcp.connect({asio::ip::make_address("127.0.0.1"), sip_port_});
  const std::string request =
      "OPTIONS sip:1000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKbig\r\n"
      "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:1000@127.0.0.1>\r\nCall-ID: big\r\nCSeq: 1 OPTIONS\r\n"
      "Content-Length: 100000\r\n\r\n";
  asio::write(tcp, asio::buffer(request));
  std::string response;
  boost::system::error_code ec;
  asio::read(tcp, asio::dynamic_buffer(response), ec);  // until the server closes
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_THAT(response, ::testing::StartsWith("SIP/2.0 513 Message Too Large"));
}

TEST_F(TesseraSip, TlsOptionsIsAnsweredToOpensslSClient) {
  const auto cert = testing::MakeSelfSignedCertificate(dir_.path());
  const uint16_t tls_port = tessera::testing::FreeTcpPort();
  StartTessera("tls = \"127.0.0.1:" + std::to_string(tls_port) + "\"\ntls_certificate = \"" +
               cert.certificate.string() + "\"\ntls_private_key = \"" + cert.private_key.string() + "\"\n");
  const std::string options =
      "OPTIONS sip:1000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls\r\n"
      "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:1000@127.0.0.1>\r\nCall-ID: tls-ping\r\nCSeq: 1 OPTIONS\r\n"
      "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  const auto request = dir_.WriteFile("options.txt", options);
  auto client = Subprocess::Start({"bash", "-c",
                                   "exec openssl s_client -quiet -connect 127.0.0.1:" + std::to_string(tls_port) +
                                       " -servername localhost -verify_return_error -CAfile " +
                                       cert.certificate.string() + " < " + request.string()});
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->WaitForOutput("SIP/2.0 200 OK", 10s)) << client->output();
  EXPECT_THAT(client->output(), HasSubstr("Call-ID: tls-ping"));
  client->Signal(SIGTERM);
  client->WaitForExit(5s);
}

TEST_F(TesseraSip, BusySipPortStopsStartupNamingThePortAndTheKey) {
  tessera::testing::BoundSocket busy("127.0.0.1", 0, /*tcp=*/false);
  ASSERT_TRUE(busy.ok());
  const auto path = dir_.WriteFile(
      "busy.toml", "[http]\nlisten = \"127.0.0.1:" + std::to_string(tessera::testing::FreeTcpPort()) +
                       "\"\n[sip]\ntcp = \"\"\nudp = \"127.0.0.1:" + std::to_string(busy.port()) + "\"\n");
  auto r = tessera::testing::RunProgram({tessera::testing::TesseraBinary().string(), "--config", path.string()}, 10s);
  EXPECT_EQ(r.exit_status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("tessera: cannot listen on 127.0.0.1:" + std::to_string(busy.port()) +
                                  " (sip.udp): Address already in use"));
}

}  // namespace
}  // namespace tessera::signaling::sip

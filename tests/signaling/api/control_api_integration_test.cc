// The control API on the real tessera binary, over real HTTP and a real WebSocket (a Beast
// client here): rooms made, changed and deleted; bad input refused with the right status;
// an ffmpeg RTP sender's counters moving in the participant stats and in /metrics; the
// event stream showing joins, leaves, layout changes and the demo participants' talking,
// and a client that reconnects with ?since= resuming without a gap.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <functional>
#include <regex>
#include <thread>

#include "tessera/testing/api_token.h"
#include "tessera/testing/event_client.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"
#include "tessera/testing/tessera_with_api.h"

namespace tessera::signaling {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using nlohmann::json;
using tessera::testing::EventClient;
using tessera::testing::HttpRequestSpec;
using tessera::testing::HttpResult;
using tessera::testing::Subprocess;

std::string AudioOffer(uint16_t port) {
  return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=ffmpeg\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=audio " +
         std::to_string(port) + " RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=sendonly\r\n";
}

uint16_t AnswerPort(const std::string& sdp) {
  std::smatch m;
  if (!std::regex_search(sdp, m, std::regex("m=audio (\\d+) "))) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

// Media trouble that an ffmpeg sender causes, as the API reports it: the first error
// event names the participant, the code, its audio stream and a count, and the
// participant's statistics count the same trouble.
struct AudioTrouble {
  std::string media;  // the offer's audio m= line from the protocol on
  std::function<std::vector<std::string>(uint16_t port)> ffmpeg;
  std::string code;
  int min_count = 0;
  std::string message;  // part of the event's message
  std::string stat;     // the audio statistic that counts it
};

class ControlApiOnTessera : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tessera_.Start(dir_, [&](uint16_t http_port) {
      const uint16_t rtp_min = static_cast<uint16_t>(44000 + (http_port % 50) * 20);
      return tessera::testing::ApiTestConfigToml(dir_, http_port, rtp_min, 1,
                                                 "body_limit_kib = 4\nevent_history = 16\n") +
             "[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 15\nbitrate_kbps = 500\n"
             "[[layouts]]\nname = \"right-half\"\ntiles = [ { x = 0.5, y = 0, width = 0.5, height = 1 } ]\n"
             "[[rooms]]\nid = \"1000\"\naliases = [\"demo\"]\ndemo_participants = 2\n";
    })) << "tessera did not start";
    port_ = tessera_.http_port();
  }
  void TearDown() override {
    if (Subprocess* process = tessera_.process()) {
      EXPECT_EQ(tessera_.Stop(), 0) << process->output();
      // Tokens are secrets: never in the log.
      EXPECT_THAT(process->output(), ::testing::Not(HasSubstr(tessera::testing::kTestApiToken)));
      EXPECT_THAT(process->output(), ::testing::Not(HasSubstr(tessera::testing::kTestReadOnlyToken)));
    }
  }

  HttpResult Send(std::string method, std::string target, std::string body = {},
                  std::string content_type = "application/json", const char* token = tessera::testing::kTestApiToken) {
    return tessera_.Send(std::move(method), std::move(target), std::move(body), std::move(content_type), token);
  }
  static json Body(const HttpResult& r) { return json::parse(r.body, nullptr, false); }
  void ExpectAudioTroubleEvent(const AudioTrouble& trouble);

  // A plain-RTP participant (audio only, sending); returns its id.
  std::string AddEndpoint(uint16_t* rtp_port = nullptr) {
    const HttpResult r =
        Send("POST", "/api/v1/rooms/1000/endpoints", AudioOffer(tessera::testing::FreeUdpPort()), "application/sdp");
    EXPECT_EQ(r.status, 201) << r.body;
    if (rtp_port) *rtp_port = AnswerPort(r.body);
    const std::string location = r.headers.count("location") ? r.headers.at("location") : "";
    return location.substr(location.rfind('/') + 1);
  }

  tessera::testing::TempDir dir_;
  tessera::testing::TesseraWithApi tessera_;
  uint16_t port_ = 0;
};

TEST_F(ControlApiOnTessera, RoomsAreCreatedChangedAndDeleted) {
  HttpResult created =
      Send("POST", "/api/v1/rooms", R"({"id":"board","name":"Board","aliases":["b"],"layout":"2x2","pin":"4321"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers.at("location"), "/api/v1/rooms/board");
  EXPECT_EQ(Body(created)["has_pin"], true);
  EXPECT_EQ(Body(created)["rungs"], json::array({"360p"}));

  const HttpResult by_alias = Send("GET", "/api/v1/rooms/b", "", "", tessera::testing::kTestReadOnlyToken);
  ASSERT_EQ(by_alias.status, 200);
  EXPECT_EQ(Body(by_alias)["id"], "board");
  EXPECT_EQ(Body(by_alias)["layout"], "2x2");

  const HttpResult patched = Send("PATCH", "/api/v1/rooms/board", R"({"locked":true,"layout":"1+5"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Body(patched)["locked"], true);
  // A locked room refuses endpoints.
  EXPECT_EQ(Send("POST", "/api/v1/rooms/board/endpoints", AudioOffer(40000), "application/sdp").status, 403);

  const HttpResult list = Send("GET", "/api/v1/rooms");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Body(list)["rooms"].size(), 2u);

  EXPECT_EQ(Send("POST", "/api/v1/rooms", R"({"id":"b"})").status, 409);  // the alias is taken

  // A rung with a layout of its own, as in the config; PATCH replaces the set.
  HttpResult own = Send("POST", "/api/v1/rooms", R"({"id":"stage","output_layouts":{"360p":"1x1"}})");
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(Body(own)["output_layouts"], json({{"360p", "1x1"}}));
  EXPECT_EQ(Body(Send("GET", "/api/v1/rooms/stage/outputs/360p/layout"))["own"], true);
  own = Send("PATCH", "/api/v1/rooms/stage", R"({"output_layouts":{}})");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Body(own)["output_layouts"], json::object());
  EXPECT_EQ(Send("PATCH", "/api/v1/rooms/stage", R"({"output_layouts":{"4k":"1x1"}})").status, 400);
  EXPECT_EQ(Send("PATCH", "/api/v1/rooms/stage", R"({"output_layouts":{"360p":"nine"}})").status, 400);
  const HttpResult typed = Send("POST", "/api/v1/rooms", R"({"id":"typed","output_layouts":{"360p":3}})");
  EXPECT_EQ(typed.status, 400);
  EXPECT_EQ(Body(typed)["error"]["field"], "output_layouts.360p");
  EXPECT_EQ(Send("POST", "/api/v1/rooms", R"({"id":"wrong","output_layouts":{"4k":"1x1"}})").status, 400);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/stage").status, 204);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/board").status, 204);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/board").status, 409);
  EXPECT_EQ(Send("GET", "/api/v1/rooms/board").status, 404);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/never-existed").status, 404);
}

TEST_F(ControlApiOnTessera, BadRequestsGetTheirStatusAndNameTheField) {
  HttpResult r = Send("POST", "/api/v1/rooms", R"({"id":"x","max_participants":0})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"]["field"], "max_participants");
  EXPECT_EQ(Body(r)["error"]["expected"], "an integer from 1 to 100000");
  r = Send("POST", "/api/v1/rooms", R"({"id":"x","colour":"red"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"]["field"], "colour");
  r = Send("PUT", "/api/v1/rooms/1000/layout", R"({"layout":"13x13"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["error"]["field"], "layout");
  EXPECT_EQ(Send("POST", "/api/v1/rooms", R"({"id":)").status, 400);
  EXPECT_EQ(Send("POST", "/api/v1/rooms", R"({"id":"x"})", "text/plain").status, 415);
  EXPECT_EQ(Send("POST", "/api/v1/rooms", "{\"id\":\"" + std::string(5000, 'x') + "\"}").status, 413);
  EXPECT_EQ(Send("GET", "/api/v1/rooms/1000/participants/p999").status, 404);
  EXPECT_EQ(Send("PATCH", "/api/v1/rooms/nowhere/participants/p1", R"({"audio_muted":true})").status, 404);

  // Authentication: none, wrong, and a read-only token trying to change something.
  EXPECT_EQ(Send("GET", "/api/v1/rooms", "", "", nullptr).status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/rooms", "", "", "not-the-token-at-all-000").status, 401);
  EXPECT_EQ(
      Send("POST", "/api/v1/rooms", R"({"id":"x"})", "application/json", tessera::testing::kTestReadOnlyToken).status,
      403);
  EXPECT_EQ(Send("GET", "/healthz", "", "", nullptr).status, 200);
}

TEST_F(ControlApiOnTessera, FilesAreServedOnlyFromInsideTheirFolders) {
  std::filesystem::create_directories(dir_.path() / "hls" / "1000" / "main");
  std::ofstream(dir_.path() / "hls" / "1000" / "main" / "index.m3u8") << "#EXTM3U\n";
  std::filesystem::create_directories(dir_.path() / "rec");
  std::ofstream(dir_.path() / "rec" / "weekly.mp4") << "not really an mp4";
  std::ofstream(dir_.path() / "secret.txt") << "outside";

  HttpResult r = Send("GET", "/hls/1000/main/index.m3u8", "", "", tessera::testing::kTestReadOnlyToken);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "#EXTM3U\n");
  EXPECT_EQ(r.headers.at("content-type"), "application/vnd.apple.mpegurl");
  r = Send("GET", "/api/v1/recordings/weekly.mp4", "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "not really an mp4");
  for (const char* escape : {"/api/v1/recordings/..%2Fsecret.txt", "/api/v1/recordings/..", "/hls/1000/main/..",
                             "/hls/../rec/weekly.mp4", "/hls/1000/..%2F..%2Fsecret.txt/x"})
    EXPECT_EQ(Send("GET", escape, "", "").status, 404) << escape;
  EXPECT_EQ(Send("GET", "/hls/1000/main/index.m3u8", "", "", nullptr).status, 401);
}

TEST_F(ControlApiOnTessera, TheLayoutPreviewIsAPngOfTheAskedSize) {
  const HttpResult r = Send("GET", "/api/v1/rooms/demo/layout/preview.png?width=320&height=180", "", "",
                            tessera::testing::kTestReadOnlyToken);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "image/png");
  const auto path = dir_.WriteFile("preview.png", r.body);
  // ffprobe decodes it: a real PNG of that size.
  auto probe = Subprocess::Start(
      {"ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", path.string()});
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->WaitForExit(10s), 0) << probe->output();
  EXPECT_THAT(probe->output(), HasSubstr("png,320,180"));
  const HttpResult bad = Send("GET", "/api/v1/rooms/demo/layout/preview.png?width=321", "", "");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "width");
  EXPECT_EQ(Send("GET", "/api/v1/rooms/nowhere/layout/preview.png", "", "").status, 404);
}

// Mean luma of columns [x0, x1) of a width x height preview, decoded by ffmpeg.
std::optional<double> PreviewColumnsLuma(const tessera::testing::TempDir& dir, const std::string& png, int width,
                                         int height, int x0, int x1) {
  const auto in = dir.WriteFile("luma.png", png);
  const auto out = dir.path() / "luma.gray";
  auto ffmpeg = Subprocess::Start(
      {"ffmpeg", "-v", "error", "-y", "-i", in.string(), "-f", "rawvideo", "-pix_fmt", "gray", out.string()});
  if (!ffmpeg || ffmpeg->WaitForExit(10s) != 0) return std::nullopt;
  std::ifstream file(out, std::ios::binary);
  std::string gray((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (gray.size() != static_cast<size_t>(width * height)) return std::nullopt;
  double sum = 0;
  for (int y = 0; y < height; ++y)
    for (int x = x0; x < x1; ++x)
      sum += static_cast<unsigned char>(gray[static_cast<size_t>(y * width + x)]);
  return sum / ((x1 - x0) * height);
}

TEST_F(ControlApiOnTessera, CustomLayoutsFromTheConfigAndTheApiShapeThePicture) {
  // Nobody receives video here, so the preview draws the layout's tiles plainly: light
  // tiles on a dark background, which shows which half of the canvas a layout uses.
  auto luma = [&](const HttpResult& r, int x0, int x1) {
    EXPECT_EQ(r.status, 200) << r.body;
    return PreviewColumnsLuma(dir_, r.body, 320, 180, x0, x1).value_or(-1);
  };
  const char* kPreview = "/api/v1/rooms/1000/layout/preview.png?width=320&height=180";

  json layout = Body(Send("GET", "/api/v1/rooms/1000/layout"));
  EXPECT_THAT(layout["available"], ::testing::Contains("right-half"));
  ASSERT_EQ(Send("PUT", "/api/v1/rooms/1000/layout", R"({"layout":"right-half"})").status, 200);
  layout = Body(Send("GET", "/api/v1/rooms/1000/layout"));
  EXPECT_EQ(layout["layout"], "right-half");
  EXPECT_EQ(layout["custom"]["tiles"][0]["x"], 0.5);
  HttpResult picture = Send("GET", kPreview, "", "");
  EXPECT_LT(luma(picture, 10, 150), 60);
  EXPECT_GT(luma(picture, 170, 310), 80);

  // Tiles through the API: the left half now.
  const HttpResult set =
      Send("PUT", "/api/v1/rooms/1000/layout", R"({"layout":{"tiles":[{"x":0,"y":0,"width":0.5,"height":1}]}})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Body(set)["layout"], "custom");
  EXPECT_EQ(Body(set)["custom"]["tiles"][0]["width"], 0.5);
  picture = Send("GET", kPreview, "", "");
  EXPECT_GT(luma(picture, 10, 150), 80);
  EXPECT_LT(luma(picture, 170, 310), 60);

  // A layout tried out with POST is drawn but not applied; a read-only token may do it.
  picture =
      Send("POST", kPreview, R"({"layout":"right-half"})", "application/json", tessera::testing::kTestReadOnlyToken);
  EXPECT_LT(luma(picture, 10, 150), 60);
  EXPECT_GT(luma(picture, 170, 310), 80);
  EXPECT_EQ(Body(Send("GET", "/api/v1/rooms/1000/layout"))["layout"], "custom");

  // The core's rules between tiles come back naming the tile and field.
  HttpResult bad =
      Send("PUT", "/api/v1/rooms/1000/layout", R"({"layout":{"tiles":[{"x":0.75,"y":0,"width":0.5,"height":1}]}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "layout.tiles[0].width");
  bad = Send("PUT", "/api/v1/rooms/1000/layout",
             R"({"layout":{"tiles":[{"x":0,"y":0,"width":1,"height":1},{"x":0,"y":0,"width":0.5,"height":0.5}]}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "layout.tiles[1]");
  bad = Send("POST", kPreview, R"({"layout":{"tiles":[{"x":0,"y":0,"width":1,"height":1,"role":"boss"}]}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "layout.tiles[0].role");
  EXPECT_EQ(Send("PUT", "/api/v1/rooms/1000/layout", R"({"layout":"nine-by-nine"})").status, 400);
  // A name again replaces the custom tiles.
  ASSERT_EQ(Send("PUT", "/api/v1/rooms/1000/layout", R"({"layout":"2x2"})").status, 200);
  layout = Body(Send("GET", "/api/v1/rooms/1000/layout"));
  EXPECT_EQ(layout["layout"], "2x2");
  EXPECT_FALSE(layout.contains("custom"));
}

TEST_F(ControlApiOnTessera, AVideoReceiverBringsEncoderQpAndCpuByStageIntoMetrics) {
  const uint16_t port = tessera::testing::FreeUdpPort();
  const HttpResult r = Send("POST", "/api/v1/rooms/1000/endpoints",
                            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                            "m=video " +
                                std::to_string(port) +
                                " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                                "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\na=recvonly\r\n",
                            "application/sdp");
  ASSERT_EQ(r.status, 201) << r.body;
  // The room now composes and encodes for it: the encoder's quantizer and the CPU of every
  // stage show up (polled; the deadline bounds it).
  const std::regex qp("tessera_output_qp\\{room=\"1000\",output=\"[^\"]+\"\\} (\\d+)");
  auto stage = [](const std::string& body, const std::string& name) {
    std::smatch m;
    const std::regex re("tessera_room_cpu_seconds_total\\{room=\"1000\",stage=\"" + name + "\"\\} ([0-9.e+-]+)");
    return std::regex_search(body, m, re) ? std::stod(m[1]) : -1.0;
  };
  std::string body;
  std::smatch m;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    body = Send("GET", "/metrics", "", "", tessera::testing::kTestReadOnlyToken).body;
    if (std::regex_search(body, m, qp) && stage(body, "encode") > 0) break;
    std::this_thread::sleep_for(200ms);
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_TRUE(std::regex_search(body, m, qp)) << "no tessera_output_qp for the room's output";
  const int value = std::stoi(m[1]);
  EXPECT_GE(value, 0);
  EXPECT_LE(value, 51);  // H.264's scale
  for (const char* name : {"decode", "compose", "encode", "send", "audio"})
    EXPECT_GT(stage(body, name), 0) << name;
  const std::string location = r.headers.at("location");
  EXPECT_EQ(Send("DELETE", location).status, 204);
}

void ControlApiOnTessera::ExpectAudioTroubleEvent(const AudioTrouble& trouble) {
  EventClient events;
  ASSERT_TRUE(events.Connect(port_, "/api/v1/events", tessera::testing::kTestReadOnlyToken));
  const HttpResult r = Send("POST", "/api/v1/rooms/1000/endpoints",
                            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " +
                                std::to_string(tessera::testing::FreeUdpPort()) + " " + trouble.media,
                            "application/sdp");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string location = r.headers.at("location");
  const std::string id = location.substr(location.rfind('/') + 1);
  const uint16_t rtp_port = AnswerPort(r.body);
  ASSERT_NE(rtp_port, 0) << r.body;
  auto ffmpeg = Subprocess::Start(trouble.ffmpeg(rtp_port));
  ASSERT_TRUE(ffmpeg);
  const auto error = events.NextMatching([](const json& e) { return e["type"] == "error"; }, 15s);
  ASSERT_TRUE(error) << "no error event; the participant: "
                     << Send("GET", "/api/v1/rooms/1000/participants/" + id, "", "").body << "\nanswer: " << r.body
                     << "\nffmpeg: " << ffmpeg->output();
  EXPECT_EQ((*error)["room"], "1000");
  EXPECT_EQ((*error)["participant"], id);
  EXPECT_EQ((*error)["data"]["code"], trouble.code);
  EXPECT_EQ((*error)["data"]["stream"], "audio");
  EXPECT_GE(std::stoi((*error)["data"]["count"].get<std::string>()), trouble.min_count);
  EXPECT_THAT((*error)["data"]["message"].get<std::string>(), HasSubstr(trouble.message));
  const json stats = Body(Send("GET", "/api/v1/rooms/1000/participants/" + id, "", ""));
  EXPECT_GE(stats["audio"][trouble.stat].get<int64_t>(), trouble.min_count) << stats.dump();
  ffmpeg->Signal(SIGTERM);
  ffmpeg->WaitForExit(5s);
  EXPECT_EQ(Send("DELETE", location).status, 204);
}

TEST_F(ControlApiOnTessera, SrtpWithTheWrongKeyIsReportedAsAnErrorEvent) {
  // The endpoint offers one key, then ffmpeg protects its RTP with another: every packet
  // fails authentication, as when two sides were configured with different secrets.
  const std::string offered = "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
  const std::string other = "dGhpcyBpcyBub3QgdGhlIGtleSBvZmZlcmVkISEh";
  ExpectAudioTroubleEvent(
      {"RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 " + offered + "\r\na=sendonly\r\n",
       [&](uint16_t port) -> std::vector<std::string> {
         return {"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                 "sine=frequency=440:sample_rate=8000", "-t", "6", "-c:a", "pcm_mulaw", "-f", "rtp", "-srtp_out_suite",
                 "AES_CM_128_HMAC_SHA1_80", "-srtp_out_params", other,
                 // 20 ms packets, as telephones send them: 160 bytes of payload, RTP's 12
                 // and SRTP's 14 around them.
                 "srtp://127.0.0.1:" + std::to_string(port) + "?pkt_size=186"};
       },
       "srtp_auth_failures", 10, "failed SRTP authentication", "srtp_failures"});
}

TEST_F(ControlApiOnTessera, AudioThatDoesNotDecodeIsReportedAsAnErrorEvent) {
  // The endpoint maps payload type 111 to Opus, and ffmpeg sends G.711 on it: a
  // misconfigured phone. Most of those bytes are not valid Opus packets. G.711 at 48 kHz,
  // so that the timestamps run at Opus's clock and every packet is played out (at 8 kHz
  // they would run six times slow, and most ticks would conceal instead of decoding).
  ExpectAudioTroubleEvent({"RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=sendonly\r\n",
                           [](uint16_t port) -> std::vector<std::string> {
                             return {"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi",
                                     "-i", "sine=frequency=440:sample_rate=48000:samples_per_frame=960", "-t", "8",
                                     "-c:a", "pcm_mulaw", "-payload_type", "111", "-f", "rtp",
                                     // 20 ms packets: 960 bytes of payload after RTP's 12.
                                     "rtp://127.0.0.1:" + std::to_string(port) + "?pkt_size=972"};
                           },
                           "audio_decode_errors", 5, "does not decode", "decode_errors"});
}

TEST_F(ControlApiOnTessera, AnFfmpegSendersCountersMoveInItsStatsAndInMetrics) {
  uint16_t rtp_port = 0;
  const std::string id = AddEndpoint(&rtp_port);
  ASSERT_FALSE(id.empty());
  ASSERT_NE(rtp_port, 0);
  auto ffmpeg = Subprocess::Start({"ffmpeg",
                                   "-hide_banner",
                                   "-nostdin",
                                   "-loglevel",
                                   "error",
                                   "-re",
                                   "-f",
                                   "lavfi",
                                   "-i",
                                   "sine=frequency=440:sample_rate=48000:samples_per_frame=960",
                                   "-t",
                                   "8",
                                   "-c:a",
                                   "libopus",
                                   "-ac",
                                   "2",
                                   "-payload_type",
                                   "111",
                                   "-f",
                                   "rtp",
                                   "rtp://127.0.0.1:" + std::to_string(rtp_port)});
  ASSERT_TRUE(ffmpeg);

  // The participant's own counters, polled until packets arrive (bounded).
  auto packets = [&]() -> int64_t {
    const HttpResult r = Send("GET", "/api/v1/rooms/demo/participants/" + id, "", "");
    if (r.status != 200) return -1;
    return Body(r)["audio"]["packets_received"].get<int64_t>();
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  int64_t first = 0;
  while ((first = packets()) <= 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);  // polling a counter; the deadline bounds it
  ASSERT_GT(first, 0) << "no RTP counted from ffmpeg";
  const HttpResult p = Send("GET", "/api/v1/rooms/1000/participants/" + id, "", "");
  EXPECT_EQ(Body(p)["protocol"], "rtp");
  EXPECT_EQ(Body(p)["audio"]["codec"], "opus");
  EXPECT_GT(Body(p)["audio"]["bytes_received"].get<int64_t>(), 0);

  // /metrics: the same counter, moving between two scrapes.
  const std::regex sample("tessera_participant_packets_received_total\\{room=\"1000\",participant=\"" + id +
                          "\",media=\"audio\"\\} (\\d+)");
  auto scrape = [&]() -> int64_t {
    const HttpResult r = Send("GET", "/metrics", "", "", tessera::testing::kTestReadOnlyToken);
    EXPECT_EQ(r.status, 200);
    EXPECT_THAT(r.headers.at("content-type"), HasSubstr("version=0.0.4"));
    std::smatch m;
    return std::regex_search(r.body, m, sample) ? std::stoll(m[1]) : -1;
  };
  const int64_t a = scrape();
  ASSERT_GT(a, 0);
  int64_t b = a;
  const auto later = std::chrono::steady_clock::now() + 5s;
  while ((b = scrape()) <= a && std::chrono::steady_clock::now() < later)
    std::this_thread::sleep_for(200ms);
  EXPECT_GT(b, a) << "the counter did not move";
  const HttpResult metrics = Send("GET", "/metrics", "", "");
  EXPECT_THAT(metrics.body, HasSubstr("tessera_room_video_tick_duration_seconds_bucket{room=\"1000\",le=\"+Inf\"}"));
  // The audio clock's histogram: every tick counted, and (on any machine that keeps up) most
  // well inside the 20 ms period.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      metrics.body, m, std::regex("tessera_room_audio_tick_duration_seconds_count\\{room=\"1000\"\\} (\\d+)")));
  const double audio_ticks = std::stod(m[1]);
  EXPECT_GT(audio_ticks, 0);
  ASSERT_TRUE(std::regex_search(
      metrics.body, m,
      std::regex("tessera_room_audio_tick_duration_seconds_bucket\\{room=\"1000\",le=\"0.02\"\\} (\\d+)")));
  EXPECT_GT(std::stod(m[1]), audio_ticks / 2);
  EXPECT_LE(std::stod(m[1]), audio_ticks);
  EXPECT_THAT(metrics.body, HasSubstr("process_resident_memory_bytes "));

  // Mute, then kick.
  EXPECT_EQ(
      Send("PATCH", "/api/v1/rooms/1000/participants/" + id, R"({"audio_muted":true,"display_name":"Tone"})").status,
      204);
  const auto muted_by = std::chrono::steady_clock::now() + 5s;
  json now;
  do {
    now = Body(Send("GET", "/api/v1/rooms/1000/participants/" + id, "", ""));
  } while (!(now["audio"]["muted"] == true && now["display_name"] == "Tone") &&
           std::chrono::steady_clock::now() < muted_by);
  EXPECT_EQ(now["audio"]["muted"], true);
  EXPECT_EQ(now["display_name"], "Tone");
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/participants/" + id).status, 204);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/participants/" + id).status, 404);
  ffmpeg->Signal(SIGTERM);
  ffmpeg->WaitForExit(5s);
}

TEST_F(ControlApiOnTessera, AnEndpointThatSendsNothingIsNeverTalking) {
  // The room mixes everyone while it is small, but only speech is talking: the demo
  // participants take turns, the silent endpoint never starts.
  EventClient client;
  ASSERT_TRUE(client.Connect(port_, "/api/v1/events", tessera::testing::kTestReadOnlyToken));
  const std::string silent = AddEndpoint();
  ASSERT_FALSE(silent.empty());
  int demo_starts = 0;
  // Two demo participants talk in 3 s slots of a 12 s cycle: two starts within 25 s.
  const auto deadline = std::chrono::steady_clock::now() + 25s;
  while (demo_starts < 2 && std::chrono::steady_clock::now() < deadline) {
    auto event = client.Next(15s);
    ASSERT_TRUE(event) << "the event stream went quiet";
    if ((*event)["type"] != "talking.started") continue;
    ASSERT_NE((*event)["participant"], silent) << "the silent endpoint started talking";
    ++demo_starts;
  }
  EXPECT_EQ(demo_starts, 2) << "the demo participants did not take turns";
  const json participant = Body(Send("GET", "/api/v1/rooms/1000/participants/" + silent, "", ""));
  EXPECT_EQ(participant["talking"], false) << participant.dump();
}

TEST_F(ControlApiOnTessera, EventsShowJoinsLeavesAndTalkingAndResumeWithoutGaps) {
  EventClient client;
  ASSERT_TRUE(client.Connect(port_, "/api/v1/events", tessera::testing::kTestReadOnlyToken));
  auto hello = client.Next();
  ASSERT_TRUE(hello);
  EXPECT_EQ((*hello)["type"], "hello");

  const std::string first = AddEndpoint();
  auto joined = client.NextMatching(
      [&](const json& e) { return e["type"] == "participant.joined" && e["participant"] == first; }, 10s);
  ASSERT_TRUE(joined) << "no participant.joined";
  EXPECT_EQ((*joined)["room"], "1000");
  EXPECT_EQ((*joined)["data"]["protocol"], "rtp");
  // The demo participants talk in turns: the audio strand reports it.
  auto talking = client.NextMatching(
      [](const json& e) {
        return e["type"] == "talking.started" && e["participant"].get<std::string>().starts_with("demo-");
      },
      15s);
  ASSERT_TRUE(talking) << "no talking.started from the demo participants";
  EXPECT_THAT((*talking)["participant"].get<std::string>(), ::testing::StartsWith("demo-"));
  const uint64_t seen = (*talking)["seq"].get<uint64_t>();
  client.Close();

  // While disconnected: a leave, a join and a layout change.
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/endpoints/" + first).status, 204);
  const std::string second = AddEndpoint();
  EXPECT_EQ(Send("PUT", "/api/v1/rooms/1000/layout", R"({"layout":"2x2"})").status, 200);

  EventClient again;
  ASSERT_TRUE(again.Connect(port_, "/api/v1/events?since=" + std::to_string(seen), tessera::testing::kTestApiToken));
  hello = again.Next();
  ASSERT_TRUE(hello);
  EXPECT_EQ((*hello)["type"], "hello");
  EXPECT_EQ((*hello)["since"], seen);
  // History holds 16 events; talking events keep coming, so this may race the history on
  // a slow machine — the hello says so, and then the test is not about resuming.
  ASSERT_EQ((*hello)["gap"], false) << hello->dump();
  std::vector<json> events;
  auto layout = again.NextMatching([](const json& e) { return e["type"] == "layout.changed"; }, 10s, &events);
  ASSERT_TRUE(layout);
  EXPECT_EQ((*layout)["data"]["layout"], "2x2");
  // Consecutive numbers from seen + 1: nothing missed, nothing repeated.
  for (size_t i = 0; i < events.size(); ++i)
    EXPECT_EQ(events[i]["seq"], seen + 1 + i) << events[i].dump();
  auto has = [&](const char* type, const std::string& who) {
    return std::any_of(events.begin(), events.end(),
                       [&](const json& e) { return e["type"] == type && e.value("participant", "") == who; });
  };
  EXPECT_TRUE(has("participant.left", first));
  EXPECT_TRUE(has("participant.joined", second));
}

TEST_F(ControlApiOnTessera, AClientTooFarBehindIsToldWhatItMissed) {
  // 20 layout changes overflow the 16-event history.
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(Send("PUT", "/api/v1/rooms/1000/layout", i % 2 ? R"({"layout":"2x2"})" : R"({"layout":"3x3"})").status,
              200);
  EventClient client;
  ASSERT_TRUE(client.Connect(port_, "/api/v1/events?since=1", tessera::testing::kTestReadOnlyToken));
  auto hello = client.Next();
  ASSERT_TRUE(hello);
  EXPECT_EQ((*hello)["gap"], true);
  EXPECT_EQ((*hello)["missed"].get<uint64_t>(), (*hello)["oldest"].get<uint64_t>() - 2);
  auto next = client.Next();
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["seq"], (*hello)["oldest"]);

  EventClient anonymous;
  EXPECT_FALSE(anonymous.Connect(port_, "/api/v1/events", ""));
  EXPECT_EQ(anonymous.handshake_status(), 401);
  EventClient bad;
  EXPECT_FALSE(bad.Connect(port_, "/api/v1/events?since=x", tessera::testing::kTestApiToken));
  EXPECT_EQ(bad.handshake_status(), 400);
}

}  // namespace
}  // namespace tessera::signaling

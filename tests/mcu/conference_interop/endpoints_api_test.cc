// Plain-RTP endpoints through the HTTP API of the real tessera binary: ffmpeg senders and
// an ffmpeg recorder are attached to a room with SDP offers (POST .../endpoints); what the
// recorder receives is decoded here. Also the API's answers to bad requests and DELETE.
#include <gtest/gtest.h>

#include <regex>

#include "conference_harness.h"
#include "tessera/mixer/video/layout.h"
#include "tessera/testing/api_token.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"

namespace tessera::mcu::conference::testing {
namespace {

using namespace std::chrono_literals;
using tessera::testing::HttpRequest;
using tessera::testing::HttpRequestSpec;
using tessera::testing::HttpResult;
using tessera::testing::Subprocess;

constexpr int kWidth = 640;
constexpr int kHeight = 360;

class EndpointsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http_port_ = tessera::testing::FreeTcpPort();
    const auto config =
        temp_.WriteFile("tessera.toml", "[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port_) +
                                            "\"\n[sip]\nudp = \"\"\ntcp = \"\"\n"
                                            "[rtp]\naddress = \"127.0.0.1\"\nport_min = 42000\nport_max = 42999\n"
                                            "[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\n"
                                            "fps = 15\nbitrate_kbps = 600\n"
                                            "[[rooms]]\nid = \"r1\"\naliases = [\"test\"]\n"
                                            "[[rooms]]\nid = \"closed\"\nlocked = true\n" +
                                            tessera::testing::TestApiTokensToml());
    server_ = Subprocess::Start({tessera::testing::TesseraBinary().string(), "--config", config.string()});
    ASSERT_TRUE(server_);
    ASSERT_TRUE(server_->WaitForOutput("HTTP listening", 20s)) << server_->output();
  }
  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      EXPECT_EQ(server_->WaitForExit(20s), 0) << server_->output();
    }
  }

  std::optional<HttpResult> Post(const std::string& room, const std::string& sdp,
                                 const std::string& type = "application/sdp") {
    HttpRequestSpec spec;
    spec.method = "POST";
    spec.target = "/api/v1/rooms/" + room + "/endpoints";
    spec.headers["Content-Type"] = type;
    tessera::testing::WithTestToken(spec);
    spec.body = sdp;
    return HttpRequest("127.0.0.1", http_port_, spec, 10s);
  }
  std::optional<HttpResult> Delete(const std::string& target) {
    HttpRequestSpec spec;
    spec.method = "DELETE";
    spec.target = target;
    tessera::testing::WithTestToken(spec);
    return HttpRequest("127.0.0.1", http_port_, spec, 10s);
  }

  tessera::testing::TempDir temp_;
  uint16_t http_port_ = 0;
  std::unique_ptr<Subprocess> server_;
};

// An offer as an integrator writes it for an ffmpeg feed: where it receives (unused by a
// sender), what it sends, and its direction.
std::string Offer(const std::string& direction, uint16_t video_port, uint16_t audio_port, const std::string& audio) {
  std::string audio_line = audio == "PCMU" ? "m=audio " + std::to_string(audio_port) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                           : audio == "G722" ? "m=audio " + std::to_string(audio_port) + " RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n"
                                             : "m=audio " + std::to_string(audio_port) +
                                                   " RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n";
  return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=ffmpeg\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=video " + std::to_string(video_port) + " RTP/AVP 96\r\n"
         "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\n"
         "a=" + direction + "\r\n" + audio_line + "a=" + direction + "\r\n";
}

// The port of the answer's m=<media> line.
uint16_t AnswerPort(const std::string& sdp, const std::string& media) {
  std::smatch m;
  if (!std::regex_search(sdp, m, std::regex("m=" + media + " (\\d+) "))) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

TEST_F(EndpointsApiTest, FfmpegFeedsAddedByOfferAreMixedForAnFfmpegRecorder) {
  const std::string red_offer = Offer("sendonly", FreeEvenPort(), FreeEvenPort(), "opus");
  auto red = Post("test", red_offer);  // by alias
  ASSERT_TRUE(red);
  ASSERT_EQ(red->status, 201) << red->body;
  EXPECT_EQ(red->headers["content-type"], "application/sdp");
  ASSERT_TRUE(red->headers.contains("location"));
  EXPECT_NE(red->body.find("a=recvonly"), std::string::npos) << "a sendonly offer is answered recvonly:\n" << red->body;
  auto green = Post("r1", Offer("sendonly", FreeEvenPort(), FreeEvenPort(), "PCMU"));
  ASSERT_TRUE(green);
  ASSERT_EQ(green->status, 201) << green->body;

  auto red_sender = StartSender({"Red", "0xFF0000", 440, codecs::CodecId::kOpus}, AnswerPort(red->body, "video"),
                                AnswerPort(red->body, "audio"), 30);
  auto green_sender = StartSender({"Green", "0x00FF00", 660, codecs::CodecId::kPcmu},
                                  AnswerPort(green->body, "video"), AnswerPort(green->body, "audio"), 30);
  ASSERT_TRUE(red_sender && green_sender) << "ffmpeg is needed";

  auto recorder = StartRecorder(temp_.path(), "recorder", 5);
  ASSERT_TRUE(recorder) << recorder.error;
  auto viewer = Post("r1", Offer("recvonly", recorder.video_port, recorder.audio_port, "opus"));
  ASSERT_TRUE(viewer);
  ASSERT_EQ(viewer->status, 201) << viewer->body;
  EXPECT_NE(viewer->body.find("a=sendonly"), std::string::npos) << viewer->body;
  ASSERT_EQ(recorder->WaitForExit(60s), 0) << recorder->output();

  const auto yuv = temp_.path() / "recorder.yuv";
  const int frames = CountI420Frames(yuv, kWidth, kHeight);
  ASSERT_GT(frames, 30);
  std::vector<mixer::LayoutSource> sources(2);
  const mixer::Layout layout = mixer::ComputeLayout(mixer::AutoLayoutFor(sources), {kWidth, kHeight}, sources);
  const auto last = ReadI420Frame(yuv, kWidth, kHeight, frames - 1);
  int red_tiles = 0, green_tiles = 0;
  for (const mixer::Tile& t : layout.tiles) {
    if (t.source < 0) continue;
    const int cx = t.rect.x + t.rect.width / 2, cy = t.rect.y + t.rect.height / 2;
    const int y = last[static_cast<size_t>(cy * kWidth + cx)];
    const int v = last[kWidth * kHeight + (kWidth / 2) * (kHeight / 2) + (cy / 2) * (kWidth / 2) + cx / 2];
    red_tiles += std::abs(y - 81) < 25 && v > 200;    // red: Y 81, V 240
    green_tiles += std::abs(y - 145) < 25 && v < 60;  // green: Y 145, V 34
  }
  EXPECT_EQ(red_tiles, 1);
  EXPECT_EQ(green_tiles, 1);
  auto samples = ReadWav(temp_.path() / "recorder.wav");
  ASSERT_GT(samples.size(), 48000u * 2);
  samples.erase(samples.begin(), samples.begin() + 48000);
  EXPECT_GT(TonePower(samples, 48000, 440), 0.05);
  EXPECT_GT(TonePower(samples, 48000, 660), 0.05);

  // DELETE removes the endpoint; a second DELETE finds nothing.
  const std::string location = red->headers["location"];
  auto removed = Delete(location);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 204);
  auto again = Delete(location);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
}

TEST_F(EndpointsApiTest, UnusableRequestsGetTheRightStatusAndAReason) {
  auto garbage = Post("r1", "this is not SDP");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  EXPECT_FALSE(garbage->body.empty());
  auto no_codec = Post("r1", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                             "m=audio 5000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n");
  ASSERT_TRUE(no_codec);
  EXPECT_EQ(no_codec->status, 400) << no_codec->body;
  auto json = Post("r1", "{}", "application/json");
  ASSERT_TRUE(json);
  EXPECT_EQ(json->status, 415);
  auto unknown = Post("nosuchroom", Offer("sendonly", 5000, 5002, "opus"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto locked = Post("closed", Offer("sendonly", 5000, 5002, "opus"));
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 403);
}

}  // namespace
}  // namespace tessera::mcu::conference::testing

// The plain-RTP endpoints API on the real tessera binary, over HTTP: ffmpeg's SDP offer is
// answered with 201, the answer and a Location, and DELETE ends the endpoint (so do a kick
// and deleting its room); every refusal the server makes before reaching the engine
// carries the right status.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sdp/real_offers.h"
#include "tessera/signaling/sdp/session_description.h"
#include "tessera/testing/api_token.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::signaling {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using tessera::testing::HttpRequestSpec;
using tessera::testing::HttpResult;
using tessera::testing::Subprocess;

class EndpointsOnTessera : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
      port_ = tessera::testing::FreeTcpPort();
      const auto path = dir_.WriteFile(
          "t.toml", "[sip]\nudp = \"\"\ntcp = \"\"\n[http]\nlisten = \"127.0.0.1:" + std::to_string(port_) +
                        "\"\n[server]\nworker_threads = 1\n"
                        "[[rooms]]\nid = \"1000\"\naliases = [\"demo\"]\n"
                        "[[rooms]]\nid = \"2000\"\nlocked = true\n" +
                        tessera::testing::TestApiTokensToml());
      auto p = Subprocess::Start({tessera::testing::TesseraBinary().string(), "--config", path.string()});
      ASSERT_NE(p, nullptr);
      if (p->WaitForOutput("HTTP listening on 127.0.0.1:" + std::to_string(port_), 10s)) process_ = std::move(p);
    }
    ASSERT_NE(process_, nullptr) << "tessera did not start";
  }

  HttpResult Send(std::string method, std::string target, std::string body = {},
                  std::string content_type = "application/sdp") {
    HttpRequestSpec spec{std::move(method), std::move(target), {}, std::move(body)};
    if (!content_type.empty()) spec.headers["Content-Type"] = content_type;
    tessera::testing::WithTestToken(spec);
    std::string error;
    auto r = tessera::testing::HttpRequest("127.0.0.1", port_, spec, 5s, &error);
    EXPECT_TRUE(r) << error;
    return r ? *r : HttpResult{};
  }
  static std::string Message(const HttpResult& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_discarded() ? r.body : j["error"]["message"].get<std::string>();
  }

  tessera::testing::TempDir dir_;
  uint16_t port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

TEST_F(EndpointsOnTessera, AnFfmpegOfferJoinsTheRoomAndDeleteEndsIt) {
  const HttpResult created = Send("POST", "/api/v1/rooms/demo/endpoints", sdp::testing::kFfmpegOffer);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers.at("content-type"), "application/sdp");
  const std::string location = created.headers.at("location");
  EXPECT_THAT(location, ::testing::StartsWith("/api/v1/rooms/1000/endpoints/"));
  auto answer = sdp::ParseSdp(created.body);
  ASSERT_TRUE(answer) << created.body;
  ASSERT_EQ(answer->media.size(), 2u);
  // RTP binds 0.0.0.0 in this config: the answer names the address toward the endpoint.
  ASSERT_TRUE(answer->connection);
  EXPECT_EQ(answer->connection->address, "127.0.0.1");
  EXPECT_EQ(answer->media[0].media, "video");
  EXPECT_NE(answer->media[0].port, 0);
  EXPECT_NE(answer->media[1].port, 0);
  const HttpResult got = Send("GET", location);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, created.body);
  EXPECT_EQ(Send("DELETE", location).status, 204);
  EXPECT_EQ(Send("DELETE", location).status, 404);
}

// The core removes the endpoint on its own (an operator's kick, its room deleted): the
// endpoints API forgets it too, rather than serving a stale answer.
TEST_F(EndpointsOnTessera, AKickedEndpointOrOneWhoseRoomIsDeletedIsGoneFromTheEndpointsApi) {
  const HttpResult created = Send("POST", "/api/v1/rooms/1000/endpoints", sdp::testing::kFfmpegOffer);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string location = created.headers.at("location");
  const std::string id = location.substr(location.rfind('/') + 1);
  ASSERT_EQ(Send("GET", location).status, 200);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/participants/" + id, {}, {}).status, 204);
  EXPECT_EQ(Send("GET", location).status, 404);
  EXPECT_EQ(Send("DELETE", location).status, 404);

  ASSERT_EQ(Send("POST", "/api/v1/rooms", R"({"id":"temp"})", "application/json").status, 201);
  const HttpResult in_temp = Send("POST", "/api/v1/rooms/temp/endpoints", sdp::testing::kFfmpegOffer);
  ASSERT_EQ(in_temp.status, 201) << in_temp.body;
  const std::string temp_location = in_temp.headers.at("location");
  ASSERT_EQ(Send("GET", temp_location).status, 200);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/temp", {}, {}).status, 204);
  EXPECT_EQ(Send("GET", temp_location).status, 404);
  EXPECT_EQ(Send("DELETE", temp_location).status, 404);
}

TEST_F(EndpointsOnTessera, RefusalsBeforeTheEngineCarryTheRightStatus) {
  const HttpResult wrong_type = Send("POST", "/api/v1/rooms/1000/endpoints", sdp::testing::kFfmpegOffer, "text/plain");
  EXPECT_EQ(wrong_type.status, 415);
  const HttpResult unknown = Send("POST", "/api/v1/rooms/9999/endpoints", sdp::testing::kFfmpegOffer);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(Message(unknown), HasSubstr("no room '9999'"));
  const HttpResult locked = Send("POST", "/api/v1/rooms/2000/endpoints", sdp::testing::kFfmpegOffer);
  EXPECT_EQ(locked.status, 403);
  const HttpResult unusable = Send("POST", "/api/v1/rooms/1000/endpoints",
                                   "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                                   "m=audio 5000 RTP/AVP 18\r\n");
  EXPECT_EQ(unusable.status, 400);
  EXPECT_THAT(Message(unusable), HasSubstr("no common audio codec"));
  // The HTTP server's own body limit (1 MiB).
  const HttpResult huge = Send("POST", "/api/v1/rooms/1000/endpoints", std::string(2 << 20, 'a'));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/endpoints/nobody").status, 404);
  // The server keeps serving.
  EXPECT_EQ(Send("GET", "/healthz", {}, {}).status, 200);
}

}  // namespace
}  // namespace tessera::signaling

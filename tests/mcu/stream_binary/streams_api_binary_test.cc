// Broadcasts and recordings through the control API of the real tessera binary, checked
// with ffprobe: a recording whose server is killed with SIGKILL still plays up to its last
// fragment; an HLS broadcast is served over HTTP (with a token) and plays; a finished
// recording is listed and downloads byte for byte.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <thread>

#include "tessera/testing/api_token.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"
#include "tessera/testing/tessera_with_api.h"

namespace tessera::mcu {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using tessera::testing::HttpRequestSpec;
using tessera::testing::HttpResult;
using tessera::testing::RunProgram;
using tessera::testing::Subprocess;

class StreamsOnTessera : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tessera_.Start(dir_, [&](uint16_t http_port) {
      const uint16_t rtp_min = static_cast<uint16_t>(46000 + (http_port % 50) * 20);
      return tessera::testing::ApiTestConfigToml(dir_, http_port, rtp_min, 2) +
             "[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 15\nbitrate_kbps = 500\n"
             "[[rooms]]\nid = \"1000\"\ndemo_participants = 2\n";
    })) << "tessera did not start";
    port_ = tessera_.http_port();
    process_ = tessera_.process();
  }
  void TearDown() override {
    if (process_ && process_->running()) {
      EXPECT_EQ(tessera_.Stop(), 0) << process_->output();
    }
  }

  // JSON bodies get their content type; GETs and DELETEs go without one.
  HttpResult Send(std::string method, std::string target, std::string body = {},
                  const char* token = tessera::testing::kTestApiToken) {
    const std::string type = body.empty() ? "" : "application/json";
    return tessera_.Send(std::move(method), std::move(target), std::move(body), type, token);
  }
  static json Body(const HttpResult& r) { return json::parse(r.body, nullptr, false); }

  // Polls (bounded) the stream at `location` until it is live with `frames` video frames.
  json WaitForFrames(const std::string& location, int frames, std::chrono::seconds timeout = 20s) {
    json last;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      last = Body(Send("GET", location));
      if (last.is_object() && last.value("state", "") == "live" && last.value("video_frames", 0) >= frames) break;
      std::this_thread::sleep_for(100ms);
    }
    return last;
  }

  tessera::testing::TempDir dir_;
  tessera::testing::TesseraWithApi tessera_;
  uint16_t port_ = 0;
  Subprocess* process_ = nullptr;  // tessera_'s
};

struct Probe {
  std::string codecs;  // "h264,aac"
  int video_frames = 0;
  std::string raw;
};

Probe ProbeFile(const std::filesystem::path& file) {
  const auto r = RunProgram({"ffprobe", "-v", "error", "-count_frames", "-show_entries",
                             "stream=codec_name,nb_read_frames", "-of", "csv=p=0", file.string()},
                            60s);
  Probe p;
  p.raw = r.output;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    const auto comma = line.find(',');
    const std::string codec = line.substr(0, comma);
    // MPEG-TS lists its streams twice (under the program too).
    if (codec.empty() || ("," + p.codecs + ",").find("," + codec + ",") != std::string::npos) continue;
    p.codecs += (p.codecs.empty() ? "" : ",") + codec;
    if (codec == "h264" && comma != std::string::npos) p.video_frames = std::atoi(line.c_str() + comma + 1);
  }
  return p;
}

TEST_F(StreamsOnTessera, ARecordingCutBySigkillPlaysUpToItsLastFragment) {
  const HttpResult started = Send("POST", "/api/v1/rooms/1000/recordings", R"({"name":"crash","height":360})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string location = started.headers.count("location") ? started.headers.at("location") : "";
  ASSERT_FALSE(location.empty());
  const json live = WaitForFrames(location, 75);
  ASSERT_GE(live.value("video_frames", 0), 75) << live.dump();
  ASSERT_TRUE(process_->Signal(SIGKILL));
  ASSERT_TRUE(process_->WaitForExit(10s));
  const auto file = dir_.path() / "rec" / "crash.mp4";
  ASSERT_TRUE(std::filesystem::exists(file));
  const Probe p = ProbeFile(file);
  EXPECT_EQ(p.codecs, "h264,aac") << p.raw;
  // Fragments end at keyframes, every 2 s (30 frames at 15 fps): of 75 frames written,
  // at least the first two fragments are complete.
  EXPECT_GE(p.video_frames, 30) << p.raw;
}

TEST_F(StreamsOnTessera, HlsIsServedOverHttpAndPlays) {
  const HttpResult started =
      Send("POST", "/api/v1/rooms/1000/broadcasts", R"({"kind":"hls","target":"main","height":360})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string location = started.headers.at("location");
  ASSERT_GE(WaitForFrames(location, 75).value("video_frames", 0), 75);

  EXPECT_EQ(Send("GET", "/hls/1000/main/index.m3u8", {}, nullptr).status, 401);
  const HttpResult playlist = Send("GET", "/hls/1000/main/index.m3u8", {}, tessera::testing::kTestReadOnlyToken);
  ASSERT_EQ(playlist.status, 200) << playlist.body;
  std::smatch segment;
  ASSERT_TRUE(std::regex_search(playlist.body, segment, std::regex("segment\\d+\\.ts"))) << playlist.body;
  const HttpResult ts = Send("GET", "/hls/1000/main/" + segment.str(), {}, tessera::testing::kTestReadOnlyToken);
  ASSERT_EQ(ts.status, 200);
  const auto fetched = dir_.path() / "fetched.ts";
  std::ofstream(fetched, std::ios::binary) << ts.body;
  const Probe p = ProbeFile(fetched);
  EXPECT_EQ(p.codecs, "h264,aac") << p.raw;
  EXPECT_GE(p.video_frames, 20) << p.raw;  // one 2 s segment at 15 fps
  EXPECT_EQ(Send("GET", "/hls/1000/main/..%2F..%2Ft.toml", {}, tessera::testing::kTestReadOnlyToken).status, 404);

  EXPECT_EQ(Send("DELETE", location).status, 204);
  EXPECT_EQ(Send("DELETE", location).status, 409);
}

TEST_F(StreamsOnTessera, AFinishedRecordingIsListedAndDownloadsByteForByte) {
  const HttpResult started = Send("POST", "/api/v1/rooms/1000/recordings", R"({"name":"minutes","height":360})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string location = started.headers.at("location");
  ASSERT_GE(WaitForFrames(location, 45).value("video_frames", 0), 45);
  EXPECT_EQ(Send("POST", "/api/v1/rooms/1000/recordings", R"({"name":"minutes"})").status, 409);
  EXPECT_EQ(Send("DELETE", location).status, 204);

  const json files = Body(Send("GET", "/api/v1/recordings", {}, tessera::testing::kTestReadOnlyToken));
  ASSERT_TRUE(files.contains("recordings")) << files.dump();
  ASSERT_EQ(files["recordings"].size(), 1u) << files.dump();
  EXPECT_EQ(files["recordings"][0].value("name", ""), "minutes.mp4");
  const HttpResult download = Send("GET", "/api/v1/recordings/minutes.mp4", {}, tessera::testing::kTestReadOnlyToken);
  ASSERT_EQ(download.status, 200);
  const auto file = dir_.path() / "rec" / "minutes.mp4";
  EXPECT_EQ(download.body.size(), std::filesystem::file_size(file));
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(download.body == bytes);
  const Probe p = ProbeFile(file);
  EXPECT_EQ(p.codecs, "h264,aac") << p.raw;
  EXPECT_GE(p.video_frames, 45) << p.raw;
}

TEST_F(StreamsOnTessera, ARecordingAboveTheRoomsRungsIsEncodedAtItsOwnHeight) {
  // The room's only rung is 360p; a 720p recording gets an output of its own.
  const HttpResult started = Send("POST", "/api/v1/rooms/1000/recordings", R"({"name":"hd","height":720})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string location = started.headers.at("location");
  ASSERT_GE(WaitForFrames(location, 20).value("video_frames", 0), 20);
  EXPECT_EQ(Send("DELETE", location).status, 204);
  const auto r = RunProgram({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                             "-of", "csv=p=0", (dir_.path() / "rec" / "hd.mp4").string()},
                            30s);
  EXPECT_EQ(r.output.substr(0, r.output.find_first_of("\r\n")), "1280,720") << r.output;
  const Probe p = ProbeFile(dir_.path() / "rec" / "hd.mp4");
  EXPECT_EQ(p.codecs, "h264,aac") << p.raw;
  EXPECT_GE(p.video_frames, 20) << p.raw;
}

}  // namespace
}  // namespace tessera::mcu

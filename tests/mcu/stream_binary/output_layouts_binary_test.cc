// Layouts per output on the real tessera binary: a room whose 360p rung has a layout of its
// own encodes a different picture on that rung than on 720p. Recordings tap each rung's
// output (not encoded again), and ffmpeg decodes what was really encoded: the room's
// layout puts the only tile on the left half, the 360p rung's own on the right. Clearing
// the rung's layout through the API moves the running recording onto the room's picture.
// A recording (or broadcast) can also ask for a layout of its own, apart from its rung's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "tessera/testing/api_token.h"
#include "tessera/testing/event_client.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"
#include "tessera/testing/tessera_with_api.h"

namespace tessera::mcu {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using tessera::testing::HttpResult;
using tessera::testing::RunProgram;

// Frames are decoded at this size: enough to tell the halves apart.
constexpr int kGrayWidth = 64;
constexpr int kGrayHeight = 36;

class OutputLayoutsOnTessera : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tessera_.Start(dir_, [&](uint16_t http_port) {
      const uint16_t rtp_min = static_cast<uint16_t>(47000 + (http_port % 50) * 20);
      return tessera::testing::ApiTestConfigToml(dir_, http_port, rtp_min, 2) +
             "[[rungs]]\nname = \"720p\"\nwidth = 1280\nheight = 720\nfps = 10\nbitrate_kbps = 800\n"
             "[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 10\nbitrate_kbps = 400\n"
             "[[layouts]]\nname = \"left-half\"\ntiles = [ { x = 0, y = 0, width = 0.5, height = 1, fit = \"crop\" } "
             "]\n"
             "[[layouts]]\nname = \"right-half\"\ntiles = [ { x = 0.5, y = 0, width = 0.5, height = 1, fit = \"crop\" "
             "} ]\n"
             "[[rooms]]\nid = \"1000\"\ndemo_participants = 2\nlayout = \"left-half\"\n"
             "output_layouts = { \"360p\" = \"right-half\" }\n";
    })) << "tessera did not start";
  }
  void TearDown() override {
    if (tessera_.process() && tessera_.process()->running()) {
      EXPECT_EQ(tessera_.Stop(), 0) << tessera_.process()->output();
    }
  }

  HttpResult Send(std::string method, std::string target, std::string body = {}) {
    const std::string type = body.empty() ? "" : "application/json";
    return tessera_.Send(std::move(method), std::move(target), std::move(body), type, tessera::testing::kTestApiToken);
  }
  static json Body(const HttpResult& r) { return json::parse(r.body, nullptr, false); }

  // Starts a recording of the room's output of `height` (with a layout of its own if
  // `layout` is not null); returns its location.
  std::string Record(const std::string& name, int height, const json& layout = nullptr) {
    json body{{"name", name}, {"height", height}};
    if (!layout.is_null()) body["layout"] = layout;
    const HttpResult r = Send("POST", "/api/v1/rooms/1000/recordings", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.headers.count("location") ? r.headers.at("location") : "";
  }

  // Polls (bounded) until the stream at `location` has written `frames` video frames;
  // returns how many it had.
  int WaitForFrames(const std::string& location, int frames, std::chrono::seconds timeout = 30s) {
    int seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const json s = Body(Send("GET", location));
      if (s.is_object()) seen = s.value("video_frames", 0);
      if (seen >= frames) break;
      std::this_thread::sleep_for(100ms);
    }
    return seen;
  }

  // Every frame of the recording, decoded by ffmpeg to kGrayWidth x kGrayHeight luma.
  std::vector<std::string> DecodeGray(const std::string& name) {
    const auto out = dir_.path() / (name + ".gray");
    const auto r = RunProgram({"ffmpeg", "-v", "error", "-y", "-i", (dir_.path() / "rec" / (name + ".mp4")).string(),
                               "-vf", "scale=" + std::to_string(kGrayWidth) + ":" + std::to_string(kGrayHeight),
                               "-pix_fmt", "gray", "-f", "rawvideo", out.string()},
                              60s);
    EXPECT_EQ(r.exit_status, 0) << r.output;
    std::ifstream file(out, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::vector<std::string> frames;
    const size_t size = kGrayWidth * kGrayHeight;
    for (size_t at = 0; at + size <= bytes.size(); at += size)
      frames.push_back(bytes.substr(at, size));
    return frames;
  }

  tessera::testing::TempDir dir_;
  tessera::testing::TesseraWithApi tessera_;
};

// Mean luma of the left and the right half of a gray frame, leaving a margin at the seam
// (scaling blurs it).
std::pair<double, double> HalvesLuma(const std::string& gray, int width, int height) {
  double left = 0;
  double right = 0;
  const int margin = width / 16;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width / 2 - margin; ++x) {
      left += static_cast<unsigned char>(gray[static_cast<size_t>(y * width + x)]);
      right += static_cast<unsigned char>(gray[static_cast<size_t>(y * width + width - 1 - x)]);
    }
  const double n = (width / 2 - margin) * height;
  return {left / n, right / n};
}

// The demo participants' pictures (luma about 80 and 145) fill the tile (cropped); the background
// beside it stays dark (about 24).
constexpr double kLitOverDark = 25;

TEST_F(OutputLayoutsOnTessera, EachRungEncodesItsOwnLayoutAndClearingItFollowsTheRoom) {
  // What the API says before anything runs.
  const json outputs = Body(Send("GET", "/api/v1/rooms/1000/outputs"));
  ASSERT_TRUE(outputs.contains("outputs")) << outputs.dump();
  ASSERT_EQ(outputs["outputs"].size(), 2u) << outputs.dump();
  EXPECT_EQ(outputs["outputs"][0]["output"], "720p");
  EXPECT_EQ(outputs["outputs"][0]["layout"], "left-half");
  EXPECT_EQ(outputs["outputs"][0]["own"], false);
  EXPECT_EQ(outputs["outputs"][1]["output"], "360p");
  EXPECT_EQ(outputs["outputs"][1]["layout"], "right-half");
  EXPECT_EQ(outputs["outputs"][1]["own"], true);
  EXPECT_EQ(outputs["outputs"][1]["custom"]["tiles"][0]["x"], 0.5);
  EXPECT_EQ(Body(Send("GET", "/api/v1/rooms/1000"))["output_layouts"], json({{"360p", "right-half"}}));

  const std::string room = Record("room", 720);
  const std::string phone = Record("phone", 360);
  ASSERT_FALSE(room.empty());
  ASSERT_FALSE(phone.empty());
  ASSERT_GE(WaitForFrames(room, 20), 20);
  const int before = WaitForFrames(phone, 20);
  ASSERT_GE(before, 20);

  // The 360p picture as composed (its own canvas), through the preview.
  const HttpResult preview = Send("GET", "/api/v1/rooms/1000/outputs/360p/layout/preview.png?width=64&height=36");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.headers.at("content-type"), "image/png");

  // Back to the room's layout: the running recording moves to the room's picture.
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/outputs/360p/layout").status, 204);
  const json cleared = Body(Send("GET", "/api/v1/rooms/1000/outputs/360p/layout"));
  EXPECT_EQ(cleared["own"], false);
  EXPECT_EQ(cleared["layout"], "left-half");
  EXPECT_GE(WaitForFrames(phone, before + 30), before + 30);
  EXPECT_EQ(Send("DELETE", room).status, 204);
  EXPECT_EQ(Send("DELETE", phone).status, 204);

  const std::vector<std::string> room_frames = DecodeGray("room");
  const std::vector<std::string> phone_frames = DecodeGray("phone");
  ASSERT_GE(room_frames.size(), 20u);
  ASSERT_GE(phone_frames.size(), 40u);
  for (const auto* frame : {&room_frames.front(), &room_frames.back()}) {
    const auto [left, right] = HalvesLuma(*frame, kGrayWidth, kGrayHeight);
    EXPECT_GT(left, right + kLitOverDark) << "720p shows the room's layout: left " << left << ", right " << right;
  }
  const auto [first_left, first_right] = HalvesLuma(phone_frames.front(), kGrayWidth, kGrayHeight);
  EXPECT_GT(first_right, first_left + kLitOverDark)
      << "360p first showed its own layout: left " << first_left << ", right " << first_right;
  const auto [last_left, last_right] = HalvesLuma(phone_frames.back(), kGrayWidth, kGrayHeight);
  EXPECT_GT(last_left, last_right + kLitOverDark)
      << "360p then followed the room's: left " << last_left << ", right " << last_right;
}

TEST_F(OutputLayoutsOnTessera, OutputLayoutRequestsAreCheckedAndAnnounced) {
  tessera::testing::EventClient events;
  ASSERT_TRUE(events.Connect(tessera_.http_port(), "/api/v1/events", tessera::testing::kTestReadOnlyToken));

  // A layout of its own through the API, by name then by tiles.
  HttpResult set = Send("PUT", "/api/v1/rooms/1000/outputs/720p/layout", R"({"layout":"right-half"})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Body(set)["own"], true);
  EXPECT_EQ(Body(set)["layout"], "right-half");
  const auto changed = events.NextMatching([](const json& e) { return e["type"] == "layout.changed"; }, 10s);
  ASSERT_TRUE(changed) << "no layout.changed event";
  EXPECT_EQ((*changed)["room"], "1000");
  EXPECT_EQ((*changed)["data"]["output"], "720p");
  EXPECT_EQ((*changed)["data"]["layout"], "right-half");
  set = Send("PUT", "/api/v1/rooms/1000/outputs/720p/layout",
             R"({"layout":{"tiles":[{"x":0,"y":0,"width":1,"height":0.5}]}})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Body(set)["layout"], "custom");
  EXPECT_EQ(Body(set)["custom"]["tiles"][0]["height"], 0.5);
  EXPECT_EQ(Body(Send("GET", "/api/v1/rooms/1000"))["output_layouts"],
            json({{"720p", "custom"}, {"360p", "right-half"}}));
  // The room's own layout is not touched.
  EXPECT_EQ(Body(Send("GET", "/api/v1/rooms/1000/layout"))["layout"], "left-half");

  // Unknown outputs are 404, with the rungs the room has; bad layouts name the field.
  HttpResult bad = Send("PUT", "/api/v1/rooms/1000/outputs/4k/layout", R"({"layout":"2x2"})");
  EXPECT_EQ(bad.status, 404);
  EXPECT_THAT(bad.body, ::testing::HasSubstr("720p, 360p"));
  EXPECT_EQ(Send("GET", "/api/v1/rooms/1000/outputs/4k/layout").status, 404);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/outputs/4k/layout").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/rooms/1000/outputs/4k/layout/preview.png").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/rooms/nowhere/outputs/720p/layout").status, 404);
  bad = Send("PUT", "/api/v1/rooms/1000/outputs/720p/layout", R"({"layout":"nine-by-nine"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "layout");
  bad = Send("PUT", "/api/v1/rooms/1000/outputs/720p/layout",
             R"({"layout":{"tiles":[{"x":0.75,"y":0,"width":0.5,"height":1}]}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "layout.tiles[0].width");
  // A read-only token may look but not change.
  EXPECT_EQ(tessera_
                .Send("PUT", "/api/v1/rooms/1000/outputs/720p/layout", R"({"layout":"2x2"})", "application/json",
                      tessera::testing::kTestReadOnlyToken)
                .status,
            403);
  EXPECT_EQ(tessera_.Send("GET", "/api/v1/rooms/1000/outputs", "", "", tessera::testing::kTestReadOnlyToken).status,
            200);

  // Clearing twice is fine: the output follows the room's layout either way.
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/outputs/720p/layout").status, 204);
  EXPECT_EQ(Send("DELETE", "/api/v1/rooms/1000/outputs/720p/layout").status, 204);
  EXPECT_EQ(Body(Send("GET", "/api/v1/rooms/1000"))["output_layouts"], json({{"360p", "right-half"}}));
}

TEST_F(OutputLayoutsOnTessera, AStreamWithALayoutOfItsOwnShowsItWhateverItsRungShows) {
  // 720p shows the room's layout (left); "stage" asks for the right half by name. 360p shows
  // its rung's own (right); "tiles" asks for the left half by tiles.
  const std::string plain = Record("plain", 720);
  const std::string stage = Record("stage", 720, "right-half");
  const std::string tiles =
      Record("tiles", 360, {{"tiles", {{{"x", 0}, {"y", 0}, {"width", 0.5}, {"height", 1}, {"fit", "crop"}}}}});
  ASSERT_FALSE(plain.empty() || stage.empty() || tiles.empty());
  EXPECT_FALSE(Body(Send("GET", plain)).contains("layout"));
  EXPECT_EQ(Body(Send("GET", stage))["layout"], "right-half");
  EXPECT_EQ(Body(Send("GET", tiles))["layout"], "custom");
  for (const auto* location : {&plain, &stage, &tiles})
    ASSERT_GE(WaitForFrames(*location, 20), 20) << *location;
  // The rungs' layouts are not touched.
  const json outputs = Body(Send("GET", "/api/v1/rooms/1000/outputs"));
  EXPECT_EQ(outputs["outputs"][0]["layout"], "left-half");
  EXPECT_EQ(outputs["outputs"][1]["layout"], "right-half");
  for (const auto* location : {&plain, &stage, &tiles})
    EXPECT_EQ(Send("DELETE", *location).status, 204);

  auto lit = [&](const std::string& name, bool left) {
    const std::vector<std::string> frames = DecodeGray(name);
    ASSERT_GE(frames.size(), 20u) << name;
    for (const auto* frame : {&frames.front(), &frames.back()}) {
      const auto [l, r] = HalvesLuma(*frame, kGrayWidth, kGrayHeight);
      if (left)
        EXPECT_GT(l, r + kLitOverDark) << name << ": left " << l << ", right " << r;
      else
        EXPECT_GT(r, l + kLitOverDark) << name << ": left " << l << ", right " << r;
    }
  };
  lit("plain", true);
  lit("stage", false);
  lit("tiles", true);

  // Bad layouts are refused before anything starts, naming the field.
  HttpResult bad = Send("POST", "/api/v1/rooms/1000/recordings", R"({"name":"x","layout":"nine-by-nine"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_THAT(bad.body, ::testing::HasSubstr("nine-by-nine"));
  EXPECT_EQ(Body(bad)["error"]["field"], "layout");
  bad = Send("POST", "/api/v1/rooms/1000/broadcasts",
             R"({"kind":"hls","target":"h","layout":{"tiles":[{"x":0.75,"y":0,"width":0.5,"height":1}]}})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Body(bad)["error"]["field"], "layout.tiles[0].width");
  bad = Send("POST", "/api/v1/rooms/1000/recordings", R"({"name":"y","layout":42})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Body(bad)["error"]["field"], "layout");
  EXPECT_TRUE(Body(Send("GET", "/api/v1/rooms/1000/recordings"))["recordings"].size() == 3u);
}

}  // namespace
}  // namespace tessera::mcu

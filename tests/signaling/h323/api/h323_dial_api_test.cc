// POST /api/v1/rooms/{room}/dial with an h323: address on the real tessera binary: the
// H323Dialer places the call, here into the same server's H.323 listener (room "a" calls
// room "b" by its alias 4000), in the H.245 mode the address's ";h245=" suffix names. The
// call's answer in the log says which mode ran; both rooms' participant stats show the
// other side's audio and video arriving and decoding. Bad addresses are refused with 400
// naming the field.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "tessera/testing/api_token.h"
#include "tessera/testing/event_client.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"
#include "tessera/testing/tessera_with_api.h"

namespace tessera::signaling::h323 {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using tessera::testing::HttpRequestSpec;
using tessera::testing::HttpResult;
using tessera::testing::Subprocess;

struct ModeCase {
  const char* name;
  const char* suffix;    // of the dialled address
  const char* answered;  // what the answering side logs
};

class H323DialApiOnTessera : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tessera_.Start(dir_, [&](uint16_t http_port) {
      h323_port_ = tessera::testing::FreeTcpPort();  // a new one for each attempt, like the HTTP port
      const uint16_t rtp_min = static_cast<uint16_t>(46000 + (http_port % 50) * 40);
      return "[sip]\nudp = \"\"\ntcp = \"\"\n[server]\nworker_threads = 1\n[rtp]\naddress = \"127.0.0.1\"\n"
             "port_min = " +
             std::to_string(rtp_min) + "\nport_max = " + std::to_string(rtp_min + 39) +
             "\n[h323]\nenabled = true\nlisten = \"127.0.0.1:" + std::to_string(h323_port_) +
             "\"\n[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port) + "\"\n" +
             tessera::testing::TestApiTokensToml() +
             "[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 15\nbitrate_kbps = 500\n"
             "[[rooms]]\nid = \"a\"\ndemo_participants = 1\n"
             "[[rooms]]\nid = \"b\"\naliases = [\"4000\"]\ndemo_participants = 1\n";
    })) << "tessera did not start";
    http_port_ = tessera_.http_port();
    process_ = tessera_.process();
  }
  void TearDown() override {
    if (process_) EXPECT_EQ(tessera_.Stop(), 0) << process_->output();
  }

  HttpResult Send(std::string method, std::string target, std::string body = {}) {
    return tessera_.Send(std::move(method), std::move(target), std::move(body));
  }

  // The room's H.323 participant, if it has one.
  json H323Participant(const std::string& room) {
    const HttpResult r = Send("GET", "/api/v1/rooms/" + room + "/participants");
    const json list = json::parse(r.body, nullptr, false);
    const json& items = list.is_object() && list.contains("participants") ? list["participants"] : list;
    if (!items.is_array()) return nullptr;
    for (const json& p : items)
      if (p.value("protocol", "") == "h323") return p;
    return nullptr;
  }

  // Received audio packets and decoded pictures of the room's H.323 participant.
  static bool Receiving(const json& p) {
    return p.is_object() && p["audio"].is_object() && p["video"].is_object() &&
           p["audio"].value("packets_received", 0) >= 50 && p["video"].value("frames_decoded", 0) >= 10;
  }

  tessera::testing::TempDir dir_;
  uint16_t http_port_ = 0;
  uint16_t h323_port_ = 0;
  tessera::testing::TesseraWithApi tessera_;
  Subprocess* process_ = nullptr;  // tessera_'s
};

class H323DialApiModes : public H323DialApiOnTessera, public ::testing::WithParamInterface<ModeCase> {};

TEST_P(H323DialApiModes, ADialThroughTheApiJoinsTheOtherRoomInTheChosenH245Mode) {
  const std::string uri = "h323:4000@127.0.0.1:" + std::to_string(h323_port_) + GetParam().suffix;
  const HttpResult r = Send("POST", "/api/v1/rooms/a/dial", json{{"uri", uri}}.dump());
  ASSERT_EQ(r.status, 202) << r.body;
  const json body = json::parse(r.body, nullptr, false);
  EXPECT_TRUE(body.value("call", "").starts_with("h323-")) << r.body;
  EXPECT_EQ(body.value("uri", ""), uri);

  json a, b;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline && !(Receiving(a) && Receiving(b))) {
    std::this_thread::sleep_for(200ms);  // polling the stats against a deadline
    a = H323Participant("a");
    b = H323Participant("b");
  }
  EXPECT_TRUE(Receiving(a)) << "room a's dial-out: " << a.dump();
  EXPECT_TRUE(Receiving(b)) << "room b's dial-in: " << b.dump();
  EXPECT_TRUE(process_->WaitForOutput(GetParam().answered, 1s)) << process_->output();
}

INSTANTIATE_TEST_SUITE_P(
    Modes, H323DialApiModes,
    ::testing::Values(ModeCase{"Default", "", "answered (H.245 tunnelled, fast start)"},
                      ModeCase{"FastStart", ";h245=fast-start", "answered (H.245 tunnelled, fast start)"},
                      ModeCase{"Tunnelled", ";h245=tunnelled", "answered (H.245 tunnelled)"},
                      ModeCase{"Separate", ";h245=separate", "answered (separate H.245)"}),
    [](const ::testing::TestParamInfo<ModeCase>& param_info) { return std::string(param_info.param.name); });

TEST_F(H323DialApiOnTessera, BadH323AddressesAreRefusedNamingTheField) {
  for (const std::string uri : {"h323:no-host", "h323:4000@127.0.0.1;h245=slow", "h323:4000@127.0.0.1:0"}) {
    const HttpResult r = Send("POST", "/api/v1/rooms/a/dial", json{{"uri", uri}}.dump());
    EXPECT_EQ(r.status, 400) << uri << ": " << r.body;
    const json body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body["error"].value("field", ""), "uri") << r.body;
    EXPECT_NE(body["error"].value("message", "").find("h245="), std::string::npos) << r.body;
  }
  const HttpResult unknown_room =
      Send("POST", "/api/v1/rooms/nowhere/dial", json{{"uri", "h323:127.0.0.1:" + std::to_string(h323_port_)}}.dump());
  EXPECT_EQ(unknown_room.status, 404) << unknown_room.body;
}

// An operator ends an H.323 call through the API: room "a" dials room "b" (alias 4000);
// kicking a's H.323 participant, or deleting room "a", releases the call (RELEASE COMPLETE
// after endSessionCommand, cause 16 normal clearing), so the called side's participant
// leaves room "b" too.
class H323Kick : public H323DialApiOnTessera {
 protected:
  // Dials b from a and waits until both rooms have their H.323 participant; a's id.
  std::string DialAndWaitForBothLegs() {
    const std::string uri = "h323:4000@127.0.0.1:" + std::to_string(h323_port_);
    const HttpResult r = Send("POST", "/api/v1/rooms/a/dial", json{{"uri", uri}}.dump());
    EXPECT_EQ(r.status, 202) << r.body;
    json a, b;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline && (a.is_null() || b.is_null())) {
      std::this_thread::sleep_for(100ms);  // polling the participant lists against a deadline
      a = H323Participant("a");
      b = H323Participant("b");
    }
    EXPECT_FALSE(a.is_null() || b.is_null()) << process_->output();
    EXPECT_TRUE(process_->WaitForOutput(") connected:", 10s)) << process_->output();
    return a.is_null() ? std::string() : a.value("id", "");
  }
  // Polls until room b has no H.323 participant left.
  bool CalledSideLeft() {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (H323Participant("b").is_null()) return true;
      std::this_thread::sleep_for(100ms);  // polling the participant list against a deadline
    }
    return false;
  }
};

TEST_F(H323Kick, AKickedH323ParticipantsCallIsReleasedWithNormalClearing) {
  const std::string id = DialAndWaitForBothLegs();
  ASSERT_FALSE(id.empty());
  const HttpResult kicked = Send("DELETE", "/api/v1/rooms/a/participants/" + id);
  EXPECT_EQ(kicked.status, 204) << kicked.body;
  EXPECT_TRUE(process_->WaitForOutput("ending, removed by the operator", 5s)) << process_->output();
  EXPECT_TRUE(process_->WaitForOutput("left room a (cause 16: removed by the operator)", 5s)) << process_->output();
  EXPECT_TRUE(process_->WaitForOutput("left room b (cause 16", 5s)) << process_->output();
  EXPECT_TRUE(H323Participant("a").is_null());
  EXPECT_TRUE(CalledSideLeft());
}

TEST_F(H323Kick, DeletingTheRoomReleasesItsH323Call) {
  ASSERT_FALSE(DialAndWaitForBothLegs().empty());
  const HttpResult deleted = Send("DELETE", "/api/v1/rooms/a");
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_TRUE(process_->WaitForOutput("left room a (cause 16: the room was deleted)", 5s)) << process_->output();
  EXPECT_TRUE(process_->WaitForOutput("left room b (cause 16", 5s)) << process_->output();
  EXPECT_TRUE(CalledSideLeft());
}

// Nobody listens at the dialled address: the call fails, and an operator watching the
// event stream is told so.
TEST_F(H323DialApiOnTessera, ADialOutNobodyAnswersIsReportedAsAnErrorEvent) {
  tessera::testing::EventClient events;
  ASSERT_TRUE(events.Connect(http_port_, "/api/v1/events", tessera::testing::kTestReadOnlyToken));
  const uint16_t closed = tessera::testing::FreeTcpPort();  // free: nothing listens there
  const std::string uri = "h323:4000@127.0.0.1:" + std::to_string(closed);
  const HttpResult r = Send("POST", "/api/v1/rooms/a/dial", json{{"uri", uri}}.dump());
  ASSERT_EQ(r.status, 202) << r.body;
  std::vector<json> seen;
  const auto error = events.NextMatching([](const json& e) { return e["type"] == "error"; }, 15s, &seen);
  ASSERT_TRUE(error) << "no error event; saw " << json(seen).dump();
  EXPECT_EQ((*error)["room"], "a");
  EXPECT_EQ((*error)["data"]["code"], "dial_out_failed");
  EXPECT_EQ((*error)["data"]["uri"], uri);
  EXPECT_NE((*error)["data"]["message"].get<std::string>().find("ended before it was answered"), std::string::npos);
}

}  // namespace
}  // namespace tessera::signaling::h323

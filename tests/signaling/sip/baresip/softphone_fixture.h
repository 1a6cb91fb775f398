#pragma once
// SoftphoneFixture: the real tessera binary for softphone integration tests (SIP on UDP,
// the HTTP API, one 360p rung), with baresip's own voice (an 880 Hz WAV) ready and
// plain-RTP endpoints added through the HTTP API. Used by the baresip tests here and by the
// H.323-and-SIP room test (tests/signaling/h323/sip_mixed).
//
// Thread: the test's thread.

#include <signal.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "baresip_peer.h"
#include "conference_harness.h"
#include "tessera/testing/api_token.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::signaling::sip::testing {

class SoftphoneFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    // baresip's own voice: 880 Hz, 48 kHz mono S16 (aufile needs exactly its configured format).
    tone_ = temp_.path() / "tone880.wav";
    std::string error;
    ASSERT_TRUE(WriteToneWav(tone_, 880, 40, &error)) << error;
  }
  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      EXPECT_EQ(server_->WaitForExit(std::chrono::seconds(20)), 0) << server_->output();
    }
  }

  // Starts tessera; `more_toml` (rooms, other sections) follows the common sections and may
  // use the placeholder "{h323_port}" for a free TCP port chosen with the others.
  void StartTessera(const std::string& more_toml) {
    for (int attempt = 0; attempt < 3 && !server_; ++attempt) {
      http_port_ = tessera::testing::FreeTcpPort();
      sip_port_ = tessera::testing::FreeUdpPort();
      h323_port_ = tessera::testing::FreeTcpPort();
      std::string more = more_toml;
      for (size_t at; (at = more.find("{h323_port}")) != std::string::npos;)
        more.replace(at, 11, std::to_string(h323_port_));
      const uint16_t rtp_min = static_cast<uint16_t>(30000 + (sip_port_ % 200) * 100);
      const auto config = temp_.WriteFile(
          "tessera.toml",
          "[server]\nworker_threads = 2\n[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port_) +
              "\"\n[sip]\nudp = \"127.0.0.1:" + std::to_string(sip_port_) +
              "\"\ntcp = \"\"\n[rtp]\naddress = \"127.0.0.1\"\nport_min = " + std::to_string(rtp_min) +
              "\nport_max = " + std::to_string(rtp_min + 99) +
              "\n[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 15\nbitrate_kbps = 600\n" + more +
              tessera::testing::TestApiTokensToml());
      auto p = tessera::testing::Subprocess::Start(
          {tessera::testing::TesseraBinary().string(), "--config", config.string()});
      ASSERT_TRUE(p);
      if (p->WaitForOutput("started with", std::chrono::seconds(20))) server_ = std::move(p);
    }
    ASSERT_TRUE(server_) << "tessera did not start";
  }

  // Adds a plain-RTP endpoint to `room` by its SDP offer through the HTTP API; the SDP
  // answer, or nullopt (and a test failure).
  std::optional<std::string> AddEndpoint(const std::string& room, const std::string& offer) {
    tessera::testing::HttpRequestSpec request{"POST", "/api/v1/rooms/" + room + "/endpoints", {}, offer};
    request.headers["Content-Type"] = "application/sdp";
    tessera::testing::WithTestToken(request);
    auto r = tessera::testing::HttpRequest("127.0.0.1", http_port_, request, std::chrono::seconds(10));
    if (!r || r->status != 201) {
      ADD_FAILURE() << "endpoint not added to " << room << ": " << (r ? r->body : "no answer");
      return std::nullopt;
    }
    return r->body;
  }

  // Hangs the phone up, lets it quit and returns what it received as 48 kHz mono samples
  // (empty, with a test failure, if it recorded nothing).
  std::vector<int16_t> HangUpAndTakeAudio(BaresipPeer& phone) {
    EXPECT_TRUE(phone.Command("hangup"));
    EXPECT_TRUE(phone.WaitForEvent("CALL_CLOSED", std::chrono::seconds(10)));
    EXPECT_EQ(phone.Quit(std::chrono::seconds(10)), 0);
    const auto wav = phone.ReceivedWav();
    if (!wav) {
      ADD_FAILURE() << "baresip wrote no received-audio recording:\n" << phone.log();
      return {};
    }
    const auto mono = temp_.path() / "received_mono.wav";
    std::string error;
    if (!ToMono48kWav(*wav, mono, &error)) {
      ADD_FAILURE() << error;
      return {};
    }
    return mcu::conference::testing::ReadWav(mono);
  }

  tessera::testing::TempDir temp_;
  std::filesystem::path tone_;
  uint16_t http_port_ = 0;
  uint16_t sip_port_ = 0;
  uint16_t h323_port_ = 0;
  std::unique_ptr<tessera::testing::Subprocess> server_;
};

}  // namespace tessera::signaling::sip::testing

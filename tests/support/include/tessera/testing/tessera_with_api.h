#pragma once
// The real tessera binary with its control API listening on a free port, for integration
// tests that drive it over HTTP. A free port can be taken by another process before the
// binary binds it, so up to three ports are tried.
//
//   tessera::testing::TesseraWithApi tessera;
//   ASSERT_TRUE(tessera.Start(dir_, [&](uint16_t http_port) { return "...[http]\nlisten = ..."; }));
//   const HttpResult r = tessera.Send("GET", "/api/v1/rooms");
//
// Thread safety: one test thread.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "tessera/testing/api_token.h"
#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::testing {

// The start of a config for these tests: SIP off, `worker_threads` media threads, 20 RTP
// ports from `rtp_base` on 127.0.0.1, recordings and HLS under `dir` (rec/, hls/), the API
// on 127.0.0.1:<http_port> (with `http_extra`, more [http] keys) and the test tokens.
// Rungs, layouts and rooms follow.
inline std::string ApiTestConfigToml(const TempDir& dir, uint16_t http_port, uint16_t rtp_base, int worker_threads,
                                     const std::string& http_extra = {}) {
  return "[sip]\nudp = \"\"\ntcp = \"\"\n[server]\nworker_threads = " + std::to_string(worker_threads) +
         "\n[rtp]\naddress = \"127.0.0.1\"\nport_min = " + std::to_string(rtp_base) +
         "\nport_max = " + std::to_string(rtp_base + 19) + "\n[streaming]\nrecordings_dir = \"" +
         (dir.path() / "rec").string() + "\"\nhls_dir = \"" + (dir.path() / "hls").string() +
         "\"\n[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port) + "\"\n" + http_extra + TestApiTokensToml();
}

class TesseraWithApi {
 public:
  // `config_for(http_port)` gives the config text; it must set [http] listen to
  // 127.0.0.1:<http_port>. True once the binary says it is listening there.
  bool Start(const TempDir& dir, const std::function<std::string(uint16_t http_port)>& config_for) {
    using namespace std::chrono_literals;
    for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
      port_ = FreeTcpPort();
      const auto path = dir.WriteFile("tessera.toml", config_for(port_));
      auto p = Subprocess::Start({TesseraBinary().string(), "--config", path.string()});
      if (!p) return false;
      if (p->WaitForOutput("HTTP listening on 127.0.0.1:" + std::to_string(port_), 10s)) process_ = std::move(p);
    }
    return process_ != nullptr;
  }

  // SIGTERM, then the exit status (nullopt: it did not exit in time, or never started).
  std::optional<int> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    if (!process_ || !process_->running()) return process_ ? process_->WaitForExit(timeout) : std::nullopt;
    process_->Signal(SIGTERM);
    return process_->WaitForExit(timeout);
  }

  Subprocess* process() const { return process_.get(); }
  uint16_t http_port() const { return port_; }

  // A request to the API: `content_type` is set when not empty, `token` (Bearer) when not
  // null. A request that gets no answer fails the test and returns status 0.
  HttpResult Send(std::string method, std::string target, std::string body = {},
                  std::string content_type = "application/json", const char* token = kTestApiToken) {
    using namespace std::chrono_literals;
    HttpRequestSpec spec{std::move(method), std::move(target), {}, std::move(body)};
    if (!content_type.empty()) spec.headers["Content-Type"] = content_type;
    if (token) WithTestToken(spec, token);
    std::string error;
    auto r = HttpRequest("127.0.0.1", port_, spec, 10s, &error);
    EXPECT_TRUE(r) << error;
    return r ? *r : HttpResult{};
  }

 private:
  std::unique_ptr<Subprocess> process_;
  uint16_t port_ = 0;
};

}  // namespace tessera::testing

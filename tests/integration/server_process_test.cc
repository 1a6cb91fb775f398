// The tessera binary as a user runs it: flags, config validation with exit status 2 and a
// message naming file, line, key and expectation, start-up on a busy port, /healthz, and
// clean shutdown on SIGINT/SIGTERM within 2 s.
#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tessera/testing/http_client.h"
#include "tessera/testing/paths.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using testing::RunProgram;
using testing::Subprocess;

std::string Binary() {
  return testing::TesseraBinary().string();
}

// A config that binds only loopback ports chosen for this test.
std::string MinimalConfig(uint16_t http_port) {
  return "[sip]\nudp = \"\"\ntcp = \"\"\n[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port) +
         "\"\n[server]\nworker_threads = 2\n[[rooms]]\nid = \"1000\"\n";
}

TEST(TesseraBinary, HelpDocumentsFlagsAndExitStatuses) {
  auto r = RunProgram({Binary(), "--help"}, 10s);
  ASSERT_EQ(r.exit_status, 0) << r.output;
  for (const char* s : {"--config", "--check-config", "--log-level", "--debug", "--version", "Exit status"}) {
    EXPECT_THAT(r.output, HasSubstr(s));
  }
}

TEST(TesseraBinary, VersionListsCodecLibraries) {
  auto r = RunProgram({Binary(), "--version"}, 10s);
  ASSERT_EQ(r.exit_status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("tessera 0."));
  EXPECT_THAT(r.output, HasSubstr("x264 build"));
  EXPECT_THAT(r.output, HasSubstr("opus libopus"));
}

TEST(TesseraBinary, UnknownFlagExitsWith2) {
  auto r = RunProgram({Binary(), "--bogus"}, 10s);
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_THAT(r.output, HasSubstr("tessera: unknown option '--bogus'"));
}

TEST(TesseraBinary, CheckConfigAcceptsTheShippedConfig) {
  const std::string path = (testing::SourceDir() / "config" / "tessera.toml").string();
  auto r = RunProgram({Binary(), "--check-config", path}, 10s);
  EXPECT_EQ(r.exit_status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(path + ": configuration is valid (1 room(s), 4 rung(s))"));
}

struct BadConfigCase {
  const char* name;
  const char* content;
  const char* expected_line;  // after "tessera: config error: <file>"
};

void PrintTo(const BadConfigCase& c, std::ostream* os) {
  *os << c.name;
}

class TesseraBinaryBadConfig : public ::testing::TestWithParam<BadConfigCase> {};

TEST_P(TesseraBinaryBadConfig, ExitsWith2AndNamesFileLineKeyAndExpectation) {
  testing::TempDir dir;
  const auto path = dir.WriteFile("bad.toml", GetParam().content);
  // Both --check-config and a normal start must refuse the file the same way.
  for (bool check_only : {true, false}) {
    SCOPED_TRACE(check_only ? "--check-config" : "--config");
    auto r = RunProgram({Binary(), check_only ? "--check-config" : "--config", path.string()}, 10s);
    EXPECT_EQ(r.exit_status, 2) << r.output;
    EXPECT_THAT(r.output, HasSubstr("tessera: config error: " + path.string() + GetParam().expected_line));
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfError, TesseraBinaryBadConfig,
    ::testing::Values(
        BadConfigCase{"UnknownKey", "[http]\nlisen = \"127.0.0.1:80\"\n",
                      ":2:1: key 'http.lisen': unknown key; keys allowed in [http] are: "
                      "auth_failures_per_minute, body_limit_kib, event_history, idle_timeout_s, listen, tokens"},
        BadConfigCase{"WrongType", "[server]\nworker_threads = \"four\"\n",
                      ":2:18: key 'server.worker_threads': expected an integer from 0 to 256, got a string"},
        BadConfigCase{"OutOfRange", "[rtp]\nport_min = 80\n",
                      ":2:12: key 'rtp.port_min': expected an integer from 1024 to 65534, got 80"},
        BadConfigCase{"SyntaxError", "[http\n", ":1:"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(TesseraBinary, MissingConfigFileExitsWith2) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "absent.toml").string();
  auto r = RunProgram({Binary(), "--config", path}, 10s);
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_THAT(r.output, HasSubstr("tessera: config error: " + path + ": cannot read: No such file or directory"));
}

TEST(TesseraBinary, BusyHttpPortStopsStartupNamingThePort) {
  testing::BoundSocket busy("127.0.0.1", 0, /*tcp=*/true);
  ASSERT_TRUE(busy.ok());
  testing::TempDir dir;
  const auto path = dir.WriteFile("t.toml", MinimalConfig(busy.port()));
  auto r = RunProgram({Binary(), "--config", path.string()}, 10s);
  EXPECT_EQ(r.exit_status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("tessera: cannot listen on 127.0.0.1:" + std::to_string(busy.port()) +
                                  " (http.listen): Address already in use"));
}

class RunningTessera : public ::testing::Test {
 protected:
  void SetUp() override {
    // The port is chosen free but could be taken before tessera binds it; retry then.
    for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
      port_ = testing::FreeTcpPort();
      const auto path = dir_.WriteFile("t.toml", MinimalConfig(port_));
      auto p = Subprocess::Start({Binary(), "--config", path.string()});
      ASSERT_NE(p, nullptr);
      if (p->WaitForOutput("HTTP listening on 127.0.0.1:" + std::to_string(port_), 10s)) process_ = std::move(p);
    }
    ASSERT_NE(process_, nullptr) << "tessera did not start";
  }

  // Sends `signal` and expects a clean exit (status 0) within 2 s.
  void ExpectCleanShutdownOn(int signal) {
    ASSERT_TRUE(process_->Signal(signal));
    const auto start = std::chrono::steady_clock::now();
    const auto status = process_->WaitForExit(2s);
    ASSERT_TRUE(status.has_value()) << "still running 2 s after the signal\n" << process_->output();
    EXPECT_EQ(*status, 0) << process_->output();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_THAT(process_->output(), HasSubstr("shutting down"));
  }

  testing::TempDir dir_;
  uint16_t port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

TEST_F(RunningTessera, HealthzAnswers200WithVersionAndUptime) {
  std::string error;
  auto r = testing::HttpGet("127.0.0.1", port_, "/healthz", 5s, &error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["content-type"], "application/json");
  const auto json = nlohmann::json::parse(r->body);
  EXPECT_EQ(json["status"], "ok");
  EXPECT_THAT(json["version"].get<std::string>(), ::testing::StartsWith("0."));
  EXPECT_GE(json["uptime_seconds"].get<double>(), 0.0);
  EXPECT_TRUE(json["libraries"].contains("ffmpeg"));
}

TEST_F(RunningTessera, ShutsDownCleanlyOnSigterm) {
  ExpectCleanShutdownOn(SIGTERM);
}

TEST_F(RunningTessera, ShutsDownCleanlyOnSigint) {
  ExpectCleanShutdownOn(SIGINT);
}

TEST_F(RunningTessera, ShutsDownCleanlyWithAnIdleClientConnected) {
  // A client that connects and sends nothing must not hold shutdown back.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ExpectCleanShutdownOn(SIGTERM);
  close(fd);
}

}  // namespace
}  // namespace tessera

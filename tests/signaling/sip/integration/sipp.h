#pragma once
// Runs SIPp (Debian package sip-tester) for one scenario and reports what went wrong.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tessera/testing/ports.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::signaling::sip::testing {

inline std::filesystem::path Scenario(const std::string& name) {
  return std::filesystem::path(TESSERA_SIPP_SCENARIOS) / name;
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Instantiates a scenario template: @KEY@ -> value.
inline std::filesystem::path InstantiateScenario(const tessera::testing::TempDir& dir, const std::string& name,
                                                 const std::vector<std::pair<std::string, std::string>>& values) {
  std::string text = ReadFile(Scenario(name));
  for (const auto& [k, v] : values) {
    for (size_t pos; (pos = text.find("@" + k + "@")) != std::string::npos;)
      text.replace(pos, k.size() + 2, v);
  }
  std::string out_name = name.substr(0, name.size() - 3);  // drop ".in"
  return dir.WriteFile(out_name, text);
}

struct SippResult {
  std::optional<int> exit_status;
  std::string output;
  std::string Explain(const tessera::testing::TempDir& dir) const {
    return output + "\n--- errors ---\n" + ReadFile(dir.path() / "errors.log") + "\n--- messages ---\n" +
           ReadFile(dir.path() / "messages.log");
  }
};

// `args` are SIPp arguments after the scenario; -m 1, -nostdin, traces and a global
// timeout are added. Runs in `dir`.
inline SippResult RunSipp(const tessera::testing::TempDir& dir, const std::filesystem::path& scenario,
                          std::vector<std::string> args, std::chrono::seconds timeout = std::chrono::seconds(20)) {
  std::vector<std::string> argv = {"sipp", "-sf", scenario.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const char* a : {"-nostdin", "-timeout_error", "-trace_err", "-trace_msg"})
    argv.push_back(a);
  argv.insert(argv.end(),
              {"-timeout", std::to_string(timeout.count() - 2) + "s", "-error_file",
               (dir.path() / "errors.log").string(), "-message_file", (dir.path() / "messages.log").string()});
  auto r = tessera::testing::RunProgram(argv, timeout, {.working_directory = dir.path().string()});
  return {r.exit_status, r.output};
}

// True if a UDP socket is bound to `port` (read from /proc/net/udp, without touching it).
inline bool UdpPortBound(uint16_t port) {
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  for (const char* table : {"/proc/net/udp", "/proc/net/udp6"}) {
    std::ifstream in(table);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local;
      fields >> slot >> local;
      if (local.size() > 5 && local.compare(local.size() - 5, 5, want) == 0) return true;
    }
  }
  return false;
}

// Waits until something (SIPp) has bound UDP `port`; a bounded poll of a condition.
inline bool WaitForUdpListener(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!UdpPortBound(port)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace tessera::signaling::sip::testing

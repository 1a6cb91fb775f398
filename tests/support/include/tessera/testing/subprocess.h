#pragma once
// Subprocess: runs a real program (the tessera binary, ffmpeg, sipp, baresip ...) for an
// integration test, with its stdout and stderr merged into one pipe that the test can wait
// on. Every wait is bounded; the destructor kills and reaps whatever is still running.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::testing {

struct SubprocessOptions {
  std::string working_directory;                   // empty = inherit
  std::map<std::string, std::string> environment;  // added to (or replacing in) the parent's
  bool capture_output = true;                      // false = inherit the test's stdout/stderr
};

class Subprocess {
 public:
  // Starts argv[0] (looked up in PATH if it has no '/'). Returns nullptr and fills `error`
  // when the program cannot be started.
  static std::unique_ptr<Subprocess> Start(const std::vector<std::string>& argv, const SubprocessOptions& options = {},
                                           std::string* error = nullptr);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  // Waits until the merged output contains `needle`; false on timeout or if the process
  // exits without printing it.
  bool WaitForOutput(std::string_view needle, std::chrono::milliseconds timeout);
  // Waits for exit; returns the exit status, or 128 + signal number if killed by a signal;
  // nullopt on timeout.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);
  bool Signal(int signal);
  bool running();
  // Everything read from the process so far (call WaitFor... to read more).
  const std::string& output() const { return output_; }

 private:
  Subprocess() = default;
  // Reads what is available within `timeout`; false once the pipe is closed.
  bool Pump(std::chrono::milliseconds timeout);
  bool Reap(bool block);

  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::string output_;
  std::optional<int> exit_status_;
};

// Runs a program to completion (bounded by `timeout`, killed after it) and returns
// {exit status, merged output}; exit status is nullopt if it had to be killed.
struct RunResult {
  std::optional<int> exit_status;
  std::string output;
};
RunResult RunProgram(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                     const SubprocessOptions& options = {});

}  // namespace tessera::testing

#include "tessera/testing/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace tessera::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Remaining(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

}  // namespace

std::unique_ptr<Subprocess> Subprocess::Start(const std::vector<std::string>& argv, const SubprocessOptions& options,
                                              std::string* error) {
  if (argv.empty()) {
    if (error) *error = "empty argv";
    return nullptr;
  }
  int pipe_fds[2] = {-1, -1};
  if (options.capture_output && pipe2(pipe_fds, O_CLOEXEC) != 0) {
    if (error) *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }

  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv(*e);
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : options.environment)
    env[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args)
    argp.push_back(s.data());
  argp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.capture_output) {
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  }
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (!options.working_directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options.working_directory.c_str());
  }
  // The child gets default signal dispositions and an empty mask, whatever the test runner set.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // own process group: killing it takes its children too

  pid_t pid = -1;
  const bool search_path = argv[0].find('/') == std::string::npos;
  const int rc = search_path ? posix_spawnp(&pid, argp[0], &actions, &attr, argp.data(), envp.data())
                             : posix_spawn(&pid, argp[0], &actions, &attr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (options.capture_output) close(pipe_fds[1]);
  if (rc != 0) {
    if (options.capture_output) close(pipe_fds[0]);
    if (error) *error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return nullptr;
  }
  std::unique_ptr<Subprocess> p(new Subprocess());
  p->pid_ = pid;
  p->output_fd_ = options.capture_output ? pipe_fds[0] : -1;
  return p;
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !exit_status_) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    Reap(true);
  }
  if (output_fd_ >= 0) close(output_fd_);
}

bool Subprocess::Pump(std::chrono::milliseconds timeout) {
  if (output_fd_ < 0) {
    std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(10)));
    return false;
  }
  pollfd pfd{output_fd_, POLLIN, 0};
  const int n = poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (n <= 0) return true;
  char buffer[4096];
  const ssize_t got = read(output_fd_, buffer, sizeof buffer);
  if (got > 0) {
    output_.append(buffer, static_cast<size_t>(got));
    return true;
  }
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  close(output_fd_);
  output_fd_ = -1;
  return false;
}

bool Subprocess::Reap(bool block) {
  if (exit_status_) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r != pid_) return false;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool Subprocess::WaitForOutput(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t searched_from = 0;
  while (true) {
    if (output_.find(needle, searched_from > needle.size() ? searched_from - needle.size() : 0) != std::string::npos) {
      return true;
    }
    searched_from = output_.size();
    if (Clock::now() >= deadline) return false;
    if (!Pump(std::min(Remaining(deadline), std::chrono::milliseconds(100)))) {
      // Pipe closed: the process is gone; what it printed is all there is.
      return output_.find(needle) != std::string::npos;
    }
  }
}

std::optional<int> Subprocess::WaitForExit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!Reap(false)) {
    if (Clock::now() >= deadline) return std::nullopt;
    Pump(std::min(Remaining(deadline), std::chrono::milliseconds(20)));
  }
  while (output_fd_ >= 0 && Pump(std::chrono::milliseconds(50))) {
  }
  return exit_status_;
}

bool Subprocess::Signal(int signal) {
  return !exit_status_ && kill(pid_, signal) == 0;
}

bool Subprocess::running() {
  return !Reap(false);
}

RunResult RunProgram(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                     const SubprocessOptions& options) {
  std::string error;
  auto p = Subprocess::Start(argv, options, &error);
  if (!p) return {std::nullopt, error};
  RunResult result;
  result.exit_status = p->WaitForExit(timeout);
  result.output = p->output();
  return result;
}

}  // namespace tessera::testing

#include "tessera/testing/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace tessera::testing {
namespace {

using Clock = std::chrono::steady_clock;

int MsLeft(Clock::time_point deadline) {
  return static_cast<int>(
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
}

std::optional<HttpResult> ParseResponse(const std::string& raw, std::string* error) {
  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos || raw.rfind("HTTP/1.", 0) != 0) {
    if (error) *error = "malformed response: " + raw.substr(0, 80);
    return std::nullopt;
  }
  HttpResult r;
  r.status = std::atoi(raw.c_str() + 9);
  size_t pos = raw.find("\r\n") + 2;
  while (pos < header_end) {
    const size_t eol = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ')
        ++v;
      r.headers[name] = line.substr(v);
    }
    pos = eol + 2;
  }
  r.body = raw.substr(header_end + 4);
  return r;
}

}  // namespace

std::optional<HttpResult> HttpRequest(const std::string& host, uint16_t port, const HttpRequestSpec& spec,
                                      std::chrono::milliseconds timeout, std::string* error) {
  const auto deadline = Clock::now() + timeout;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    if (error) *error = "bad IPv4 address " + host;
    return std::nullopt;
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    if (error) *error = std::string("socket: ") + std::strerror(errno);
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};

  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    if (error) *error = std::string("connect: ") + std::strerror(errno);
    return std::nullopt;
  }
  pollfd pfd{fd, POLLOUT, 0};
  if (poll(&pfd, 1, MsLeft(deadline)) <= 0) {
    if (error) *error = "connect timed out";
    return std::nullopt;
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (so_error != 0) {
    if (error) *error = std::string("connect: ") + std::strerror(so_error);
    return std::nullopt;
  }

  std::string request = spec.method + " " + spec.target + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
                        "\r\nConnection: close\r\n";
  for (const auto& [k, v] : spec.headers)
    request += k + ": " + v + "\r\n";
  if (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT" || spec.method == "PATCH") {
    request += "Content-Length: " + std::to_string(spec.body.size()) + "\r\n";
  }
  request += "\r\n" + spec.body;

  size_t sent = 0;
  while (sent < request.size()) {
    pfd = {fd, POLLOUT, 0};
    if (poll(&pfd, 1, MsLeft(deadline)) <= 0) {
      if (error) *error = "send timed out";
      return std::nullopt;
    }
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      // The server may answer (e.g. 413) and close before reading everything; read it below.
      break;
    }
    if (n > 0) sent += static_cast<size_t>(n);
  }

  std::string raw;
  char buffer[8192];
  while (true) {
    pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, MsLeft(deadline)) <= 0) {
      if (error) *error = "response timed out after " + std::to_string(raw.size()) + " bytes";
      return std::nullopt;
    }
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      raw.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    break;  // closed (or reset after a complete response)
  }
  return ParseResponse(raw, error);
}

std::optional<HttpResult> HttpGet(const std::string& host, uint16_t port, const std::string& target,
                                  std::chrono::milliseconds timeout, std::string* error) {
  HttpRequestSpec spec;
  spec.target = target;
  return HttpRequest(host, port, spec, timeout, error);
}

}  // namespace tessera::testing

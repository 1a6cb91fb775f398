#pragma once
// A deliberately small blocking HTTP/1.1 client for tests (one request per connection,
// Connection: close), independent of the Beast code it tests.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace tessera::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct HttpRequestSpec {
  std::string method = "GET";
  std::string target = "/";
  std::map<std::string, std::string> headers;
  std::string body;
};

// nullopt on connection failure or timeout; `error` says which.
std::optional<HttpResult> HttpRequest(const std::string& host, uint16_t port, const HttpRequestSpec& spec,
                                      std::chrono::milliseconds timeout, std::string* error = nullptr);
std::optional<HttpResult> HttpGet(const std::string& host, uint16_t port, const std::string& target,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                  std::string* error = nullptr);

}  // namespace tessera::testing

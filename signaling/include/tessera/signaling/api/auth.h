#pragma once
// Bearer-token authentication of the control API (RFC 6750): tokens from the config, each
// with a role. read-only may GET; operator may also change things. 401 without a valid
// token (with WWW-Authenticate), 403 with a token lacking the role, 429 for an address that
// failed too often (token bucket per source address, common/rate_limiter.h). Tokens are
// compared in constant time (SHA-256 of both sides, CRYPTO_memcmp) and never logged: only
// the token's name is.
//
// Thread safety: Check() may be called from any thread (a mutex guards the limiter); the
// HTTP server calls it on the control thread.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/signaling/http/router.h"

namespace tessera::signaling::api {

enum class Role : uint8_t { kReadOnly, kOperator };

struct ApiToken {
  std::string name;
  std::string secret;
  Role role = Role::kReadOnly;
};

class TokenAuth {
 public:
  // `failures_per_minute`: failed attempts one address may make (bursting to that many)
  // before it gets 429 for a while.
  TokenAuth(std::vector<ApiToken> tokens, int failures_per_minute);
  ~TokenAuth();
  TokenAuth(const TokenAuth&) = delete;
  TokenAuth& operator=(const TokenAuth&) = delete;

  std::optional<http::Response> Check(const http::Request& request, http::Access access,
                                      const boost::asio::ip::address& remote);
  // Check() as the router's authorizer; this object must outlive the router's use.
  http::Authorizer AsAuthorizer();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The token in `path`; when the file does not exist, a random one (32 bytes, base64url) is
// written there first with mode 0600 (its folder made 0700 if missing). A file that others
// may read or write, or that another user owns, is refused: the token would not be secret.
Result<std::string, std::string> LoadOrCreateTokenFile(const std::filesystem::path& path);

}  // namespace tessera::signaling::api

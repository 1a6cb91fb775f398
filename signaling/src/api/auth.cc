#include "tessera/signaling/api/auth.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <boost/beast/http/field.hpp>

#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "common/rate_limiter.h"
#include "tessera/base/log.h"

namespace tessera::signaling::api {
namespace {

constexpr log::Component kLog{"api.auth", log::Tag::kApi};
using Digest = std::array<uint8_t, SHA256_DIGEST_LENGTH>;

Digest Hash(std::string_view s) {
  Digest d{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
  return d;
}

http::Response Unauthorized(std::string_view message, std::string_view error) {
  http::Response r = http::ErrorResponse(http::Status::unauthorized, message);
  r.set(boost::beast::http::field::www_authenticate,
        fmt::format("Bearer realm=\"tessera\"{}", error.empty() ? "" : fmt::format(", error=\"{}\"", error)));
  return r;
}

}  // namespace

struct TokenAuth::Impl {
  struct Entry {
    std::string name;
    Digest digest;
    Role role;
  };
  std::vector<Entry> tokens;
  std::mutex mutex;
  SourceRateLimiter failures;

  Impl(std::vector<ApiToken> list, int per_minute) : failures(per_minute / 60.0, static_cast<double>(per_minute)) {
    for (ApiToken& t : list)
      tokens.push_back({t.name, Hash(t.secret), t.role});
  }
};

TokenAuth::TokenAuth(std::vector<ApiToken> tokens, int failures_per_minute)
    : impl_(std::make_unique<Impl>(std::move(tokens), failures_per_minute)) {}

TokenAuth::~TokenAuth() = default;

std::optional<http::Response> TokenAuth::Check(const http::Request& request, http::Access access,
                                               const boost::asio::ip::address& remote) {
  if (access == http::Access::kPublic) return std::nullopt;
  const auto now = SourceRateLimiter::Clock::now();
  std::lock_guard lock(impl_->mutex);
  if (impl_->failures.Exhausted(remote, now)) {
    http::Response r = http::ErrorResponse(http::Status::too_many_requests,
                                           "too many failed authentications from this address; try again later");
    r.set(boost::beast::http::field::retry_after, "60");
    return r;
  }
  if (impl_->tokens.empty()) return Unauthorized("no API tokens are configured: add [[http.tokens]] to the config", "");
  const auto header = request[boost::beast::http::field::authorization];
  const std::string_view value(header.data(), header.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (value.size() <= kBearer.size() || !std::equal(kBearer.begin(), kBearer.end(), value.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      }))
    return Unauthorized("a bearer token is required (Authorization: Bearer <token>)", "");
  // Hash, then compare with every token without stopping at a match: the time taken says
  // nothing about which bytes were right.
  const Digest presented = Hash(value.substr(kBearer.size()));
  const Impl::Entry* match = nullptr;
  for (const Impl::Entry& e : impl_->tokens)
    if (CRYPTO_memcmp(e.digest.data(), presented.data(), presented.size()) == 0) match = &e;
  if (!match) {
    (void)impl_->failures.Allow(remote, now);  // one attempt used
    TLOG_INFO(kLog, "rejected an invalid API token from {}", remote.to_string());
    return Unauthorized("invalid token", "invalid_token");
  }
  if (access == http::Access::kOperate && match->role != Role::kOperator) {
    return http::ErrorResponse(http::Status::forbidden,
                               fmt::format("token \"{}\" is read-only; this needs an operator token", match->name));
  }
  return std::nullopt;
}

http::Authorizer TokenAuth::AsAuthorizer() {
  return [this](const http::Request& request, http::Access access, const boost::asio::ip::address& remote) {
    return Check(request, access, remote);
  };
}

Result<std::string, std::string> LoadOrCreateTokenFile(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (path.has_parent_path() && !std::filesystem::exists(path.parent_path(), ec)) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return MakeUnexpected(fmt::format("cannot create the folder of {}: {}", name, ec.message()));
    ::chmod(path.parent_path().c_str(), 0700);
  }
  // Create it only if absent (O_EXCL, never following a planted symlink), else open it.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) {
    std::array<unsigned char, 32> random{};
    if (RAND_bytes(random.data(), random.size()) != 1) {
      ::close(fd);
      ::unlink(path.c_str());
      return MakeUnexpected(std::string("no random bytes for an API token"));
    }
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string token;
    for (size_t i = 0; i < random.size(); i += 3) {  // base64url, no padding
      const uint32_t n = random[i] << 16 | (i + 1 < random.size() ? random[i + 1] << 8 : 0) |
                         (i + 2 < random.size() ? random[i + 2] : 0);
      const size_t chars = i + 2 < random.size() ? 4 : i + 1 < random.size() ? 3 : 2;
      for (size_t k = 0; k < chars; ++k)
        token += kAlphabet[(n >> (18 - 6 * k)) & 63];
    }
    const std::string line = token + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!written) return MakeUnexpected(fmt::format("cannot write {}", name));
    TLOG_INFO(kLog, "wrote a new API token to {} (mode 0600)", name);
    return token;
  }
  if (errno != EEXIST) return MakeUnexpected(fmt::format("cannot create {}: {}", name, std::strerror(errno)));
  fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return MakeUnexpected(fmt::format("cannot read {}: {}", name, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return MakeUnexpected(fmt::format("{} is not a regular file", name));
  }
  if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    ::close(fd);
    return MakeUnexpected(
        fmt::format("{} must belong to this user and not be readable or writable by others (chmod 600)", name));
  }
  std::string text(512, '\0');
  const ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n <= 0) return MakeUnexpected(fmt::format("{} is empty", name));
  text.resize(static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  if (text.size() < 16 || text.find_first_of(" \t\n") != std::string::npos)
    return MakeUnexpected(fmt::format("{} must hold one token of at least 16 characters", name));
  return text;
}

}  // namespace tessera::signaling::api

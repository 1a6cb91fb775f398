#include "tessera/signaling/sip/digest_authenticator.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

#include "sip/grammar.h"
#include "sip/random.h"
#include "tessera/signaling/sip/digest.h"

namespace tessera::signaling::sip {
namespace {

constexpr size_t kStampBytes = 8;
constexpr size_t kRandomBytes = 8;
constexpr size_t kMacBytes = 16;
constexpr size_t kNonceBytes = kStampBytes + kRandomBytes + kMacBytes;
constexpr size_t kMaxTrackedNonces = 8192;

std::string Hex(const uint8_t* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

bool Unhex(std::string_view s, uint8_t* out, size_t n) {
  if (s.size() != 2 * n) return false;
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < n; ++i) {
    const int hi = v(s[2 * i]);
    const int lo = v(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

void Mac(const uint8_t key[32], const uint8_t* data, size_t n, uint8_t out[kMacBytes]) {
  uint8_t full[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key, 32, data, n, full, &len);
  std::memcpy(out, full, kMacBytes);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

DigestAuthenticator::DigestAuthenticator(DigestAuthenticatorOptions options, std::function<Clock::time_point()> now)
    : options_(std::move(options)), now_(std::move(now)) {
  RandomBytes({key_, sizeof key_});
}

std::string DigestAuthenticator::MakeNonce() {
  uint8_t raw[kNonceBytes];
  const uint64_t stamp =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now_().time_since_epoch()).count());
  std::memcpy(raw, &stamp, kStampBytes);
  RandomBytes({raw + kStampBytes, kRandomBytes});
  Mac(key_, raw, kStampBytes + kRandomBytes, raw + kStampBytes + kRandomBytes);
  return Hex(raw, sizeof raw);
}

DigestAuthenticator::NonceState DigestAuthenticator::CheckNonce(const std::string& nonce) const {
  uint8_t raw[kNonceBytes];
  if (!Unhex(nonce, raw, sizeof raw)) return NonceState::kForged;
  uint8_t mac[kMacBytes];
  Mac(key_, raw, kStampBytes + kRandomBytes, mac);
  if (CRYPTO_memcmp(mac, raw + kStampBytes + kRandomBytes, kMacBytes) != 0) return NonceState::kForged;
  uint64_t stamp = 0;
  std::memcpy(&stamp, raw, kStampBytes);
  const auto issued = Clock::time_point(std::chrono::milliseconds(stamp));
  const auto age = now_() - issued;
  if (age < std::chrono::seconds(0) || age > options_.nonce_lifetime) return NonceState::kExpired;
  return NonceState::kValid;
}

bool DigestAuthenticator::AcceptNonceCount(const std::string& nonce, std::string_view nc) {
  uint32_t count = 0;
  if (!nc.empty()) {
    if (nc.size() != 8) return false;
    for (char c : nc) {
      const int v = grammar::IsDigit(c)      ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : -1;
      if (v < 0) return false;
      count = count * 16 + static_cast<uint32_t>(v);
    }
  }
  auto it = nonce_counts_.find(nonce);
  if (it != nonce_counts_.end()) {
    // Without qop there is no count: a nonce then serves once.
    if (count <= it->second) return false;
    it->second = count;
    return true;
  }
  if (nonce_counts_.size() >= kMaxTrackedNonces) {
    std::erase_if(nonce_counts_, [&](const auto& e) { return CheckNonce(e.first) != NonceState::kValid; });
    if (nonce_counts_.size() >= kMaxTrackedNonces) nonce_counts_.clear();  // bounded, whatever happens
  }
  nonce_counts_.emplace(nonce, count);
  return true;
}

std::vector<std::string> DigestAuthenticator::Challenges(bool stale) {
  std::vector<std::string> out;
  for (DigestAlgorithm a : {DigestAlgorithm::kSha256, DigestAlgorithm::kMd5}) {
    out.push_back(fmt::format("Digest realm=\"{}\", nonce=\"{}\", algorithm={}, qop=\"auth\"{}", options_.realm,
                              MakeNonce(), ToString(a), stale ? ", stale=true" : ""));
  }
  return out;
}

DigestAuthenticator::Outcome DigestAuthenticator::Verify(const Message& request) {
  Outcome out;
  // Find the credentials for our realm among the Authorization headers.
  std::optional<DigestCredentials> creds;
  for (const Header& h : request.headers) {
    if (h.name != "Authorization") continue;
    auto c = ParseDigestCredentials(h.value);
    if (!c) {
      out.verdict = Verdict::kRejected;
      out.reason = "malformed Authorization: " + c.error();
      return out;
    }
    if (c->realm == options_.realm) {
      creds = std::move(*c);
      break;
    }
  }
  if (!creds) return out;  // kNoCredentials
  out.username = creds->username;

  switch (CheckNonce(creds->nonce)) {
    case NonceState::kForged:
      out.verdict = Verdict::kRejected;
      out.reason = "nonce not issued by us";
      return out;
    case NonceState::kExpired:
      out.verdict = Verdict::kStale;
      out.reason = "nonce expired";
      return out;
    case NonceState::kValid:
      break;
  }
  bool sess = false;
  const auto algorithm = ParseDigestAlgorithm(creds->algorithm, &sess);
  if (!algorithm || sess || *algorithm == DigestAlgorithm::kSha512_256) {
    out.verdict = Verdict::kRejected;
    out.reason = "algorithm not offered";
    return out;
  }
  if (!creds->qop.empty() && !grammar::EqualsIgnoreCase(creds->qop, "auth")) {
    out.verdict = Verdict::kRejected;
    out.reason = "qop not offered";
    return out;
  }
  auto uri = ParseUri(creds->uri);
  if (!uri || !UriEquivalent(*uri, request.request_uri)) {
    out.verdict = Verdict::kRejected;
    out.reason = "uri does not match the Request-URI";
    return out;
  }
  const DigestUser* user = nullptr;
  for (const DigestUser& u : options_.users) {
    if (u.username == creds->username) user = &u;
  }
  // Compute with a dummy password for unknown users so timing does not reveal which exist.
  DigestInput in;
  in.algorithm = *algorithm;
  in.username = creds->username;
  in.realm = options_.realm;
  in.password = user ? std::string_view(user->password) : std::string_view("\x01unknown-user");
  in.method = request.method_name;
  in.uri = creds->uri;
  in.nonce = creds->nonce;
  in.nc = creds->nc;
  in.cnonce = creds->cnonce;
  in.qop = creds->qop.empty() ? "" : "auth";
  const std::string expected = ComputeDigestResponse(in);
  const bool match = ConstantTimeEqual(expected, grammar::Lower(creds->response));
  if (!user || !match) {
    out.verdict = Verdict::kRejected;
    out.reason = user ? "wrong password" : "unknown user";
    return out;
  }
  if (!AcceptNonceCount(creds->nonce, creds->qop.empty() ? std::string_view() : std::string_view(creds->nc))) {
    out.verdict = Verdict::kRejected;
    out.reason = "nonce count replayed";
    return out;
  }
  out.verdict = Verdict::kAccepted;
  return out;
}

}  // namespace tessera::signaling::sip

#pragma once
// DigestAuthenticator: the UAS side of digest authentication (RFC 3261 §22.4, RFC 8760).
// Challenges carry a SHA-256 and an MD5 WWW-Authenticate (in that order of preference),
// qop="auth", and a stateless nonce: time stamp + random + HMAC-SHA256 under a key made at
// start-up, so a forged or altered nonce is refused and an old one is answered with
// stale=true. Responses are compared in constant time; nonce-count replays are refused.
//
// Thread: owned by the user agent, used on the control io_context thread only.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tessera/signaling/sip/message.h"

namespace tessera::signaling::sip {

struct DigestUser {
  std::string username;
  std::string password;
};

struct DigestAuthenticatorOptions {
  std::string realm = "tessera";
  std::vector<DigestUser> users;
  std::chrono::seconds nonce_lifetime{300};
};

class DigestAuthenticator {
 public:
  using Clock = std::chrono::steady_clock;
  explicit DigestAuthenticator(
      DigestAuthenticatorOptions options, std::function<Clock::time_point()> now = [] { return Clock::now(); });

  const std::string& realm() const { return options_.realm; }

  // WWW-Authenticate values for a 401, most preferred first.
  std::vector<std::string> Challenges(bool stale = false);

  enum class Verdict {
    kAccepted,
    kNoCredentials,  // no Authorization for our realm: challenge
    kStale,          // a nonce we issued, expired: challenge with stale=true
    kRejected,       // wrong password, unknown user, forged nonce, replay...: counts as a failure
  };
  struct Outcome {
    Verdict verdict = Verdict::kNoCredentials;
    std::string username;
    std::string reason;  // for logs: what was wrong
  };
  Outcome Verify(const Message& request);

 private:
  std::string MakeNonce();
  // 0 = forged; otherwise the issue time.
  enum class NonceState { kValid, kExpired, kForged };
  NonceState CheckNonce(const std::string& nonce) const;
  bool AcceptNonceCount(const std::string& nonce, std::string_view nc);

  DigestAuthenticatorOptions options_;
  std::function<Clock::time_point()> now_;
  uint8_t key_[32];
  // Highest nonce-count seen per nonce (bounded; purged of expired nonces).
  std::unordered_map<std::string, uint32_t> nonce_counts_;
};

}  // namespace tessera::signaling::sip

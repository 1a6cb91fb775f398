#pragma once
// HTTP Digest authentication for SIP (RFC 3261 §22, RFC 2617, RFC 7616 hashes, RFC 8760
// for SIP): parsing challenges and credentials, computing responses (MD5, SHA-256,
// SHA-512-256 and their -sess forms; qop=auth), and building Authorization values.
// The server side (nonces, verification, users) is DigestAuthenticator in
// digest_authenticator.h.
//
// Thread safety: pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"

namespace tessera::signaling::sip {

enum class DigestAlgorithm : uint8_t { kMd5, kSha256, kSha512_256 };
std::string_view ToString(DigestAlgorithm a);  // "MD5", "SHA-256", "SHA-512-256"
// "MD5", "md5-sess", "SHA-256"...; `sess` tells whether it was a -sess variant.
std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view text, bool* sess);

// A WWW-Authenticate / Proxy-Authenticate value with the Digest scheme.
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;
  std::string domain;
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
  bool sess = false;
  std::vector<std::string> qop;  // offered qop values ("auth", "auth-int")
  bool stale = false;
  bool offers_qop_auth() const;
};
// The error says what is wrong, e.g. "not a Digest challenge" or "missing nonce".
Result<DigestChallenge, std::string> ParseDigestChallenge(std::string_view value);

// An Authorization / Proxy-Authorization value with the Digest scheme.
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string algorithm;  // as sent; empty = MD5
  std::string cnonce;
  std::string opaque;
  std::string qop;
  std::string nc;
};
Result<DigestCredentials, std::string> ParseDigestCredentials(std::string_view value);

struct DigestInput {
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
  bool sess = false;
  std::string_view username;
  std::string_view realm;
  std::string_view password;
  std::string_view method;
  std::string_view uri;
  std::string_view nonce;
  std::string_view nc;      // "00000001"; with qop only
  std::string_view cnonce;  // with qop or -sess
  std::string_view qop;     // "auth" or "" (RFC 2069 compatibility)
};
// The lower-case hex "response" value.
std::string ComputeDigestResponse(const DigestInput& in);
// Lower-case hex hash of `data` with the algorithm's hash function.
std::string DigestHash(DigestAlgorithm algorithm, std::string_view data);

// Builds the Authorization/Proxy-Authorization value answering `challenge` (qop=auth when
// offered). `cnonce` should be random; `nc` counts uses of the same nonce, from 1.
std::string BuildDigestAuthorization(const DigestChallenge& challenge, std::string_view username,
                                     std::string_view password, std::string_view method, std::string_view uri,
                                     std::string_view cnonce, uint32_t nc);

}  // namespace tessera::signaling::sip

// Digest authentication (RFC 2617, RFC 7616, RFC 8760).
#include "tessera/signaling/sip/digest.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "sip/grammar.h"

namespace tessera::signaling::sip {
namespace {

using grammar::Scanner;

// Resolves the quoted-pairs of a quoted-string body.
std::string Unquote(std::string_view quoted) {
  std::string out;
  out.reserve(quoted.size());
  for (size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
    out += quoted[i];
  }
  return out;
}

// "Digest a=b, c="d"" -> [(a,b), (c,d)] with quoted values unquoted.
Result<std::vector<std::pair<std::string, std::string>>, std::string> ParseAuthParams(std::string_view value) {
  Scanner sc(grammar::Trim(value));
  const std::string_view scheme = sc.Token();
  if (!grammar::EqualsIgnoreCase(scheme, "Digest")) return MakeUnexpected(std::string("not a Digest scheme"));
  if (!grammar::IsWs(sc.peek())) return MakeUnexpected(std::string("expected parameters after 'Digest'"));
  sc.SkipWs();
  std::vector<std::pair<std::string, std::string>> params;
  while (!sc.done()) {
    const std::string_view name = sc.Token();
    if (name.empty()) return MakeUnexpected(std::string("malformed parameter"));
    if (!sc.Separator('=')) return MakeUnexpected(fmt::format("parameter '{}' has no value", name));
    std::string v;
    if (sc.peek() == '"') {
      const auto q = sc.QuotedString();
      if (!q) return MakeUnexpected(fmt::format("unterminated quoted value of '{}'", name));
      v = Unquote(*q);
    } else {
      v = std::string(sc.Token());
      if (v.empty()) return MakeUnexpected(fmt::format("parameter '{}' has an empty value", name));
    }
    if (params.size() >= 32) return MakeUnexpected(std::string("too many parameters"));
    params.emplace_back(grammar::Lower(name), std::move(v));
    if (sc.Separator(',')) continue;
    sc.SkipWs();
    if (!sc.done()) return MakeUnexpected(std::string("expected ',' between parameters"));
  }
  return params;
}

const EVP_MD* Md(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::kMd5:
      return EVP_md5();
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    case DigestAlgorithm::kSha512_256:
      return EVP_sha512_256();
  }
  return EVP_md5();
}

std::string QuoteValue(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string_view ToString(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::kMd5:
      return "MD5";
    case DigestAlgorithm::kSha256:
      return "SHA-256";
    case DigestAlgorithm::kSha512_256:
      return "SHA-512-256";
  }
  return "MD5";
}

std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view text, bool* sess) {
  *sess = false;
  if (text.size() > 5 && grammar::EqualsIgnoreCase(text.substr(text.size() - 5), "-sess")) {
    *sess = true;
    text.remove_suffix(5);
  }
  if (text.empty() || grammar::EqualsIgnoreCase(text, "MD5")) return DigestAlgorithm::kMd5;
  if (grammar::EqualsIgnoreCase(text, "SHA-256")) return DigestAlgorithm::kSha256;
  if (grammar::EqualsIgnoreCase(text, "SHA-512-256")) return DigestAlgorithm::kSha512_256;
  return std::nullopt;
}

bool DigestChallenge::offers_qop_auth() const {
  for (const std::string& q : qop) {
    if (grammar::EqualsIgnoreCase(q, "auth")) return true;
  }
  return false;
}

Result<DigestChallenge, std::string> ParseDigestChallenge(std::string_view value) {
  auto params = ParseAuthParams(value);
  if (!params) return MakeUnexpected(std::move(params.error()));
  DigestChallenge c;
  for (auto& [name, v] : *params) {
    if (name == "realm") {
      c.realm = std::move(v);
    } else if (name == "nonce") {
      c.nonce = std::move(v);
    } else if (name == "opaque") {
      c.opaque = std::move(v);
    } else if (name == "domain") {
      c.domain = std::move(v);
    } else if (name == "stale") {
      c.stale = grammar::EqualsIgnoreCase(v, "true");
    } else if (name == "algorithm") {
      const auto a = ParseDigestAlgorithm(v, &c.sess);
      if (!a) return MakeUnexpected(fmt::format("unsupported algorithm '{}'", v.substr(0, 32)));
      c.algorithm = *a;
    } else if (name == "qop") {
      std::vector<std::string_view> parts;
      grammar::SplitList(v, parts);
      for (std::string_view q : parts) {
        if (!q.empty()) c.qop.emplace_back(q);
      }
    }
  }
  if (c.nonce.empty()) return MakeUnexpected(std::string("missing nonce"));
  return c;
}

Result<DigestCredentials, std::string> ParseDigestCredentials(std::string_view value) {
  auto params = ParseAuthParams(value);
  if (!params) return MakeUnexpected(std::move(params.error()));
  DigestCredentials c;
  for (auto& [name, v] : *params) {
    std::string* field = name == "username"    ? &c.username
                         : name == "realm"     ? &c.realm
                         : name == "nonce"     ? &c.nonce
                         : name == "uri"       ? &c.uri
                         : name == "response"  ? &c.response
                         : name == "algorithm" ? &c.algorithm
                         : name == "cnonce"    ? &c.cnonce
                         : name == "opaque"    ? &c.opaque
                         : name == "qop"       ? &c.qop
                         : name == "nc"        ? &c.nc
                                               : nullptr;
    if (field) *field = std::move(v);
  }
  if (c.username.empty() || c.nonce.empty() || c.uri.empty() || c.response.empty()) {
    return MakeUnexpected(std::string("missing username, nonce, uri or response"));
  }
  return c;
}

std::string DigestHash(DigestAlgorithm algorithm, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, Md(algorithm), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 15];
  }
  return out;
}

std::string ComputeDigestResponse(const DigestInput& in) {
  std::string ha1 = DigestHash(in.algorithm, fmt::format("{}:{}:{}", in.username, in.realm, in.password));
  if (in.sess) ha1 = DigestHash(in.algorithm, fmt::format("{}:{}:{}", ha1, in.nonce, in.cnonce));
  const std::string ha2 = DigestHash(in.algorithm, fmt::format("{}:{}", in.method, in.uri));
  if (in.qop.empty()) return DigestHash(in.algorithm, fmt::format("{}:{}:{}", ha1, in.nonce, ha2));
  return DigestHash(in.algorithm, fmt::format("{}:{}:{}:{}:{}:{}", ha1, in.nonce, in.nc, in.cnonce, in.qop, ha2));
}

std::string BuildDigestAuthorization(const DigestChallenge& challenge, std::string_view username,
                                     std::string_view password, std::string_view method, std::string_view uri,
                                     std::string_view cnonce, uint32_t nc) {
  const bool qop = challenge.offers_qop_auth();
  const std::string nc_text = fmt::format("{:08x}", nc);
  DigestInput in;
  in.algorithm = challenge.algorithm;
  in.sess = challenge.sess;
  in.username = username;
  in.realm = challenge.realm;
  in.password = password;
  in.method = method;
  in.uri = uri;
  in.nonce = challenge.nonce;
  in.nc = nc_text;
  in.cnonce = cnonce;
  in.qop = qop ? "auth" : "";
  std::string out =
      fmt::format("Digest username={}, realm={}, nonce={}, uri={}, response=\"{}\", algorithm={}{}",
                  QuoteValue(username), QuoteValue(challenge.realm), QuoteValue(challenge.nonce), QuoteValue(uri),
                  ComputeDigestResponse(in), ToString(challenge.algorithm), challenge.sess ? "-sess" : "");
  if (qop || challenge.sess) out += ", cnonce=" + QuoteValue(cnonce);
  if (qop) out += ", qop=auth, nc=" + nc_text;
  if (!challenge.opaque.empty()) out += ", opaque=" + QuoteValue(challenge.opaque);
  return out;
}

}  // namespace tessera::signaling::sip

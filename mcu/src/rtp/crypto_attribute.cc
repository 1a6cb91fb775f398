#include "tessera/mcu/rtp/crypto_attribute.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <charconv>

namespace tessera::mcu::rtp {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

template <typename T>
std::optional<T> ParseUnsigned(std::string_view s) {
  if (s.empty()) return std::nullopt;
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits off the next token at `separator`.
std::string_view NextToken(std::string_view* rest, char separator) {
  const size_t pos = rest->find(separator);
  std::string_view token = rest->substr(0, pos);
  *rest = pos == std::string_view::npos ? std::string_view() : rest->substr(pos + 1);
  return token;
}

// "inline:<key||salt>[|lifetime][|MKI:length]"
Result<CryptoKeyParam, std::string> ParseKeyParam(std::string_view text, SrtpSuite suite) {
  constexpr std::string_view kInline = "inline:";
  if (text.substr(0, kInline.size()) != kInline) {
    return MakeUnexpected(std::string("key method must be 'inline:'"));
  }
  std::string_view rest = text.substr(kInline.size());
  const std::string_view key64 = NextToken(&rest, '|');
  auto decoded = DecodeBase64(key64);
  if (!decoded) return MakeUnexpected(std::string("the key is not valid base64"));
  CryptoKeyParam param;
  param.key_salt = SecretBytes(*decoded);
  const size_t got = decoded->size();
  OPENSSL_cleanse(decoded->data(), decoded->size());
  if (got != SrtpKeySaltSize(suite)) {
    return MakeUnexpected("the key must be " + std::to_string(SrtpKeySaltSize(suite)) + " bytes for " +
                          std::string(SrtpSuiteName(suite)) + ", got " + std::to_string(got));
  }
  while (!rest.empty()) {
    const std::string_view field = NextToken(&rest, '|');
    const size_t colon = field.find(':');
    if (colon != std::string_view::npos) {
      if (param.mki) return MakeUnexpected(std::string("more than one MKI"));
      const auto value = ParseUnsigned<uint32_t>(field.substr(0, colon));
      const auto length = ParseUnsigned<uint32_t>(field.substr(colon + 1));
      if (!value || !length || *length < 1 || *length > 128) {
        return MakeUnexpected(std::string("MKI must be value:length with a length of 1 to 128"));
      }
      if (*length < 4 && *value >= (1u << (8 * *length))) {
        return MakeUnexpected(std::string("MKI value does not fit its length"));
      }
      param.mki = SrtpMki{*value, static_cast<uint8_t>(std::min<uint32_t>(*length, 255))};
      continue;
    }
    if (param.lifetime || param.mki) return MakeUnexpected(std::string("lifetime must come before the MKI, once"));
    if (field.substr(0, 2) == "2^") {
      const auto exponent = ParseUnsigned<uint32_t>(field.substr(2));
      if (!exponent || *exponent > 63) return MakeUnexpected(std::string("lifetime exponent must be 0 to 63"));
      param.lifetime = uint64_t{1} << *exponent;
    } else {
      const auto lifetime = ParseUnsigned<uint64_t>(field);
      if (!lifetime) return MakeUnexpected(std::string("lifetime must be a number or 2^n"));
      param.lifetime = *lifetime;
    }
  }
  return param;
}

}  // namespace

std::optional<std::vector<uint8_t>> DecodeBase64(std::string_view text) {
  size_t length = text.size();
  while (length > 0 && text[length - 1] == '=')
    --length;
  if (text.size() - length > 2) return std::nullopt;
  if (length % 4 == 1) return std::nullopt;
  if (text.size() != length && text.size() % 4 != 0) return std::nullopt;  // padding only to a full quad
  std::vector<uint8_t> out;
  out.reserve(length * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < length; ++i) {
    const int v = Base64Value(text[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string EncodeBase64(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t{bytes[i]} << 16;
    if (i + 1 < bytes.size()) v |= uint32_t{bytes[i + 1]} << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<CryptoAttribute, std::string> ParseCryptoAttribute(std::string_view text) {
  text = Trim(text);
  for (std::string_view prefix : {"a=crypto:", "crypto:"}) {
    if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
  }
  std::string_view rest = text;
  auto token = [&rest]() {
    rest = Trim(rest);
    const size_t pos = rest.find_first_of(" \t");
    std::string_view t = rest.substr(0, pos);
    rest = pos == std::string_view::npos ? std::string_view() : rest.substr(pos);
    return t;
  };
  CryptoAttribute a;
  const std::string_view tag = token();
  const auto tag_value = ParseUnsigned<uint32_t>(tag);
  if (!tag_value || tag.size() > 9) return MakeUnexpected(std::string("tag must be a number of 1 to 9 digits"));
  a.tag = *tag_value;
  const std::string_view suite = token();
  const auto parsed_suite = SrtpSuiteFromName(suite);
  if (!parsed_suite) {
    return MakeUnexpected("unsupported crypto suite '" + std::string(suite.substr(0, 40)) + "'");
  }
  a.suite = *parsed_suite;
  std::string_view key_params = token();
  if (key_params.empty()) return MakeUnexpected(std::string("missing key parameters"));
  while (!key_params.empty()) {
    auto key = ParseKeyParam(NextToken(&key_params, ';'), a.suite);
    if (!key) return MakeUnexpected(std::move(key).error());
    a.keys.push_back(std::move(*key));
  }
  for (std::string_view param = token(); !param.empty(); param = token()) {
    if (param == "UNENCRYPTED_SRTP") {
      a.unencrypted_srtp = true;
    } else if (param == "UNENCRYPTED_SRTCP") {
      a.unencrypted_srtcp = true;
    } else if (param == "UNAUTHENTICATED_SRTP") {
      a.unauthenticated_srtp = true;
    } else if (param.substr(0, 4) == "KDR=") {
      const auto kdr = ParseUnsigned<uint32_t>(param.substr(4));
      if (!kdr || *kdr > 24) return MakeUnexpected(std::string("KDR must be 0 to 24"));
      a.kdr = *kdr;
    } else if (param.substr(0, 4) == "WSH=") {
      const auto wsh = ParseUnsigned<uint32_t>(param.substr(4));
      if (!wsh || *wsh < 64) return MakeUnexpected(std::string("WSH must be at least 64"));
      a.wsh = *wsh;
    } else {
      a.other_params.emplace_back(param);
    }
  }
  return a;
}

std::optional<std::string> Unsupported(const CryptoAttribute& a) {
  if (a.keys.empty()) return "no key";
  if (a.keys.size() > 1) return "several master keys (key rotation by MKI) are not supported";
  if (a.unencrypted_srtp || a.unencrypted_srtcp || a.unauthenticated_srtp) {
    return "unencrypted or unauthenticated SRTP is refused";
  }
  if (a.kdr && *a.kdr != 0) return "a key derivation rate other than 0 is not supported";
  if (a.keys[0].mki && a.keys[0].mki->length > 4) return "MKIs longer than 4 bytes are not supported";
  for (const std::string& p : a.other_params) {
    if (p.rfind("FEC_", 0) != 0) return "unknown session parameter";
  }
  return std::nullopt;
}

SrtpKeyMaterial CryptoAttribute::ToKeyMaterial() const {
  SrtpKeyMaterial m;
  m.suite = suite;
  if (!keys.empty()) {
    m.key_salt = keys[0].key_salt;
    m.mki = keys[0].mki;
  }
  return m;
}

namespace {

std::string KeySuffix(const CryptoKeyParam& k) {
  std::string s;
  if (k.lifetime) {
    const uint64_t v = *k.lifetime;
    if (v != 0 && (v & (v - 1)) == 0) {
      s += "|2^" + std::to_string(__builtin_ctzll(v));
    } else {
      s += "|" + std::to_string(v);
    }
  }
  if (k.mki) s += "|" + std::to_string(k.mki->value) + ":" + std::to_string(k.mki->length);
  return s;
}

std::string Format(const CryptoAttribute& a, bool redact) {
  std::string s = std::to_string(a.tag) + " " + std::string(SrtpSuiteName(a.suite)) + " ";
  for (size_t i = 0; i < a.keys.size(); ++i) {
    if (i) s += ";";
    s += "inline:";
    s += redact ? "<redacted>" : EncodeBase64(a.keys[i].key_salt.bytes());
    s += KeySuffix(a.keys[i]);
  }
  if (a.kdr) s += " KDR=" + std::to_string(*a.kdr);
  if (a.unencrypted_srtp) s += " UNENCRYPTED_SRTP";
  if (a.unencrypted_srtcp) s += " UNENCRYPTED_SRTCP";
  if (a.unauthenticated_srtp) s += " UNAUTHENTICATED_SRTP";
  if (a.wsh) s += " WSH=" + std::to_string(*a.wsh);
  for (const std::string& p : a.other_params)
    s += " " + p;
  return s;
}

}  // namespace

std::string CryptoAttribute::ToLogString() const {
  return Format(*this, true);
}

std::string FormatCryptoAttribute(const CryptoAttribute& attribute) {
  return Format(attribute, false);
}

std::optional<CryptoAttribute> GenerateCryptoAttribute(uint32_t tag, SrtpSuite suite) {
  uint8_t key[SecretBytes::kCapacity];
  const size_t size = SrtpKeySaltSize(suite);
  if (RAND_bytes(key, static_cast<int>(size)) != 1) return std::nullopt;
  CryptoAttribute a;
  a.tag = tag;
  a.suite = suite;
  CryptoKeyParam k;
  k.key_salt = SecretBytes(std::span<const uint8_t>(key, size));
  OPENSSL_cleanse(key, sizeof(key));
  a.keys.push_back(std::move(k));
  return a;
}

}  // namespace tessera::mcu::rtp

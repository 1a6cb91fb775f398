#pragma once
// SDP Security Descriptions (RFC 4568): parsing and generating the a=crypto attribute
// that carries SRTP keys in SIP offers and answers, e.g.
//   a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4
//
// The parser is a pure function over the attribute text and accepts every form endpoints
// send: several key parameters (";"-separated), optional lifetime ("2^31" or decimal) and
// MKI ("value:length"), session parameters. Whether Tessera can use an attribute is a
// separate question (Unsupported()): libsrtp does no key derivation rate, and Tessera does
// not agree to unencrypted or unauthenticated SRTP (secure by default).
//
// Error messages name what is wrong but never contain key material; ToLogString() prints
// an attribute with its keys redacted.
//
// Thread safety: pure functions; Generate uses OpenSSL's thread-safe RAND_bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/mcu/rtp/srtp_session.h"

namespace tessera::mcu::rtp {

struct CryptoKeyParam {
  SecretBytes key_salt;              // decoded from base64
  std::optional<uint64_t> lifetime;  // in packets
  std::optional<SrtpMki> mki;
};

struct CryptoAttribute {
  uint32_t tag = 1;  // 1..999999999 (RFC 4568 §9.1: up to 9 digits)
  SrtpSuite suite = SrtpSuite::kAesCm128HmacSha1_80;
  std::vector<CryptoKeyParam> keys;  // at least one
  // Session parameters (RFC 4568 §6.3).
  std::optional<uint32_t> kdr;  // key derivation rate exponent
  bool unencrypted_srtp = false;
  bool unencrypted_srtcp = false;
  bool unauthenticated_srtp = false;
  std::optional<uint32_t> wsh;            // window size hint
  std::vector<std::string> other_params;  // FEC_ORDER=..., FEC_KEY=..., unknown ones

  // Key material for SrtpSession from the first key parameter.
  SrtpKeyMaterial ToKeyMaterial() const;
  // "1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>|2^20|1:4"
  std::string ToLogString() const;
};

// Parses the attribute value: with or without a leading "a=crypto:" / "crypto:".
Result<CryptoAttribute, std::string> ParseCryptoAttribute(std::string_view text);
// Why Tessera cannot use this attribute (null if it can).
std::optional<std::string> Unsupported(const CryptoAttribute& attribute);
// The attribute value, without "a=crypto:", for an SDP line.
std::string FormatCryptoAttribute(const CryptoAttribute& attribute);
// A new attribute with a fresh random key from OpenSSL's CSPRNG; null if it fails.
std::optional<CryptoAttribute> GenerateCryptoAttribute(uint32_t tag, SrtpSuite suite);

// Strict base64 (RFC 4648, standard alphabet); padding optional. Null on any bad input.
std::optional<std::vector<uint8_t>> DecodeBase64(std::string_view text);
std::string EncodeBase64(std::span<const uint8_t> bytes);

}  // namespace tessera::mcu::rtp

#pragma once
// SRTP and SRTCP (RFC 3711) with libsrtp2, for the three suites SIP endpoints offer in SDES
// (RFC 4568, RFC 7714): AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32 (RTP tag of 32
// bits; SRTCP keeps 80) and AEAD_AES_128_GCM.
//
// One session protects or unprotects one direction of one RTP session (any SSRC). Inbound
// sessions check the replay window (RFC 3711 §3.3.2); outbound sessions allow the same
// index to be sent again, because NACK retransmissions resend packets unchanged.
// Everything works in place on the caller's buffer: Protect needs kMaxTrailer spare bytes
// after the packet. Failures are returned as SrtpError (counted by the caller as a
// DropReason); nothing is logged here, and the keys are never printed anywhere.
//
// Thread safety: a session is used by one thread at a time (libsrtp contexts are not
// thread-safe); libsrtp is initialised once per process, on first use, thread-safely.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tessera/base/result.h"
#include "tessera/mcu/rtp/drop_counters.h"
#include "tessera/mcu/rtp/secret_bytes.h"

namespace tessera::mcu::rtp {

enum class SrtpSuite : uint8_t {
  kAesCm128HmacSha1_80,
  kAesCm128HmacSha1_32,
  kAeadAes128Gcm,
};
// The SDES names ("AES_CM_128_HMAC_SHA1_80", ...), and back.
std::string_view SrtpSuiteName(SrtpSuite suite);
std::optional<SrtpSuite> SrtpSuiteFromName(std::string_view name);
// Master key + master salt bytes: 16 + 14 for AES-CM, 16 + 12 for AES-GCM.
size_t SrtpKeySaltSize(SrtpSuite suite);

struct SrtpMki {
  uint32_t value = 0;
  uint8_t length = 0;  // bytes on the wire, 1..4 supported
};

struct SrtpKeyMaterial {
  SrtpSuite suite = SrtpSuite::kAesCm128HmacSha1_80;
  SecretBytes key_salt;  // exactly SrtpKeySaltSize(suite) bytes
  std::optional<SrtpMki> mki;
};

enum class SrtpError : uint8_t {
  kAuthFailed,  // authentication tag (or GCM tag) mismatch
  kReplay,      // replayed, or older than the replay window
  kBadPacket,   // too short or not parseable as (S)RTP/(S)RTCP
  kNoRoom,      // Protect: fewer than kMaxTrailer bytes after the packet
  kOther,
};
DropReason ToDropReason(SrtpError error);
std::string_view SrtpErrorName(SrtpError error);

class SrtpSession {
 public:
  enum class Direction { kInbound, kOutbound };
  // What Protect may append: libsrtp's SRTP_MAX_TRAILER_LEN plus the 4-byte SRTCP index.
  static constexpr size_t kMaxTrailer = 16 + 128 + 4;
  static constexpr unsigned long kReplayWindow = 1024;  // packets, for video's reordering

  // A message naming what is wrong with the parameters (never the key) on failure.
  static Result<std::unique_ptr<SrtpSession>, std::string> Create(Direction direction, const SrtpKeyMaterial& keys);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // `buffer` holds an RTP/RTCP packet of `size` bytes followed by at least kMaxTrailer
  // spare bytes; returns the protected size.
  Result<size_t, SrtpError> ProtectRtp(std::span<uint8_t> buffer, size_t size);
  Result<size_t, SrtpError> ProtectRtcp(std::span<uint8_t> buffer, size_t size);
  // Unprotects in place; returns the plain size (the trailer is cut off).
  Result<size_t, SrtpError> UnprotectRtp(std::span<uint8_t> packet);
  Result<size_t, SrtpError> UnprotectRtcp(std::span<uint8_t> packet);

  Direction direction() const { return direction_; }
  SrtpSuite suite() const { return suite_; }

 private:
  struct Context;
  SrtpSession(Direction direction, SrtpSuite suite, bool mki);

  Direction direction_;
  SrtpSuite suite_;
  bool use_mki_;
  std::unique_ptr<Context> context_;  // owned libsrtp session
};

}  // namespace tessera::mcu::rtp

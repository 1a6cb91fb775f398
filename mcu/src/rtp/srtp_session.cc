#include "tessera/mcu/rtp/srtp_session.h"

#include <srtp2/srtp.h>

#include <array>
#include <mutex>

namespace tessera::mcu::rtp {
namespace {

// srtp_init() sets up the crypto kernel (NSS in Debian's build) once for the process; it is
// never shut down, since sessions may be created until exit.
bool InitLibsrtp() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = srtp_init() == srtp_err_status_ok; });
  return ok;
}

SrtpError MapError(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_auth_fail:
      return SrtpError::kAuthFailed;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      return SrtpError::kReplay;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
    case srtp_err_status_bad_mki:
    case srtp_err_status_no_ctx:
      return SrtpError::kBadPacket;
    default:
      return SrtpError::kOther;
  }
}

}  // namespace

std::string_view SrtpSuiteName(SrtpSuite suite) {
  switch (suite) {
    case SrtpSuite::kAesCm128HmacSha1_80:
      return "AES_CM_128_HMAC_SHA1_80";
    case SrtpSuite::kAesCm128HmacSha1_32:
      return "AES_CM_128_HMAC_SHA1_32";
    case SrtpSuite::kAeadAes128Gcm:
      return "AEAD_AES_128_GCM";
  }
  return "unknown";
}

std::optional<SrtpSuite> SrtpSuiteFromName(std::string_view name) {
  for (SrtpSuite s : {SrtpSuite::kAesCm128HmacSha1_80, SrtpSuite::kAesCm128HmacSha1_32, SrtpSuite::kAeadAes128Gcm}) {
    if (SrtpSuiteName(s) == name) return s;
  }
  return std::nullopt;
}

size_t SrtpKeySaltSize(SrtpSuite suite) {
  return suite == SrtpSuite::kAeadAes128Gcm ? 16 + 12 : 16 + 14;
}

DropReason ToDropReason(SrtpError error) {
  switch (error) {
    case SrtpError::kAuthFailed:
      return DropReason::kSrtpAuthFailed;
    case SrtpError::kReplay:
      return DropReason::kSrtpReplay;
    default:
      return DropReason::kSrtpError;
  }
}

std::string_view SrtpErrorName(SrtpError error) {
  switch (error) {
    case SrtpError::kAuthFailed:
      return "auth_failed";
    case SrtpError::kReplay:
      return "replay";
    case SrtpError::kBadPacket:
      return "bad_packet";
    case SrtpError::kNoRoom:
      return "no_room";
    case SrtpError::kOther:
      return "other";
  }
  return "unknown";
}

struct SrtpSession::Context {
  srtp_t session = nullptr;
  // libsrtp derives session keys at creation; the master key is kept only so that its
  // lifetime is obviously ours, and wiped with the session.
  SecretBytes key;
  std::array<unsigned char, 4> mki_id{};
  ~Context() {
    if (session) srtp_dealloc(session);
  }
};

SrtpSession::SrtpSession(Direction direction, SrtpSuite suite, bool mki)
    : direction_(direction), suite_(suite), use_mki_(mki), context_(std::make_unique<Context>()) {}

SrtpSession::~SrtpSession() = default;

Result<std::unique_ptr<SrtpSession>, std::string> SrtpSession::Create(Direction direction,
                                                                      const SrtpKeyMaterial& keys) {
  if (!InitLibsrtp()) return MakeUnexpected(std::string("libsrtp failed to initialise"));
  if (keys.key_salt.size() != SrtpKeySaltSize(keys.suite)) {
    return MakeUnexpected("key and salt must be " + std::to_string(SrtpKeySaltSize(keys.suite)) + " bytes for " +
                          std::string(SrtpSuiteName(keys.suite)) + ", got " + std::to_string(keys.key_salt.size()));
  }
  if (keys.mki && (keys.mki->length < 1 || keys.mki->length > 4)) {
    return MakeUnexpected(std::string("MKI length must be 1 to 4 bytes"));
  }
  std::unique_ptr<SrtpSession> s(new SrtpSession(direction, keys.suite, keys.mki.has_value()));
  Context& c = *s->context_;
  c.key = keys.key_salt;

  srtp_policy_t policy{};
  switch (keys.suite) {
    case SrtpSuite::kAesCm128HmacSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case SrtpSuite::kAesCm128HmacSha1_32:
      // RFC 4568 §6.2.2: the 32-bit tag applies to SRTP only; SRTCP keeps 80 bits.
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case SrtpSuite::kAeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
  }
  policy.ssrc.type = direction == Direction::kInbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.window_size = kReplayWindow;
  policy.allow_repeat_tx = direction == Direction::kOutbound ? 1 : 0;
  policy.next = nullptr;
  unsigned char* key = const_cast<unsigned char*>(c.key.bytes().data());
  srtp_master_key_t master{};
  srtp_master_key_t* masters[1] = {&master};
  if (keys.mki) {
    for (uint8_t i = 0; i < keys.mki->length; ++i) {
      c.mki_id[i] = static_cast<unsigned char>(keys.mki->value >> (8 * (keys.mki->length - 1 - i)));
    }
    master.key = key;
    master.mki_id = c.mki_id.data();
    master.mki_size = keys.mki->length;
    policy.keys = masters;
    policy.num_master_keys = 1;
  } else {
    policy.key = key;
  }
  const srtp_err_status_t status = srtp_create(&c.session, &policy);
  if (status != srtp_err_status_ok) {
    c.session = nullptr;
    return MakeUnexpected("libsrtp refused the policy (status " + std::to_string(static_cast<int>(status)) + ")");
  }
  return s;
}

Result<size_t, SrtpError> SrtpSession::ProtectRtp(std::span<uint8_t> buffer, size_t size) {
  if (direction_ != Direction::kOutbound) return MakeUnexpected(SrtpError::kOther);
  if (size < 12 || size > buffer.size() || buffer.size() - size < kMaxTrailer)
    return MakeUnexpected(SrtpError::kNoRoom);
  int len = static_cast<int>(size);
  const srtp_err_status_t status = use_mki_ ? srtp_protect_mki(context_->session, buffer.data(), &len, 1, 0)
                                            : srtp_protect(context_->session, buffer.data(), &len);
  if (status != srtp_err_status_ok) return MakeUnexpected(MapError(status));
  return static_cast<size_t>(len);
}

Result<size_t, SrtpError> SrtpSession::ProtectRtcp(std::span<uint8_t> buffer, size_t size) {
  if (direction_ != Direction::kOutbound) return MakeUnexpected(SrtpError::kOther);
  if (size < 8 || size > buffer.size() || buffer.size() - size < kMaxTrailer) return MakeUnexpected(SrtpError::kNoRoom);
  int len = static_cast<int>(size);
  const srtp_err_status_t status = use_mki_ ? srtp_protect_rtcp_mki(context_->session, buffer.data(), &len, 1, 0)
                                            : srtp_protect_rtcp(context_->session, buffer.data(), &len);
  if (status != srtp_err_status_ok) return MakeUnexpected(MapError(status));
  return static_cast<size_t>(len);
}

Result<size_t, SrtpError> SrtpSession::UnprotectRtp(std::span<uint8_t> packet) {
  if (direction_ != Direction::kInbound) return MakeUnexpected(SrtpError::kOther);
  // libsrtp reads the 12-byte header before checking anything; shorter is not SRTP.
  if (packet.size() < 12 || packet.size() > 0x7FFFFFFF) return MakeUnexpected(SrtpError::kBadPacket);
  int len = static_cast<int>(packet.size());
  const srtp_err_status_t status = use_mki_ ? srtp_unprotect_mki(context_->session, packet.data(), &len, 1)
                                            : srtp_unprotect(context_->session, packet.data(), &len);
  if (status != srtp_err_status_ok) return MakeUnexpected(MapError(status));
  return static_cast<size_t>(len);
}

Result<size_t, SrtpError> SrtpSession::UnprotectRtcp(std::span<uint8_t> packet) {
  if (direction_ != Direction::kInbound) return MakeUnexpected(SrtpError::kOther);
  if (packet.size() < 8 || packet.size() > 0x7FFFFFFF) return MakeUnexpected(SrtpError::kBadPacket);
  int len = static_cast<int>(packet.size());
  const srtp_err_status_t status = use_mki_ ? srtp_unprotect_rtcp_mki(context_->session, packet.data(), &len, 1)
                                            : srtp_unprotect_rtcp(context_->session, packet.data(), &len);
  if (status != srtp_err_status_ok) return MakeUnexpected(MapError(status));
  return static_cast<size_t>(len);
}

}  // namespace tessera::mcu::rtp

// The SRTP/SRTCP unprotect path with a fixed key (the one of the ffmpeg SRTP captures in
// tests/data/rtp, so seeds authenticate and the decrypted paths are reached): any
// datagram is refused with a reason or unprotected in place, never read past its end.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tessera/mcu/rtp/crypto_attribute.h"
#include "tessera/mcu/rtp/rtcp_packet.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/srtp_session.h"

using namespace tessera::mcu::rtp;

namespace {

std::unique_ptr<SrtpSession> Inbound(SrtpSuite suite) {
  auto a = ParseCryptoAttribute(std::string("1 ") + std::string(SrtpSuiteName(suite)) + " inline:" +
                                (suite == SrtpSuite::kAeadAes128Gcm ? "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3OA"
                                                                    : "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw"));
  if (!a) __builtin_trap();
  auto s = SrtpSession::Create(SrtpSession::Direction::kInbound, a->ToKeyMaterial());
  if (!s) __builtin_trap();
  return std::move(*s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Sessions are made once: libsrtp with NSS takes milliseconds to create one. Only inputs
  // that authenticate touch the replay window, so results barely depend on history.
  static std::unique_ptr<SrtpSession> sessions[] = {Inbound(SrtpSuite::kAesCm128HmacSha1_80),
                                                    Inbound(SrtpSuite::kAesCm128HmacSha1_32),
                                                    Inbound(SrtpSuite::kAeadAes128Gcm)};
  for (auto& session : sessions) {
    std::vector<uint8_t> packet(data, data + size);  // exact size: ASan sees any over-read
    const bool rtcp = ClassifyPacket(packet) == PacketKind::kRtcp;
    auto r = rtcp ? session->UnprotectRtcp(packet) : session->UnprotectRtp(packet);
    if (!r) {
      if (SrtpErrorName(r.error()).empty()) __builtin_trap();
      continue;
    }
    if (*r > size) __builtin_trap();
    const auto plain = std::span<const uint8_t>(packet).first(*r);
    if (rtcp) {
      RtcpVisitor v;
      ParseRtcpCompound(plain, v);
    } else {
      (void)ParseRtp(plain);
    }
  }
  return 0;
}

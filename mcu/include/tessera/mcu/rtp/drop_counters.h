#pragma once
// Why a packet was dropped on the media path, and a plain struct of counters per reason.
//
// The packet path never throws and never logs per packet (style.md practice 7): every
// packet it refuses is counted here by reason, and the counters are exposed to metrics.
// One DropCounters lives in each owner (a transport, a stream) and is written only on the
// owner's thread; readers on other threads take a snapshot through the owner.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tessera::mcu::rtp {

enum class DropReason : uint8_t {
  // RTP header (RFC 3550 §5.1) and header extensions (RFC 8285).
  kRtpTooShort,          // fewer than 12 bytes
  kRtpBadVersion,        // version is not 2
  kRtpCsrcPastEnd,       // the CSRC list runs past the end
  kRtpExtensionPastEnd,  // the header extension runs past the end
  kRtpBadPadding,        // padding count of 0 or longer than the payload
  kOversized,            // larger than the receive buffer or a jitter-buffer slot
  // RTCP (RFC 3550 §6, RFC 4585, RFC 5104).
  kRtcpMalformed,  // a compound packet that does not parse
  // Routing.
  kUnknownPayloadType,  // a payload type not negotiated on this socket
  kUnknownSsrc,         // an SSRC that no stream has latched and none may latch now
  kNotRtp,              // neither RTP nor RTCP (e.g. STUN when ICE is off)
  kUnknownSource,       // from an address that is not the latched remote
  // SRTP (RFC 3711).
  kSrtpAuthFailed,  // authentication tag mismatch
  kSrtpReplay,      // replayed or too old for the replay window
  kSrtpError,       // any other libsrtp refusal
  // Jitter buffer.
  kDuplicate,       // a sequence number already held or already delivered
  kTooLate,         // older than what was already handed out
  kBufferFull,      // no room; buffer reset and keyframe asked for
  kUndecodable,     // a complete frame that depends on a lost one (video)
  kPayloadInvalid,  // the payload format (FU-A, STAP-A, ...) refused it
  kCount
};

inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::kCount);

// A stable snake_case name for metrics labels ("rtp_too_short", "srtp_replay", ...).
std::string_view DropReasonName(DropReason reason);

struct DropCounters {
  std::array<uint64_t, kDropReasonCount> counts{};

  void Add(DropReason reason, uint64_t n = 1) { counts[static_cast<size_t>(reason)] += n; }
  uint64_t operator[](DropReason reason) const { return counts[static_cast<size_t>(reason)]; }
  uint64_t Total() const {
    uint64_t total = 0;
    for (uint64_t c : counts)
      total += c;
    return total;
  }
  DropCounters& operator+=(const DropCounters& other) {
    for (size_t i = 0; i < kDropReasonCount; ++i)
      counts[i] += other.counts[i];
    return *this;
  }
};

}  // namespace tessera::mcu::rtp

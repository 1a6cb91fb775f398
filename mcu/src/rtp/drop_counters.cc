#include "tessera/mcu/rtp/drop_counters.h"

namespace tessera::mcu::rtp {

std::string_view DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kRtpTooShort:
      return "rtp_too_short";
    case DropReason::kRtpBadVersion:
      return "rtp_bad_version";
    case DropReason::kRtpCsrcPastEnd:
      return "rtp_csrc_past_end";
    case DropReason::kRtpExtensionPastEnd:
      return "rtp_extension_past_end";
    case DropReason::kRtpBadPadding:
      return "rtp_bad_padding";
    case DropReason::kOversized:
      return "oversized";
    case DropReason::kRtcpMalformed:
      return "rtcp_malformed";
    case DropReason::kUnknownPayloadType:
      return "unknown_payload_type";
    case DropReason::kUnknownSsrc:
      return "unknown_ssrc";
    case DropReason::kNotRtp:
      return "not_rtp";
    case DropReason::kUnknownSource:
      return "unknown_source";
    case DropReason::kSrtpAuthFailed:
      return "srtp_auth_failed";
    case DropReason::kSrtpReplay:
      return "srtp_replay";
    case DropReason::kSrtpError:
      return "srtp_error";
    case DropReason::kDuplicate:
      return "duplicate";
    case DropReason::kTooLate:
      return "too_late";
    case DropReason::kBufferFull:
      return "buffer_full";
    case DropReason::kUndecodable:
      return "undecodable";
    case DropReason::kPayloadInvalid:
      return "payload_invalid";
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

}  // namespace tessera::mcu::rtp

#pragma once
// What an endpoint can receive, per payload format, as plain data: what SDP's rtpmap/fmtp
// lines (issue 7) and H.245's capability sets (issue 9) both describe, without the text or
// ASN.1 of either. negotiation.h turns an offer and ours into what to send and the limits
// an encoder must obey.
//
// Units follow the payload format RFCs, so adapters copy numbers straight across:
//   H.264 (RFC 6184): max-mbps in macroblocks/s, max-fs in macroblocks, max-br in kbit/s
//     (1000 bit/s; 1250 for High's cpbBrNalFactor is applied by the limits code);
//   VP8 (RFC 7741): max-fr frames/s, max-fs macroblocks;
//   H.263 (RFC 4629): MPI = minimum picture interval in 1/29.97 s units, MaxBR in
//     100 bit/s units; H.261 (RFC 4587) likewise;
//   Opus (RFC 7587): maxplaybackrate Hz, maxaveragebitrate bit/s.
//
// Thread safety: plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tessera/codecs/codec_types.h"

namespace tessera::codecs {

// H.264 profiles as RFC 6184 table 5 tells them apart by profile_idc and profile-iop.
enum class H264ProfileKind : uint8_t {
  kConstrainedBaseline,
  kBaseline,
  kMain,
  kExtended,
  kHigh,
  kConstrainedHigh,
  kOther,  // High 10, 4:2:2, 4:4:4...: decodable by FFmpeg, never sent by Tessera
};
std::string_view H264ProfileKindName(H264ProfileKind kind);

struct H264ProfileLevelId {
  uint8_t profile_idc = 0x42;
  uint8_t profile_iop = 0xe0;  // constraint_set0..5 flags, as in the SPS
  uint8_t level_idc = 0x1f;    // 31 = level 3.1; see level_1b()

  H264ProfileKind kind() const;
  // Level 1b: level_idc 11 with constraint_set3 (Baseline/Main/Extended), or 9 (High...).
  bool level_1b() const;
  // The level as h264_levels.h numbers it (9 for 1b).
  int level() const { return level_1b() ? 9 : level_idc; }

  // The 6 hex digits of profile-level-id, e.g. "42e01f"; nullopt unless exactly that.
  static std::optional<H264ProfileLevelId> Parse(std::string_view hex);
  std::string ToString() const;
  bool operator==(const H264ProfileLevelId&) const = default;
};

struct H264Params {
  H264ProfileLevelId profile_level_id;
  int packetization_mode = 0;  // 0: single NAL unit; 1: non-interleaved (FU-A/STAP-A)
  bool level_asymmetry_allowed = false;
  int64_t max_mbps = 0;     // 0 = the level's
  int64_t max_fs = 0;       // 0 = the level's
  int64_t max_br_kbps = 0;  // 0 = the level's
  bool operator==(const H264Params&) const = default;
};

struct Vp8Params {
  int max_fr = 0;  // 0 = unlimited
  int max_fs = 0;  // macroblocks; 0 = unlimited
  bool operator==(const Vp8Params&) const = default;
};

// H.263 / H.263+ picture formats the receiver takes, each with its minimum picture
// interval (1..32 units of 1/29.97 s; 0 = not taken).
struct H263Params {
  int sqcif_mpi = 0;  // 128x96
  int qcif_mpi = 0;   // 176x144
  int cif_mpi = 0;    // 352x288
  int cif4_mpi = 0;   // 704x576
  int cif16_mpi = 0;  // 1408x1152
  struct Custom {
    int width = 0;
    int height = 0;
    int mpi = 0;
    bool operator==(const Custom&) const = default;
  };
  std::vector<Custom> custom;  // H.263+ only (RFC 4629 CUSTOM=x,y,MPI)
  int64_t max_br_100bps = 0;   // MaxBR; 0 = none
  bool operator==(const H263Params&) const = default;
};

struct H261Params {
  int qcif_mpi = 0;  // 1..4; 0 = not taken
  int cif_mpi = 0;
  int64_t max_br_100bps = 0;
  bool operator==(const H261Params&) const = default;
};

struct OpusParams {
  int maxplaybackrate = 48000;
  int maxaveragebitrate = 0;  // 0 = none
  bool stereo = false;        // the receiver prefers stereo
  bool useinbandfec = false;  // the receiver can use in-band FEC: send it
  bool usedtx = false;        // the receiver prefers DTX
  bool cbr = false;
  bool operator==(const OpusParams&) const = default;
};

using CodecParams = std::variant<std::monostate, H264Params, Vp8Params, H263Params, H261Params, OpusParams>;

struct Capability {
  CodecId codec = CodecId::kH264;
  int clock_rate = 90000;  // RTP clock: 90000 video, 48000 Opus, 8000 G.711 and G.722
  int channels = 1;        // audio: as in rtpmap (Opus is always "2" there, RFC 7587)
  // Session or media bandwidth the receiver gave (SDP b=AS/TIAS, H.245 maxBitRate);
  // 0 = none. Applies on top of codec limits.
  int64_t max_bitrate_bps = 0;
  CodecParams params;
};

// Tessera's own receive capabilities, most preferred first: H.264 (High, constrained
// baseline; packetization modes 1 and 0), VP8, H.263+, H.263, H.261; Opus, G.722, PCMU,
// PCMA. Levels and sizes are what the decoders handle at real-time rates.
std::vector<Capability> DefaultVideoCapabilities();
std::vector<Capability> DefaultAudioCapabilities();

}  // namespace tessera::codecs

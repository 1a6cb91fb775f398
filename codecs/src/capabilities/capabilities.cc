#include "tessera/codecs/capabilities.h"

#include <array>
#include <cstdio>

namespace tessera::codecs {
namespace {

struct ProfilePattern {
  uint8_t profile_idc;
  uint8_t iop_mask;  // bits that must match
  uint8_t iop_value;
  H264ProfileKind kind;
};

// RFC 6184 section 8.1, table 5 ("x" bits are outside the mask). Constrained baseline is
// listed first: its patterns are special cases of the others'.
constexpr std::array<ProfilePattern, 9> kProfilePatterns = {{
    {0x42, 0x4f, 0x40, H264ProfileKind::kConstrainedBaseline},  // x1xx0000
    {0x4d, 0x8f, 0x80, H264ProfileKind::kConstrainedBaseline},  // 1xxx0000
    {0x58, 0xcf, 0xc0, H264ProfileKind::kConstrainedBaseline},  // 11xx0000
    {0x42, 0x4f, 0x00, H264ProfileKind::kBaseline},             // x0xx0000
    {0x58, 0xcf, 0x80, H264ProfileKind::kBaseline},             // 10xx0000
    {0x4d, 0xaf, 0x00, H264ProfileKind::kMain},                 // 0x0x0000
    {0x58, 0xcf, 0x00, H264ProfileKind::kExtended},             // 00xx0000
    {0x64, 0xff, 0x00, H264ProfileKind::kHigh},                 // 00000000
    {0x64, 0xff, 0x0c, H264ProfileKind::kConstrainedHigh},      // 00001100
}};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Capability H264(uint8_t profile_idc, uint8_t iop, int mode) {
  H264Params p;
  p.profile_level_id = {profile_idc, iop, 41};  // level 4.1: 1080p30 at up to 50 Mbit/s
  p.packetization_mode = mode;
  p.level_asymmetry_allowed = true;
  return {.codec = CodecId::kH264, .clock_rate = 90000, .channels = 1, .params = p};
}

}  // namespace

std::string_view H264ProfileKindName(H264ProfileKind kind) {
  switch (kind) {
    case H264ProfileKind::kConstrainedBaseline:
      return "constrained baseline";
    case H264ProfileKind::kBaseline:
      return "baseline";
    case H264ProfileKind::kMain:
      return "main";
    case H264ProfileKind::kExtended:
      return "extended";
    case H264ProfileKind::kHigh:
      return "high";
    case H264ProfileKind::kConstrainedHigh:
      return "constrained high";
    case H264ProfileKind::kOther:
      return "other";
  }
  return "other";
}

H264ProfileKind H264ProfileLevelId::kind() const {
  for (const ProfilePattern& p : kProfilePatterns)
    if (p.profile_idc == profile_idc && (profile_iop & p.iop_mask) == p.iop_value) return p.kind;
  return H264ProfileKind::kOther;
}

bool H264ProfileLevelId::level_1b() const {
  if (level_idc == 9) return true;
  if (level_idc != 11 || (profile_iop & 0x10) == 0) return false;
  const H264ProfileKind k = kind();
  return k == H264ProfileKind::kConstrainedBaseline || k == H264ProfileKind::kBaseline || k == H264ProfileKind::kMain ||
         k == H264ProfileKind::kExtended;
}

std::optional<H264ProfileLevelId> H264ProfileLevelId::Parse(std::string_view hex) {
  if (hex.size() != 6) return std::nullopt;
  uint8_t bytes[3];
  for (int i = 0; i < 3; ++i) {
    const int hi = HexDigit(hex[2 * i]), lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return H264ProfileLevelId{bytes[0], bytes[1], bytes[2]};
}

std::string H264ProfileLevelId::ToString() const {
  char text[7];
  std::snprintf(text, sizeof(text), "%02x%02x%02x", profile_idc, profile_iop, level_idc);
  return text;
}

std::vector<Capability> DefaultVideoCapabilities() {
  H263Params h263;
  h263.sqcif_mpi = h263.qcif_mpi = h263.cif_mpi = h263.cif4_mpi = 1;
  h263.cif16_mpi = 2;
  H261Params h261;
  h261.qcif_mpi = h261.cif_mpi = 1;
  return {
      H264(0x64, 0x00, 1),  // High
      H264(0x42, 0xe0, 1),  // constrained baseline
      H264(0x64, 0x00, 0),
      H264(0x42, 0xe0, 0),
      {.codec = CodecId::kVp8, .clock_rate = 90000, .channels = 1, .params = Vp8Params{.max_fr = 60, .max_fs = 8160}},
      {.codec = CodecId::kH263Plus, .clock_rate = 90000, .channels = 1, .params = h263},
      {.codec = CodecId::kH263, .clock_rate = 90000, .channels = 1, .params = h263},
      {.codec = CodecId::kH261, .clock_rate = 90000, .channels = 1, .params = h261},
  };
}

std::vector<Capability> DefaultAudioCapabilities() {
  // Opus: the mixer is mono, so no stereo preference; FEC is welcome on the way in.
  OpusParams opus;
  opus.useinbandfec = true;
  return {
      {.codec = CodecId::kOpus, .clock_rate = 48000, .channels = 2, .params = opus},
      {.codec = CodecId::kG722, .clock_rate = 8000, .channels = 1},
      {.codec = CodecId::kPcmu, .clock_rate = 8000, .channels = 1},
      {.codec = CodecId::kPcma, .clock_rate = 8000, .channels = 1},
  };
}

}  // namespace tessera::codecs

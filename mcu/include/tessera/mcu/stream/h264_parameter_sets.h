#pragma once
// The SPS and PPS of an H.264 access unit, as Annex B: what FLV and MP4 muxers need in
// their headers (they turn it into an avcC record) before the first frame.
//
// Thread safety: a pure function.

#include <cstdint>
#include <span>
#include <vector>

#include "tessera/codecs/payload/h264_nal.h"

namespace tessera::mcu::stream {

// Every SPS and PPS NAL unit of `access_unit`, each behind a 4-byte start code; empty if it
// has no SPS or no PPS (or is not Annex B).
inline std::vector<uint8_t> H264ParameterSets(std::span<const uint8_t> access_unit) {
  namespace h264 = codecs::payload::h264;
  std::vector<uint8_t> out;
  bool sps = false;
  bool pps = false;
  codecs::payload::AnnexBReader reader(access_unit);
  std::span<const uint8_t> nal;
  while (reader.Next(&nal)) {
    const uint8_t type = h264::NalType(nal[0]);
    if (type != h264::kSps && type != h264::kPps) continue;
    (type == h264::kSps ? sps : pps) = true;
    out.insert(out.end(), std::begin(h264::kStartCode), std::end(h264::kStartCode));
    out.insert(out.end(), nal.begin(), nal.end());
  }
  if (!sps || !pps) out.clear();
  return out;
}

}  // namespace tessera::mcu::stream

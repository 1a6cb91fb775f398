#pragma once
// What the video jitter buffer needs to know about a single packet, from its payload:
// whether it starts a picture (needed after a gap, when the previous packet is unknown)
// and whether it belongs to a keyframe. Cheap: a few header bytes, no depacketizing.
//
// Thread safety: pure function; any thread.

#include <cstdint>
#include <span>

#include "tessera/codecs/codec_types.h"

namespace tessera::codecs::payload {

struct VideoPayloadInfo {
  bool frame_start = false;
  bool keyframe = false;
};

// H.264: single NAL / STAP-A / FU-A start whose slice has first_mb_in_slice 0 or a
// parameter set/SEI/AUD (which precede a picture's first slice); keyframe: an IDR slice or
// an SPS. H.263: a picture start code (RFC 4629 P bit / RFC 2190 mode A at a PSC), intra
// from the picture header. H.261: a picture start code (RFC 4587 SBIT/GOBN/MBAP 0), and every
// picture counts as a keyframe (H.261 has no picture types). VP8: S=1, PID=0, key frame from the VP8 header.
VideoPayloadInfo InspectVideoPayload(CodecId codec, std::span<const uint8_t> payload);

}  // namespace tessera::codecs::payload

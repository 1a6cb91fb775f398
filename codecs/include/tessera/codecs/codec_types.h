#pragma once
// Names shared by the payload formats, decoders, encoders and capability negotiation.
//
// Encoded video travels as one access unit (all the data of one picture):
//   H.264: Annex B byte stream (00 00 00 01 start codes before each NAL unit);
//   H.263 / H.263+ / H.261: the picture's bitstream, starting at its picture start code;
//   VP8: one frame as the encoder produced it.
// Encoded audio is one codec frame (Opus, G.711, G.722) per packet time.

#include <cstdint>
#include <span>
#include <string_view>

namespace tessera::codecs {

enum class CodecId : uint8_t {
  kH264,
  kH263,      // RFC 2190 "H263" (1996)
  kH263Plus,  // RFC 4629 "H263-1998"/"H263-2000"
  kH261,
  kVp8,
  kOpus,
  kPcmu,
  kPcma,
  kG722,
  kTelephoneEvent,
};

std::string_view CodecName(CodecId id);
bool IsVideo(CodecId id);

// An encoded access unit or audio frame, as a view; the owner says how long it lives.
struct EncodedFrameView {
  CodecId codec = CodecId::kH264;
  std::span<const uint8_t> data;
  uint32_t rtp_timestamp = 0;
  bool keyframe = false;  // IDR / intra picture / VP8 key frame
};

}  // namespace tessera::codecs

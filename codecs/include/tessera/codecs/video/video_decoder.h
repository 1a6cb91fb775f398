#pragma once
// Video decoders: one complete access unit in (as the depacketizer reassembled it, see
// codec_types.h), at most one I420 picture out.
//
//   auto decoder = CreateVideoDecoder({.codec = CodecId::kH264});
//   auto r = (*decoder)->Decode(access_unit, rtp_timestamp);
//   if (!r) count(r.error().code);               // dropped; NeedsKeyframe() is now true
//   else if (*r) show((*r)->picture);           // valid until the next call on this decoder
//   if ((*decoder)->NeedsKeyframe()) request_pli();   // rate limited by the caller
//
// Keyframe state: a decoder needs a keyframe from creation until it decodes one, and again
// after any decode error or after the owner reports lost data (NotifyDataLost). Pictures
// decoded while a keyframe is pending are still returned, with intact == false, because
// some senders refresh by intra macroblocks rather than by IDR; the owner decides whether
// to show them (design.md: a broken source shows its last good frame).
//
// Thread safety: a decoder belongs to one source and is used by one thread at a time (the
// conference strand that decodes that source). Different decoders run in parallel.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "tessera/base/result.h"
#include "tessera/base/video_frame.h"
#include "tessera/codecs/codec_error.h"
#include "tessera/codecs/codec_types.h"

namespace tessera::codecs {

enum class VideoDecoderImplementation : uint8_t {
  kDefault,   // FFmpeg for every codec
  kFfmpeg,    // libavcodec's native decoders (h264, h263, h261, vp8)
  kOpenH264,  // Cisco's OpenH264 through its own API (H.264 only)
};

struct VideoDecoderConfig {
  CodecId codec = CodecId::kH264;
  VideoDecoderImplementation implementation = VideoDecoderImplementation::kDefault;
  // Pictures with more luma samples than this are refused (kResourceExhausted) before any
  // buffer is allocated for them, so a hostile SPS cannot make a decoder take gigabytes.
  // The default admits 4096x2304 (H.264 level 5.2's largest 16:9 frame).
  int64_t max_pixels = 4096 * 2304;
  // Access units larger than this are refused (kResourceExhausted).
  size_t max_access_unit_bytes = 4 * 1024 * 1024;
};

struct DecodedVideoFrame {
  I420View picture;  // the decoder's own buffer when possible; valid until the next call
  uint32_t rtp_timestamp = 0;
  // An IDR / intra picture / VP8 key frame (or H.264 recovery point). Always false for
  // H.261, whose pictures carry no type; there, any clean picture ends a keyframe wait.
  bool keyframe = false;
  bool intact = true;  // false while a keyframe is pending (after loss or an error)
};

// Counters for metrics; plain values, read on the decoder's thread.
struct VideoDecoderStats {
  uint64_t access_units = 0;
  uint64_t frames = 0;
  uint64_t keyframes = 0;
  uint64_t corrupt = 0;               // kCorruptData results
  uint64_t waiting_for_keyframe = 0;  // kNeedsKeyframe results
  uint64_t refused = 0;               // kInvalidArgument / kResourceExhausted results
  uint64_t resolution_changes = 0;
  uint64_t converted = 0;  // frames copied because the decoder's format was not I420
};

class VideoDecoder {
 public:
  virtual ~VideoDecoder() = default;

  // Decodes one complete access unit. Returns the picture it produced, or nullopt when it
  // produced none (parameter sets only). On error nothing is returned and NeedsKeyframe()
  // becomes true; the previous picture's view is invalid either way.
  virtual Result<std::optional<DecodedVideoFrame>, CodecError> Decode(std::span<const uint8_t> access_unit,
                                                                      uint32_t rtp_timestamp) = 0;

  // The owner lost data between the previous access unit and the next one (a sequence
  // gap, an incomplete frame it dropped): references are broken until a keyframe.
  virtual void NotifyDataLost() = 0;

  // True until a keyframe has been decoded since creation, the last error or the last
  // reported loss. The owner sends PLI/FIR while this holds.
  virtual bool NeedsKeyframe() const = 0;

  virtual CodecId codec() const = 0;
  virtual std::string_view implementation_name() const = 0;  // "ffmpeg-h264", "openh264"...
  virtual const VideoDecoderStats& stats() const = 0;
};

// kUnsupported if the codec/implementation pair does not exist in this build;
// kInvalidArgument for an audio codec or a non-positive limit.
Result<std::unique_ptr<VideoDecoder>, CodecError> CreateVideoDecoder(const VideoDecoderConfig& config);

}  // namespace tessera::codecs

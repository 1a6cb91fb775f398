#pragma once
// Video encoders: the composed canvas (an I420View) in, one access unit out per picture, in
// the form the packetizers take (codec_types.h): H.264 as Annex B with SPS and PPS in front
// of every IDR, H.263/H.261 as picture bitstreams, VP8 as frames.
//
//   VideoEncoderConfig c{.codec = CodecId::kH264, .width = 1280, .height = 720,
//                        .fps = 30, .bitrate_bps = 1'500'000};
//   auto encoder = CreateVideoEncoder(c);
//   auto au = (*encoder)->Encode(canvas.const_view(), rtp_timestamp);   // valid until next call
//   (*encoder)->ForceKeyframe();          // on PLI/FIR: the next Encode returns an IDR
//   (*encoder)->SetBitrate(800'000);      // on TMMBR/REMB: no keyframe
//
// Every implementation is zero-delay: the access unit returned by Encode is the picture that
// was passed in (no B-frames, no lookahead). An empty access unit means the encoder chose
// to skip that picture (rate control); nothing is sent for it.
//
// Thread safety: an encoder belongs to one output and is used by one thread at a time (the
// conference strand encoding that output). With threads > 1 the library runs its own
// worker threads inside Encode.

#include <cstdint>
#include <memory>
#include <string_view>

#include "tessera/base/result.h"
#include "tessera/base/video_frame.h"
#include "tessera/codecs/codec_error.h"
#include "tessera/codecs/codec_types.h"

namespace tessera::codecs {

enum class VideoEncoderImplementation : uint8_t {
  kDefault,   // H.264: x264; H.263/H.263+/H.261: FFmpeg; VP8: libvpx
  kX264,      // H.264 only
  kOpenH264,  // H.264 constrained baseline only, for endpoints that insist on it
  kFfmpeg,    // H.263 (h263), H.263+ (h263p), H.261 (h261)
  kLibvpx,    // VP8, through libvpx's own API (FFmpeg's wrapper cannot change bitrate live)
};

enum class H264Profile : uint8_t {
  kConstrainedBaseline,  // profile_idc 66 with constraint_set1: what every endpoint decodes
  kMain,                 // 77
  kHigh,                 // 100
};

// Speed/quality trade-off. x264: the preset of that name; OpenH264: low/medium/high
// complexity; VP8: cpu-used 12/8/6 (real-time deadline); H.263/H.261: motion estimation
// effort.
enum class EncoderSpeed : uint8_t { kUltrafast, kSuperfast, kVeryfast };

struct VideoEncoderConfig {
  CodecId codec = CodecId::kH264;
  VideoEncoderImplementation implementation = VideoEncoderImplementation::kDefault;
  H264Profile h264_profile = H264Profile::kConstrainedBaseline;
  // level_idc as in the SPS (31 = level 3.1); 0 picks the lowest level that holds the
  // resolution, frame rate and bitrate.
  int h264_level_idc = 0;
  // The receiver raised max-fs / max-mbps / max-br above its level (RFC 6184 section
  // 8.1): h264_level_idc goes into the SPS as negotiated, but the stream is held to the
  // raised limits (checked by negotiation) rather than the level's.
  bool h264_level_signalled_only = false;
  int width = 0;   // even; H.261: 176x144 or 352x288; H.263: sub-QCIF..16CIF
  int height = 0;  // even; H.263+: multiples of 4 up to 2048x1152
  int fps = 30;    // the rate Encode is called at
  int bitrate_bps = 0;
  // Periodic keyframes every this many pictures; 0 = only on ForceKeyframe (and the first).
  // H.263/H.261: libavcodec caps the interval at 600 pictures, so 0 means 600 there.
  int keyframe_interval = 0;
  // Periodic intra refresh instead of periodic IDR: a column of intra macroblocks sweeps
  // the picture every keyframe_interval pictures (or every second when that is 0), so a
  // very large room never sees keyframe bursts. x264 only (kUnsupported elsewhere).
  bool intra_refresh = false;
  // Largest slice (H.264 NAL unit) in bytes, for packetization-mode 0 endpoints that need
  // each NAL unit in one RTP packet; for H.263/H.261 it starts a new GOB before the limit,
  // for RFC 2190 mode A; VP8 ignores it (its payload format splits anywhere).
  // 0 = one slice per picture.
  int max_slice_bytes = 0;
  int threads = 1;
  EncoderSpeed speed = EncoderSpeed::kUltrafast;
  // Rate control buffer (x264 VBV, OpenH264/VP8 buffer size): small enough that a keyframe
  // or a scene change does not burst far above the negotiated bitrate.
  int rate_buffer_ms = 500;
};

struct VideoEncoderStats {
  uint64_t frames = 0;
  uint64_t keyframes = 0;
  uint64_t forced_keyframes = 0;
  uint64_t skipped = 0;
  uint64_t bytes = 0;
  uint64_t bitrate_changes = 0;
  // The quantizer of the last picture encoded, on the codec's own scale (H.264 0-51, VP8
  // 0-63, H.263/H.261 1-31); -1 before the first picture or when it cannot be known.
  // OpenH264 does not say (its statistics' average QP stays 0): its slice headers are read.
  int last_qp = -1;
};

class VideoEncoder {
 public:
  virtual ~VideoEncoder() = default;

  // Encodes one picture of exactly the configured size. The returned data stays valid
  // until the next call on this encoder.
  virtual Result<EncodedFrameView, CodecError> Encode(const I420View& picture, uint32_t rtp_timestamp) = 0;

  // The next access unit out is a keyframe (H.264: an IDR preceded by SPS and PPS).
  virtual void ForceKeyframe() = 0;

  // New target from the next picture on, without a keyframe. kInvalidArgument if <= 0.
  virtual Result<void, CodecError> SetBitrate(int bitrate_bps) = 0;

  // The configuration in force (level filled in, bitrate as last set).
  virtual const VideoEncoderConfig& config() const = 0;
  virtual std::string_view implementation_name() const = 0;  // "x264", "openh264", "ffmpeg-h263"...
  virtual const VideoEncoderStats& stats() const = 0;
};

// Checks the configuration against the codec's rules (sizes, levels, features) and opens
// the encoder; kInvalidArgument / kUnsupported say which rule failed.
Result<std::unique_ptr<VideoEncoder>, CodecError> CreateVideoEncoder(const VideoEncoderConfig& config);

}  // namespace tessera::codecs

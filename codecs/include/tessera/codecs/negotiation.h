#pragma once
// Offer/answer over capabilities (capabilities.h), independent of SDP and H.245 text:
// which of the offered formats to use, what to answer for it, and the limits the encoder
// sending to that endpoint must keep (resolution, frame rate, bitrate from the level and
// max-fs/max-mbps/max-br; picture formats and MPI for H.263/H.261; FEC/DTX/bandwidth for
// Opus).
//
//   auto video = NegotiateVideo(offered, DefaultVideoCapabilities());
//   if (video) {
//     auto format = FitVideoFormat(video->limits, kLadder, 30);      // 1280x720@30 ...
//     VideoEncoderConfig config = MakeVideoEncoderConfig(*video, *format, 1'500'000, 1200);
//   }
//
// Thread safety: pure functions.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "tessera/codecs/audio/audio_encoder.h"
#include "tessera/codecs/capabilities.h"
#include "tessera/codecs/video/video_encoder.h"

namespace tessera::codecs {

enum class NegotiationPreference : uint8_t {
  kOurs,   // the first of our formats the offer has (an MCU choosing what it can share)
  kOffer,  // the first offered format we have (RFC 3264's default courtesy)
};

struct VideoFormat {
  int width = 0;
  int height = 0;
  int fps = 0;
  bool operator==(const VideoFormat&) const = default;
};

// What an encoder sending to the endpoint may produce.
struct VideoSendLimits {
  int64_t max_frame_macroblocks = 0;       // MaxFS
  int64_t max_macroblocks_per_second = 0;  // MaxMBPS
  int max_side_macroblocks = 0;            // sqrt(8 x MaxFS) (H.264 A.3.1)
  int max_fps = 0;                         // 0 = no own limit (VP8 max-fr, H.263 MPI)
  int64_t max_bitrate_bps = 0;             // 0 = no limit
  // H.261/H.263: the only picture formats allowed, each with its highest frame rate.
  std::vector<VideoFormat> picture_formats;
  // H.264.
  H264Profile h264_profile = H264Profile::kConstrainedBaseline;
  int h264_level_idc = 0;
  bool single_nal_unit = false;  // packetization-mode 0: every NAL unit in one packet
};

struct NegotiatedVideo {
  size_t offer_index = 0;  // which offered capability was chosen
  Capability answer;       // what to answer for it
  VideoSendLimits limits;
};

struct NegotiatedAudio {
  size_t offer_index = 0;
  Capability answer;
  // Encoder settings the receiver asked for: FEC, DTX, band limit, bitrate cap, stereo.
  AudioEncoderConfig encoder;
};

std::optional<NegotiatedVideo> NegotiateVideo(std::span<const Capability> offer, std::span<const Capability> ours,
                                              NegotiationPreference preference = NegotiationPreference::kOurs);
std::optional<NegotiatedAudio> NegotiateAudio(std::span<const Capability> offer, std::span<const Capability> ours,
                                              NegotiationPreference preference = NegotiationPreference::kOurs);

// The limits of sending a format to a receiver with this capability (used by
// NegotiateVideo; public for H.245 flow control and re-INVITEs that change limits).
VideoSendLimits SendLimitsFor(const Capability& receiver);

// The first of `candidates` (largest first) that the limits allow, at the highest frame
// rate up to `desired_fps` they allow for it; nullopt if none fits.
std::optional<VideoFormat> FitVideoFormat(const VideoSendLimits& limits, std::span<const VideoFormat> candidates,
                                          int desired_fps);

// A common ladder of 16:9 and 4:3 / CIF sizes, largest first.
std::span<const VideoFormat> StandardVideoFormats();

// An encoder configuration for the negotiated format at `format`, with the bitrate capped
// by the limits and, for packetization-mode 0, slices of at most mtu_payload_bytes.
VideoEncoderConfig MakeVideoEncoderConfig(const NegotiatedVideo& negotiated, const VideoFormat& format, int bitrate_bps,
                                          int mtu_payload_bytes);

}  // namespace tessera::codecs

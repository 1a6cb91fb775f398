#pragma once
// Which output a video subscriber receives: the best rung of the room's ladder that its
// negotiated codec, level/max-fs/max-mbps, packetization mode and bandwidth allow — as an
// encoder configuration, so that subscribers who end up with equal configurations share
// one encoder (design.md §2, idea 1).
//
// Sharing is made likely on purpose: H.264 is always encoded Constrained Baseline (every
// H.264 decoder takes it, so a High-capable and a Baseline-only endpoint share a stream),
// and the level is the lowest that holds the rung, not each endpoint's own. What still
// splits subscribers: codec, rung, packetization mode 0 (slices of one packet each), and
// a bandwidth or level that forces a lower rung.
//
// Thread safety: pure functions.

#include <optional>
#include <span>
#include <string>

#include "tessera/codecs/capabilities.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/mcu/config.h"

namespace tessera::mcu::conference {

// Payload bytes per RTP packet we send: 1200 keeps IPv6 + UDP + RTP + SRTP + a tunnel
// under a 1280-byte path MTU.
inline constexpr int kMaxRtpPayload = 1200;

struct OutputChoice {
  codecs::VideoEncoderConfig encoder;
  bool single_nal_unit = false;  // H.264 packetization-mode 0
  std::string rung;              // the rung it came from; empty when fitted outside the ladder
};

// `rungs`: the room's ladder, any order. `receiver`: the subscriber's negotiated format
// (with max_bitrate_bps from b=AS/TIAS) and `bandwidth_bps` any later estimate (TMMBR,
// REMB; 0 = none). Nullopt when the codec cannot be sent by Tessera at any size.
std::optional<OutputChoice> ChooseOutput(std::span<const RungConfig> rungs, const codecs::Capability& receiver,
                                         int64_t bandwidth_bps = 0);

// The output a broadcast or recording at picture height `height` taps: H.264 (packetization
// mode 1) of the H.264 rung of that height, shared with the rung's receivers. When the
// ladder has none (a room limited to 360p asked for a 1080p broadcast), a dedicated output
// of that height (16:9, the ladder's highest frame rate, a bitrate for the size) with an
// empty rung name, so the stream gets what it asked for and is encoded once for every
// stream of that height.
std::optional<OutputChoice> ChooseStreamOutput(std::span<const RungConfig> rungs, int height);

// Equal keys share an encoder.
std::string OutputKey(const OutputChoice& choice);

codecs::CodecId CodecOf(VideoCodecName name);

}  // namespace tessera::mcu::conference

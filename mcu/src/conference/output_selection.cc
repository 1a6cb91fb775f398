#include "tessera/mcu/conference/output_selection.h"

#include <algorithm>
#include <vector>

#include "tessera/codecs/negotiation.h"

namespace tessera::mcu::conference {

codecs::CodecId CodecOf(VideoCodecName name) {
  switch (name) {
    case VideoCodecName::kH264:
      return codecs::CodecId::kH264;
    case VideoCodecName::kVp8:
      return codecs::CodecId::kVp8;
    case VideoCodecName::kH263:
      return codecs::CodecId::kH263Plus;
    case VideoCodecName::kH261:
      return codecs::CodecId::kH261;
  }
  return codecs::CodecId::kH264;
}

namespace {

bool SameFamily(codecs::CodecId rung, codecs::CodecId receiver) {
  using codecs::CodecId;
  if (rung == receiver) return true;
  return (rung == CodecId::kH263Plus || rung == CodecId::kH263) &&
         (receiver == CodecId::kH263Plus || receiver == CodecId::kH263);
}

OutputChoice Make(const codecs::Capability& receiver, const codecs::VideoSendLimits& limits,
                  const codecs::VideoFormat& format, int64_t bitrate_bps, std::string rung) {
  codecs::NegotiatedVideo negotiated;
  negotiated.answer = receiver;
  negotiated.limits = limits;
  // Constrained Baseline for everyone (see the header): every H.264 receiver decodes it.
  negotiated.limits.h264_profile = codecs::H264Profile::kConstrainedBaseline;
  OutputChoice choice;
  choice.encoder = codecs::MakeVideoEncoderConfig(negotiated, format, static_cast<int>(bitrate_bps), kMaxRtpPayload);
  // A keyframe every 5 s as well: endpoints without RTCP feedback (plain RTP, ffmpeg,
  // the watch stream) would otherwise never recover from a loss or join late in vain.
  choice.encoder.keyframe_interval = choice.encoder.fps * 5;
  choice.single_nal_unit = receiver.codec == codecs::CodecId::kH264 && limits.single_nal_unit;
  choice.rung = std::move(rung);
  return choice;
}

}  // namespace

std::optional<OutputChoice> ChooseOutput(std::span<const RungConfig> rungs, const codecs::Capability& receiver,
                                         int64_t bandwidth_bps) {
  using codecs::CodecId;
  if (receiver.codec != CodecId::kH264 && receiver.codec != CodecId::kVp8 && receiver.codec != CodecId::kH263Plus &&
      receiver.codec != CodecId::kH263 && receiver.codec != CodecId::kH261)
    return std::nullopt;
  const codecs::VideoSendLimits limits = codecs::SendLimitsFor(receiver);
  int64_t budget = 0;  // 0: no limit known
  for (int64_t b : {limits.max_bitrate_bps, receiver.max_bitrate_bps, bandwidth_bps})
    if (b > 0) budget = budget == 0 ? b : std::min(budget, b);

  std::vector<const RungConfig*> ladder;
  for (const RungConfig& r : rungs)
    if (SameFamily(CodecOf(r.codec), receiver.codec)) ladder.push_back(&r);
  std::sort(ladder.begin(), ladder.end(),
            [](const RungConfig* a, const RungConfig* b) { return a->width * a->height > b->width * b->height; });
  for (const RungConfig* r : ladder) {
    const int64_t rung_bps = int64_t{r->bitrate_kbps} * 1000;
    // A rung whose bitrate the receiver cannot take is skipped, except the last resort.
    if (budget > 0 && rung_bps > budget && r != ladder.back()) continue;
    const codecs::VideoFormat size{r->width, r->height, r->fps};
    auto fitted = codecs::FitVideoFormat(limits, std::span(&size, 1), r->fps);
    if (!fitted) continue;
    return Make(receiver, limits, *fitted, budget > 0 ? std::min(rung_bps, budget) : rung_bps, r->name);
  }
  // No rung fits (an H.263 endpoint that takes only CIF, a codec the room has no rung for):
  // the largest standard size it allows, at a bitrate scaled from 500 kbit/s at 360p.
  auto fitted = codecs::FitVideoFormat(limits, codecs::StandardVideoFormats(), 30);
  if (!fitted) return std::nullopt;
  int64_t bps = std::clamp<int64_t>(int64_t{fitted->width} * fitted->height * 500'000 / (640 * 360), 64'000, 2'500'000);
  if (budget > 0) bps = std::min(bps, budget);
  return Make(receiver, limits, *fitted, bps, "");
}

std::optional<OutputChoice> ChooseStreamOutput(std::span<const RungConfig> rungs, int height) {
  if (height < 144 || height > 2160) return std::nullopt;
  RungConfig chosen;
  bool found = false;
  int fps = 0;
  for (const RungConfig& r : rungs) {
    fps = std::max(fps, r.fps);
    if (r.codec == VideoCodecName::kH264 && r.height == height && (!found || r.bitrate_kbps > chosen.bitrate_kbps)) {
      chosen = r;
      found = true;
    }
  }
  if (!found) {
    // A dedicated output: 16:9 at the asked height (even sides), about 0.07 bits per pixel
    // at 30 fps (2.0 Mbit/s at 720p, 4.4 at 1080p, 0.5 at 360p), at the ladder's rate.
    chosen.width = (height * 16 / 9 + 1) & ~1;
    chosen.height = height & ~1;
    chosen.fps = fps > 0 ? fps : 30;
    const double pixels_per_second = static_cast<double>(chosen.width) * chosen.height * chosen.fps;
    chosen.bitrate_kbps = static_cast<int>(std::clamp(pixels_per_second * 0.07 / 1000, 200.0, 12000.0));
    chosen.codec = VideoCodecName::kH264;
  }
  // Any H.264 receiver without limits of its own: the rung decides (High capability with
  // mode 1, so the choice is the same Constrained Baseline stream subscribers share).
  const codecs::Capability receiver = codecs::DefaultVideoCapabilities().front();
  return ChooseOutput(std::span<const RungConfig>(&chosen, 1), receiver);
}

std::string OutputKey(const OutputChoice& c) {
  const codecs::VideoEncoderConfig& e = c.encoder;
  std::string key = std::string(codecs::CodecName(e.codec));
  for (int v : {e.width, e.height, e.fps, e.bitrate_bps, static_cast<int>(e.h264_profile), e.h264_level_idc,
                e.h264_level_signalled_only ? 1 : 0, e.max_slice_bytes, c.single_nal_unit ? 1 : 0}) {
    key += ':';
    key += std::to_string(v);
  }
  return key;
}

}  // namespace tessera::mcu::conference

#include "tessera/mcu/conference/video_input.h"

#include "tessera/codecs/payload/h261_payload.h"
#include "tessera/codecs/payload/h263_payload.h"
#include "tessera/codecs/payload/vp8_payload.h"

namespace tessera::mcu::conference {

namespace {
constexpr size_t kInitialAccessUnitBytes = 256 * 1024;
}

Result<std::unique_ptr<VideoInput>, std::string> VideoInput::Create(const MediaStreamRequest& request,
                                                                     uint32_t local_ssrc) {
  using codecs::CodecId;
  const CodecId codec = request.format.codec;
  if (codec != CodecId::kH264 && codec != CodecId::kVp8 && codec != CodecId::kH263Plus && codec != CodecId::kH263 &&
      codec != CodecId::kH261)
    return MakeUnexpected(std::string("cannot receive video as ") + std::string(codecs::CodecName(codec)));
  auto decoder = codecs::CreateVideoDecoder({.codec = codec});
  if (!decoder) return MakeUnexpected(std::string("video decoder: ") + decoder.error().detail);
  rtp::VideoReceiveStreamConfig config;
  config.local_ssrc = local_ssrc;
  config.codec = codec;
  config.clock_rate = static_cast<uint32_t>(request.format.clock_rate);
  config.nack = request.nack;
  // Without AVPF nothing was negotiated; a PLI is still the best hope (most endpoints
  // answer it), and one that ignores it costs a few bytes per second.
  config.keyframe_method = request.fir && !request.pli ? rtp::KeyframeRequestMethod::kFir : rtp::KeyframeRequestMethod::kPli;
  return std::unique_ptr<VideoInput>(new VideoInput(request, config, std::move(*decoder)));
}

VideoInput::VideoInput(const MediaStreamRequest& request, const rtp::VideoReceiveStreamConfig& config,
                       std::unique_ptr<codecs::VideoDecoder> decoder)
    : codec_(request.format.codec),
      payload_type_(request.payload_type),
      stream_(config),
      decoder_(std::move(decoder)) {
  access_unit_.resize(kInitialAccessUnitBytes);
}

void VideoInput::Process(rtp::TimePoint now, bool visible) {
  if (visible && !was_visible_) {
    // Frames were dropped undecoded while hidden: the reference chain is broken.
    ++stats_.became_visible;
    decoder_->NotifyDataLost();
    if (has_packets()) stream_.RequestKeyframe(now);
  }
  was_visible_ = visible;
  while (auto frame = stream_.PopFrame(now)) {
    if (!visible) {
      ++stats_.frames_skipped_hidden;
      continue;
    }
    DecodeFrame(*frame, now);
  }
  if (visible && decoder_->NeedsKeyframe() && has_packets()) stream_.RequestKeyframe(now);
}

void VideoInput::DecodeFrame(const rtp::VideoFrame& frame, rtp::TimePoint now) {
  using codecs::CodecId;
  const size_t bound = codec_ == CodecId::kH264 ? codecs::payload::H264DepacketizedSizeBound(frame.payloads) : [&] {
    size_t total = 0;
    for (auto p : frame.payloads) total += p.size();
    return total + 16;
  }();
  if (bound > access_unit_.size()) access_unit_.resize(bound);  // rare: a larger frame than any before
  auto unpacked = [&]() -> Result<codecs::payload::DepacketizedFrame, codecs::payload::DepacketizeError> {
    switch (codec_) {
      case CodecId::kH264: return codecs::payload::DepacketizeH264(frame.payloads, access_unit_, &parameter_sets_);
      case CodecId::kVp8: return codecs::payload::DepacketizeVp8(frame.payloads, access_unit_);
      case CodecId::kH263Plus: return codecs::payload::DepacketizeH263Rfc4629(frame.payloads, access_unit_);
      case CodecId::kH261: return codecs::payload::DepacketizeH261(frame.payloads, access_unit_);
      default: return codecs::payload::DepacketizeH263Rfc2190(frame.payloads, access_unit_);
    }
  }();
  if (!unpacked) {
    ++stats_.depacketize_errors;
    decoder_->NotifyDataLost();
    current_valid_ = false;
    return;
  }
  auto decoded = decoder_->Decode(std::span(access_unit_).first(unpacked->size), frame.rtp_timestamp);
  current_valid_ = false;  // the previous view ended with this call
  if (!decoded) {
    ++stats_.decode_errors;
    return;
  }
  if (!*decoded) return;  // parameter sets only, or held for reordering
  ++stats_.frames_decoded;
  if ((*decoded)->intact) {
    current_ = (*decoded)->picture;
    current_valid_ = true;
    last_intact_ = now;
    fresh_arrival_ = frame.last_arrival;
    stalled_ = false;
  }
}

I420View VideoInput::Picture(rtp::TimePoint now, std::chrono::milliseconds hold) {
  if (!last_intact_) return {};
  if (now - *last_intact_ > hold) {
    if (!stalled_) ++stats_.placeholder_switches;
    stalled_ = true;
    return {};
  }
  if (current_valid_) return current_;
  return decoder_->LastIntactPicture();
}

}  // namespace tessera::mcu::conference

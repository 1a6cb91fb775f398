#include "tessera/mcu/conference/video_output.h"

#include <atomic>

namespace tessera::mcu::conference {

namespace {
std::atomic<uint64_t> next_output_serial{1};  // 0 is SentSequenceMap's "unused"
}  // namespace

Result<std::unique_ptr<VideoOutput>, std::string> VideoOutput::Create(const OutputChoice& choice, std::string key) {
  auto encoder = codecs::CreateVideoEncoder(choice.encoder);
  if (!encoder) return MakeUnexpected("video encoder " + key + ": " + encoder.error().detail);
  return std::unique_ptr<VideoOutput>(new VideoOutput(choice, std::move(key), std::move(*encoder)));
}

VideoOutput::VideoOutput(const OutputChoice& choice, std::string key, std::unique_ptr<codecs::VideoEncoder> encoder)
    : choice_(choice),
      key_(std::move(key)),
      encoder_(std::move(encoder)),
      arena_(kMaxPacketsPerFrame, kMaxRtpPayload),
      serial_(next_output_serial.fetch_add(1, std::memory_order_relaxed)) {
  using codecs::CodecId;
  switch (choice.encoder.codec) {
    case CodecId::kH264:
      h264_.emplace(codecs::payload::H264PacketizerConfig{
          .max_payload_size = kMaxRtpPayload,
          .mode = choice.single_nal_unit ? codecs::payload::H264PacketizationMode::kSingleNalUnit
                                         : codecs::payload::H264PacketizationMode::kNonInterleaved});
      break;
    case CodecId::kVp8:
      vp8_.emplace(codecs::payload::Vp8PacketizerConfig{.max_payload_size = kMaxRtpPayload});
      break;
    case CodecId::kH261:
      h261_.emplace(codecs::payload::H261PacketizerConfig{.max_payload_size = kMaxRtpPayload});
      break;
    default:
      h263_.emplace(codecs::payload::H263PacketizerConfig{
          .max_payload_size = kMaxRtpPayload,
          .format = choice.encoder.codec == CodecId::kH263 ? codecs::payload::H263PayloadFormat::kRfc2190
                                                           : codecs::payload::H263PayloadFormat::kRfc4629});
      break;
  }
}

void VideoOutput::Encode(const I420View& picture, uint32_t rtp_timestamp, rtp::TimePoint now) {
  arena_.Clear();
  frame_data_ = {};
  const bool forced = keyframes_.ShouldForce(now);
  if (forced) encoder_->ForceKeyframe();
  auto frame = encoder_->Encode(picture, rtp_timestamp);
  if (!frame) {
    ++stats_.encode_errors;
    if (forced) keyframes_.Request();  // try again next frame
    return;
  }
  if (frame->data.empty()) return;  // rate control skipped this picture
  Result<size_t, codecs::payload::PacketizeError> packets = size_t{0};
  if (h264_)
    packets = h264_->Packetize(frame->data, arena_);
  else if (vp8_)
    packets = vp8_->Packetize(frame->data, arena_);
  else if (h261_)
    packets = h261_->Packetize(frame->data, arena_);
  else
    packets = h263_->Packetize(frame->data, arena_);
  if (!packets) {
    ++stats_.packetize_errors;
    arena_.Clear();
    keyframes_.Request();  // the receivers lost a frame of the reference chain
    return;
  }
  keyframe_ = frame->keyframe;
  frame_data_ = frame->data;
  timestamp_ = rtp_timestamp;
  ++stats_.frames;
  stats_.bytes += frame->data.size();
  stats_.qp = encoder_->stats().last_qp;
  if (keyframe_) {
    ++stats_.keyframes;
    keyframes_.OnKeyframe(now, forced);
  }
}

uint64_t OutputSubject(const VideoOutput& output) {
  // Outputs live at stable addresses until closed; the top bit keeps them apart from
  // participant numbers.
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&output)) | (uint64_t{1} << 63);
}

}  // namespace tessera::mcu::conference

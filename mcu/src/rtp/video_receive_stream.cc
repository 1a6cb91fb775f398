#include "tessera/mcu/rtp/video_receive_stream.h"

#include <algorithm>

#include "tessera/codecs/payload/payload_inspector.h"

namespace tessera::mcu::rtp {

VideoReceiveStream::VideoReceiveStream(const VideoReceiveStreamConfig& config)
    : config_(config),
      statistics_(config.clock_rate),
      jitter_buffer_(config.jitter_buffer),
      nack_(config.nack_config),
      keyframes_({config.keyframe_method, config.keyframe_min_interval}) {}

void VideoReceiveStream::Reset() {
  statistics_ = ReceiveStatistics(config_.clock_rate);
  jitter_buffer_.Reset();
  nack_.Reset();
  sequences_.Reset();
  first_packet_.reset();
  delivered_any_ = false;
}

void VideoReceiveStream::CheckDecodability(TimePoint now) {
  const auto& s = jitter_buffer_.stats();
  const uint64_t breaks = s.skips + s.frames_undecodable + s.resets + s.frames_incomplete;
  if (breaks != breaks_seen_) {
    breaks_seen_ = breaks;
    if (jitter_buffer_.state() == DecodeState::kNeedsKeyframe) keyframes_.Request(now);
  }
  if (!delivered_any_ && first_packet_ && now - *first_packet_ >= config_.first_keyframe_timeout) {
    keyframes_.Request(now);
  }
}

void VideoReceiveStream::OnSsrcChanged() {
  ++stats_.ssrc_changes;
  have_ssrc_ = false;
  Reset();
}

void VideoReceiveStream::OnRtpPacket(const RtpPacketView& packet, TimePoint arrival) {
  if (!have_ssrc_ || packet.ssrc != remote_ssrc_) {
    if (have_ssrc_) Reset();  // a new source without the router having said so
    remote_ssrc_ = packet.ssrc;
    have_ssrc_ = true;
  }
  ++stats_.packets;
  if (!first_packet_) first_packet_ = arrival;
  const std::optional<int64_t> highest = sequences_.last();
  const int64_t seq = sequences_.Unwrap(packet.sequence_number);
  const NackTracker::Arrival arrival_kind =
      config_.nack ? nack_.OnPacket(seq, arrival) : NackTracker::Arrival::kInOrder;
  ReceiveStatistics::Kind kind = ReceiveStatistics::Kind::kOriginal;
  if (arrival_kind == NackTracker::Arrival::kRetransmitted) {
    kind = ReceiveStatistics::Kind::kRetransmission;
  } else if (highest && seq < *highest) {
    kind = ReceiveStatistics::Kind::kLate;
  }
  statistics_.OnPacket(packet.sequence_number, packet.timestamp, arrival, packet.payload.size(), kind);
  if (config_.nack) {
    nack_.set_reorder_grace(std::clamp<std::chrono::microseconds>(
        2 * statistics_.jitter_duration(), config_.nack_config.reorder_grace, config_.max_reorder_grace));
  }
  const codecs::payload::VideoPayloadInfo info = codecs::payload::InspectVideoPayload(config_.codec, packet.payload);
  const JitterInsertResult result = jitter_buffer_.Insert(seq, packet.timestamp, packet.marker, packet.payload,
                                                          VideoPacketHints{info.frame_start, info.keyframe}, arrival);
  if (result == JitterInsertResult::kReset) {
    nack_.Reset();
    nack_.OnPacket(seq, arrival);
    keyframes_.Request(arrival);
  }
}

std::optional<VideoFrame> VideoReceiveStream::PopFrame(TimePoint now) {
  auto frame = jitter_buffer_.PopFrame(now);
  if (frame) {
    delivered_any_ = true;
    if (frame->keyframe) keyframes_.OnKeyframe();
  }
  CheckDecodability(now);
  // NACK need not ask for what the buffer already handed out or skipped.
  if (const auto next = jitter_buffer_.next_sequence()) nack_.DropBefore(*next);
  return frame;
}

bool VideoReceiveStream::AppendFeedback(TimePoint now, RtcpBuilder& rtcp) {
  bool added = false;
  if (config_.nack && have_ssrc_) {
    const size_t n = nack_.Collect(now, rtt_, nack_scratch_);
    if (const auto lost = nack_.lost_for_good_through()) jitter_buffer_.OnLostForGood(*lost);
    if (n > 0 && rtcp.AddNack(config_.local_ssrc, remote_ssrc_, std::span<const uint16_t>(nack_scratch_.data(), n))) {
      ++stats_.nack_packets_sent;
      added = true;
    }
  }
  if (have_ssrc_) CheckDecodability(now);
  if (have_ssrc_) {
    if (const auto request = keyframes_.Poll(now)) {
      if (request->method == KeyframeRequestMethod::kFir) {
        const FirEntry entry{remote_ssrc_, request->fir_sequence_number};
        if (rtcp.AddFir(config_.local_ssrc, std::span<const FirEntry>(&entry, 1))) {
          ++stats_.fir_sent;
          added = true;
        }
      } else if (rtcp.AddPli(config_.local_ssrc, remote_ssrc_)) {
        ++stats_.pli_sent;
        added = true;
      }
    }
  }
  return added;
}

std::optional<TimePoint> VideoReceiveStream::NextWakeup(TimePoint now) const {
  std::optional<TimePoint> next = jitter_buffer_.NextDeadline();
  if (!delivered_any_ && first_packet_ && !keyframes_.pending()) next = *first_packet_ + config_.first_keyframe_timeout;
  auto earliest = [&](std::optional<TimePoint> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  earliest(keyframes_.NextPoll());
  // Missing packets are asked for again within a round trip at the latest.
  if (nack_.missing() > 0) earliest(now + std::max<std::chrono::microseconds>(std::chrono::milliseconds(5), rtt_ / 4));
  return next;
}

}  // namespace tessera::mcu::rtp

#pragma once
// Everything Tessera keeps for one incoming video stream, assembled from the parts in this
// folder: reception statistics for RTCP reports, the jitter buffer, NACK for missing
// packets and keyframe requests (PLI or FIR) when a gap cannot be repaired, a decoder asks,
// or the stream becomes visible.
//
//   stream.OnRtpPacket(packet, arrival);            // routed here, SRTP already removed
//   while (auto frame = stream.PopFrame(now)) Decode(DepacketizeH264(frame->payloads, ...));
//   if (stream.AppendFeedback(now, rtcp)) Send(rtcp);   // NACK, PLI/FIR (AVPF: at once)
//   blocks.push_back(stream.MakeReportBlock(now));     // with the next regular RR/SR
//
// Repair policy, in order: NACK each missing packet (after a short reordering grace, then
// once per RTT, bounded retries and age); when NACK gives up or a frame waits too long, skip
// to the next complete frame; the reference chain is then broken, so ask for a keyframe,
// rate-limited and repeated until one arrives; drop undecodable frames meanwhile. At the
// start, the first keyframe gets `first_keyframe_timeout` to arrive before it is asked for.
//
// Thread safety: one stream per media source, used on one thread (the network thread that
// receives it, or the conference strand it is posted to).

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

#include "tessera/codecs/codec_types.h"
#include "tessera/mcu/rtp/keyframe_requester.h"
#include "tessera/mcu/rtp/nack_tracker.h"
#include "tessera/mcu/rtp/receive_statistics.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/sequence_unwrapper.h"
#include "tessera/mcu/rtp/video_jitter_buffer.h"

namespace tessera::mcu::rtp {

struct VideoReceiveStreamConfig {
  uint32_t local_ssrc = 0;  // sender SSRC of our feedback packets
  codecs::CodecId codec = codecs::CodecId::kH264;
  uint32_t clock_rate = 90000;
  bool nack = true;  // "a=rtcp-fb:* nack" negotiated
  KeyframeRequestMethod keyframe_method = KeyframeRequestMethod::kPli;
  VideoJitterBufferConfig jitter_buffer;
  NackConfig nack_config;
  // The first NACK for a gap waits twice the measured interarrival jitter (at least
  // nack_config.reorder_grace, at most this), so packets that are only late are not asked for.
  std::chrono::milliseconds max_reorder_grace{50};
  std::chrono::milliseconds keyframe_min_interval{300};
  // Without a decodable frame this long after the first packet (the first keyframe was
  // lost, or the stream was joined mid-GOP), ask for one.
  std::chrono::milliseconds first_keyframe_timeout{500};
};

struct VideoReceiveStreamStats {
  uint64_t packets = 0;
  uint64_t nack_packets_sent = 0;  // RTCP NACK messages
  uint64_t pli_sent = 0;
  uint64_t fir_sent = 0;
  uint64_t ssrc_changes = 0;
};

class VideoReceiveStream {
 public:
  static constexpr size_t kMaxNacksPerPacket = 64;

  explicit VideoReceiveStream(const VideoReceiveStreamConfig& config);

  void OnRtpPacket(const RtpPacketView& packet, TimePoint arrival);
  void OnSenderReport(const SenderInfo& info, TimePoint arrival) { statistics_.OnSenderReport(info, arrival); }
  // The router saw a new SSRC for this stream: start over (statistics, buffer, NACK list).
  void OnSsrcChanged();
  // Asks for a keyframe (a decoder error, or the source became visible).
  void RequestKeyframe(TimePoint now) { keyframes_.Request(now); }
  void SetRtt(std::chrono::microseconds rtt) { rtt_ = rtt; }

  // The next complete, decodable frame in decode order; valid until the next call here.
  std::optional<VideoFrame> PopFrame(TimePoint now);
  // Appends due NACK and PLI/FIR messages to `rtcp`; true if anything was added.
  bool AppendFeedback(TimePoint now, RtcpBuilder& rtcp);
  ReportBlock MakeReportBlock(TimePoint now) { return statistics_.MakeReportBlock(remote_ssrc_, now); }
  // When PopFrame or AppendFeedback may have something to do without a new packet.
  std::optional<TimePoint> NextWakeup(TimePoint now) const;

  uint32_t remote_ssrc() const { return remote_ssrc_; }
  DecodeState state() const { return jitter_buffer_.state(); }
  const ReceiveStatistics& statistics() const { return statistics_; }
  const VideoJitterBuffer& jitter_buffer() const { return jitter_buffer_; }
  const NackTracker& nack() const { return nack_; }
  const KeyframeRequester& keyframes() const { return keyframes_; }
  const VideoReceiveStreamStats& stats() const { return stats_; }

 private:
  void Reset();
  // Asks for a keyframe when the jitter buffer lost the reference chain since last time.
  void CheckDecodability(TimePoint now);

  VideoReceiveStreamConfig config_;
  ReceiveStatistics statistics_;
  VideoJitterBuffer jitter_buffer_;
  NackTracker nack_;
  KeyframeRequester keyframes_;
  SequenceNumberUnwrapper sequences_;
  std::array<uint16_t, kMaxNacksPerPacket> nack_scratch_{};
  std::chrono::microseconds rtt_{std::chrono::milliseconds(100)};
  uint32_t remote_ssrc_ = 0;
  bool have_ssrc_ = false;
  std::optional<TimePoint> first_packet_;
  bool delivered_any_ = false;
  uint64_t breaks_seen_ = 0;  // jitter buffer skips + undecodable frames + resets, last checked
  VideoReceiveStreamStats stats_;
};

}  // namespace tessera::mcu::rtp

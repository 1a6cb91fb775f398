#pragma once
// Everything Tessera keeps for one incoming audio stream: reception statistics for RTCP
// reports and the adaptive jitter buffer the mixer pulls one frame per packet time from.
// Audio gets no NACK (a retransmission would arrive after its playout time) and no
// keyframes; loss is concealed by the decoder (PLC, Opus in-band FEC from the next packet).
// telephone-event packets share the SSRC but have their own payload type, so the router
// sends them to a TelephoneEventReceiver instead.
//
// Thread safety: one stream per source, used on one thread.

#include <cstdint>

#include "tessera/mcu/rtp/audio_jitter_buffer.h"
#include "tessera/mcu/rtp/receive_statistics.h"
#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::rtp {

class AudioReceiveStream {
 public:
  explicit AudioReceiveStream(const AudioJitterBufferConfig& config)
      : config_(config), statistics_(config.clock_rate), jitter_buffer_(config) {}

  void OnRtpPacket(const RtpPacketView& packet, TimePoint arrival) {
    if (have_ssrc_ && packet.ssrc != remote_ssrc_) OnSsrcChanged();
    remote_ssrc_ = packet.ssrc;
    have_ssrc_ = true;
    statistics_.OnPacket(packet.sequence_number, packet.timestamp, arrival, packet.payload.size());
    jitter_buffer_.Insert(packet.sequence_number, packet.timestamp, packet.payload, arrival);
  }
  void OnSenderReport(const SenderInfo& info, TimePoint arrival) { statistics_.OnSenderReport(info, arrival); }
  void OnSsrcChanged() {
    statistics_ = ReceiveStatistics(config_.clock_rate);
    jitter_buffer_.Reset();
    have_ssrc_ = false;
  }
  // Once per packet time, from the mixer's tick.
  AudioPop Pop(TimePoint now) { return jitter_buffer_.Pop(now); }
  ReportBlock MakeReportBlock(TimePoint now) { return statistics_.MakeReportBlock(remote_ssrc_, now); }

  uint32_t remote_ssrc() const { return remote_ssrc_; }
  const ReceiveStatistics& statistics() const { return statistics_; }
  const AudioJitterBuffer& jitter_buffer() const { return jitter_buffer_; }

 private:
  AudioJitterBufferConfig config_;
  ReceiveStatistics statistics_;
  AudioJitterBuffer jitter_buffer_;
  uint32_t remote_ssrc_ = 0;
  bool have_ssrc_ = false;
};

}  // namespace tessera::mcu::rtp

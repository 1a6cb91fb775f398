#pragma once
// AudioInput: one participant's incoming audio, from RTP to one 20 ms frame of 48 kHz mono
// per audio tick for the mixer: the adaptive jitter buffer (rtp/audio_receive_stream.h),
// the decoder with loss concealment (Opus PLC or FEC), and resampling to 48 kHz. Packets of
// 10, 20, 30, 40 or 60 ms all give 20 ms per tick through a small FIFO at 48 kHz.
//
// Thread safety: owned by the room strand.

#include <array>
#include <memory>
#include <span>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/resampler.h"
#include "tessera/mcu/conference/dtmf_receiver.h"
#include "tessera/mcu/participant_request.h"
#include "tessera/mcu/rtp/audio_receive_stream.h"
#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::conference {

struct AudioInputStats {
  uint64_t frames_decoded = 0;
  uint64_t frames_concealed = 0;
  uint64_t decode_errors = 0;
  uint64_t telephone_events = 0;  // RFC 4733 packets (PINs read them; otherwise dropped)
};

class AudioInput {
 public:
  static constexpr int kTickSamples = 960;  // 20 ms at 48 kHz

  static Result<std::unique_ptr<AudioInput>, std::string> Create(const MediaStreamRequest& request);

  void OnRtp(const rtp::RtpPacketView& packet, rtp::TimePoint arrival) { stream_.OnRtpPacket(packet, arrival); }
  void OnSenderReport(const rtp::SenderInfo& info, rtp::TimePoint arrival) { stream_.OnSenderReport(info, arrival); }
  // An RFC 4733 packet: the digit when it starts a new key press.
  std::optional<char> OnTelephoneEvent(const rtp::RtpPacketView& packet) {
    ++stats_.telephone_events;
    return telephone_events_.OnPacket(packet.timestamp, packet.payload);
  }

  // One tick's audio; empty while the stream has not started (nothing to mix).
  std::span<const int16_t> Pull(rtp::TimePoint now);

  rtp::ReportBlock MakeReportBlock(rtp::TimePoint now) { return stream_.MakeReportBlock(now); }
  bool has_packets() const { return stream_.statistics().has_packets(); }
  int payload_type() const { return payload_type_; }
  const std::optional<int>& telephone_event_payload_type() const { return telephone_event_pt_; }
  const rtp::AudioReceiveStream& stream() const { return stream_; }
  const AudioInputStats& stats() const { return stats_; }

 private:
  static constexpr size_t kFifoSamples = 48 * 200;  // 200 ms at 48 kHz: above any packet time

  AudioInput(const MediaStreamRequest& request, const rtp::AudioJitterBufferConfig& config,
             std::unique_ptr<codecs::AudioDecoder> decoder, std::unique_ptr<codecs::Resampler> resampler);
  // Decodes one packet's worth (or its concealment) into the FIFO; false when nothing came.
  bool DecodeOne(rtp::TimePoint now);

  int payload_type_;
  std::optional<int> telephone_event_pt_;
  rtp::AudioReceiveStream stream_;
  std::unique_ptr<codecs::AudioDecoder> decoder_;
  std::unique_ptr<codecs::Resampler> resampler_;  // null at 48 kHz
  int decoder_rate_;
  int last_frame_samples_;  // at the decoder's rate, for concealment
  std::array<int16_t, codecs::kMaxAudioFrameSamples> decoded_{};
  std::array<int16_t, kFifoSamples> fifo_{};
  size_t fifo_size_ = 0;
  std::array<int16_t, kTickSamples> tick_{};
  TelephoneEventReceiver telephone_events_;
  AudioInputStats stats_;
};

}  // namespace tessera::mcu::conference

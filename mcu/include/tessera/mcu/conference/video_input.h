#pragma once
// VideoInput: one participant's incoming video from RTP to a picture the compositor can
// show — jitter buffer with NACK and keyframe requests (rtp/video_receive_stream.h), the
// payload format's depacketizer, and the decoder — and the rules for what its tile shows:
//
//   visible     decode every complete frame (the reference chain needs them all);
//   not visible frames are taken from the jitter buffer and dropped undecoded (design.md
//               §2, idea 2); on becoming visible the decoder is told data was lost and a
//               keyframe is asked for, and the tile shows the last picture meanwhile;
//   broken      a frame that fails to decode is counted; the tile keeps the decoder's last
//               intact picture;
//   stalled     after `hold` (default 2 s) without a new intact picture, the placeholder.
//
// Thread safety: owned by the room strand. Process() may run on a pool thread inside the
// strand's ParallelFor (it touches only this object).

#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "tessera/base/video_frame.h"
#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/codecs/video/video_decoder.h"
#include "tessera/mcu/participant_request.h"
#include "tessera/mcu/rtp/rtcp_builder.h"
#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/video_receive_stream.h"

namespace tessera::mcu::conference {

struct VideoInputStats {
  uint64_t frames_decoded = 0;
  uint64_t frames_skipped_hidden = 0;  // popped while not visible: not decoded
  uint64_t depacketize_errors = 0;
  uint64_t decode_errors = 0;
  uint64_t became_visible = 0;
  uint64_t placeholder_switches = 0;  // stalls longer than `hold`
};

class VideoInput {
 public:
  static Result<std::unique_ptr<VideoInput>, std::string> Create(const MediaStreamRequest& request,
                                                                 uint32_t local_ssrc);

  // Room strand: an RTP packet of the negotiated payload type.
  void OnRtp(const rtp::RtpPacketView& packet, rtp::TimePoint arrival) { stream_.OnRtpPacket(packet, arrival); }
  void OnSenderReport(const rtp::SenderInfo& info, rtp::TimePoint arrival) { stream_.OnSenderReport(info, arrival); }
  void RequestKeyframe(rtp::TimePoint now) { stream_.RequestKeyframe(now); }

  // Per video tick: drains the frames that are complete; decodes them when visible.
  void Process(rtp::TimePoint now, bool visible);
  // The picture for the tile: the latest intact one, unless older than `hold`; empty then
  // (the compositor draws the placeholder).
  I420View Picture(rtp::TimePoint now, std::chrono::milliseconds hold);

  bool AppendFeedback(rtp::TimePoint now, rtp::RtcpBuilder& rtcp) { return stream_.AppendFeedback(now, rtcp); }
  rtp::ReportBlock MakeReportBlock(rtp::TimePoint now) { return stream_.MakeReportBlock(now); }
  bool has_packets() const { return stream_.statistics().has_packets(); }
  uint32_t remote_ssrc() const { return stream_.remote_ssrc(); }
  int payload_type() const { return payload_type_; }
  const rtp::VideoReceiveStream& stream() const { return stream_; }
  const VideoInputStats& stats() const { return stats_; }
  // When the last packet of the newest intact picture arrived, until TakeFreshArrival()
  // hands it out once (latency measurement: each picture is counted when first shown).
  std::optional<rtp::TimePoint> TakeFreshArrival() { return std::exchange(fresh_arrival_, std::nullopt); }
  const codecs::VideoDecoder& decoder() const { return *decoder_; }

 private:
  VideoInput(const MediaStreamRequest& request, const rtp::VideoReceiveStreamConfig& config,
             std::unique_ptr<codecs::VideoDecoder> decoder);
  void DecodeFrame(const rtp::VideoFrame& frame, rtp::TimePoint now);

  codecs::CodecId codec_;
  int payload_type_;
  rtp::VideoReceiveStream stream_;
  std::unique_ptr<codecs::VideoDecoder> decoder_;
  codecs::payload::H264ParameterSets parameter_sets_;
  std::vector<uint8_t> access_unit_;  // grows to the largest frame seen, then stays
  I420View current_;                  // the decoder's latest intact picture (until its next call)
  bool current_valid_ = false;
  std::optional<rtp::TimePoint> last_intact_;
  std::optional<rtp::TimePoint> fresh_arrival_;
  bool was_visible_ = false;
  bool stalled_ = false;
  VideoInputStats stats_;
};

}  // namespace tessera::mcu::conference

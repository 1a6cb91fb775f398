#pragma once
// VideoOutput: one encoder and one packet stream (design.md §2, idea 1). Every subscriber
// placed on it gets these same payloads; the room's fan-out only writes each subscriber's
// RTP header (SSRC, sequence number, timestamp, payload type) in front and protects.
//
// Encode() runs on a pool thread inside the room's ParallelFor (one output per job); the
// rest on the room strand.

#include <memory>
#include <optional>
#include <string>

#include "tessera/base/video_frame.h"
#include "tessera/codecs/payload/h261_payload.h"
#include "tessera/codecs/payload/h263_payload.h"
#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/codecs/payload/vp8_payload.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/mcu/conference/keyframe_gate.h"
#include "tessera/mcu/conference/output_selection.h"
#include "tessera/mcu/conference/retransmission.h"

namespace tessera::mcu::conference {

struct VideoOutputStats {
  uint64_t frames = 0;
  uint64_t keyframes = 0;
  uint64_t encode_errors = 0;
  uint64_t packetize_errors = 0;
  uint64_t bytes = 0;
  int qp = -1;  // of the last frame (codecs::VideoEncoderStats::last_qp)
};

class VideoOutput {
 public:
  static constexpr size_t kMaxPacketsPerFrame = 1024;

  static Result<std::unique_ptr<VideoOutput>, std::string> Create(const OutputChoice& choice, std::string key);

  // Pool thread. Encodes `picture` (exactly width() x height()) at `rtp_timestamp` (90 kHz)
  // and packetizes it; afterwards payloads() holds the frame (empty if none was made).
  void Encode(const I420View& picture, uint32_t rtp_timestamp, rtp::TimePoint now);

  // Room strand.
  const codecs::payload::PayloadArena& payloads() const { return arena_; }
  bool has_frame() const { return arena_.size() > 0; }
  bool frame_is_keyframe() const { return keyframe_; }
  uint32_t frame_timestamp() const { return timestamp_; }
  // The frame as the encoder made it (H.264: one Annex B access unit), valid until the next
  // Encode; for the streaming taps.
  std::span<const uint8_t> frame_data() const { return frame_data_; }
  KeyframeGate& keyframes() { return keyframes_; }
  int width() const { return choice_.encoder.width; }
  int height() const { return choice_.encoder.height; }
  int fps() const { return choice_.encoder.fps; }
  const std::string& key() const { return key_; }
  const OutputChoice& choice() const { return choice_; }
  int subscribers = 0;  // how many are attached (the room keeps the list)
  std::string view;     // the picture it encodes (Room::ViewOf); "" the room's layout
  const VideoOutputStats& stats() const { return stats_; }
  const codecs::VideoEncoder& encoder() const { return *encoder_; }
  // The payloads it sent, for its receivers' NACKs (retransmission.h); unique among all
  // outputs of the process, so that a receiver moved to another output never gets a
  // packet of the new one for a sequence number of the old.
  OutputPacketHistory& history() { return history_; }
  uint64_t serial() const { return serial_; }

 private:
  VideoOutput(const OutputChoice& choice, std::string key, std::unique_ptr<codecs::VideoEncoder> encoder);

  OutputChoice choice_;
  std::string key_;
  std::unique_ptr<codecs::VideoEncoder> encoder_;
  std::optional<codecs::payload::H264Packetizer> h264_;
  std::optional<codecs::payload::Vp8Packetizer> vp8_;
  std::optional<codecs::payload::H263Packetizer> h263_;
  std::optional<codecs::payload::H261Packetizer> h261_;
  codecs::payload::PayloadArena arena_;
  KeyframeGate keyframes_;
  bool keyframe_ = false;
  uint32_t timestamp_ = 0;
  std::span<const uint8_t> frame_data_;
  VideoOutputStats stats_;
  // About a second at 8 Mbit/s; the ring is only allocated for an output with a receiver
  // that NACKs.
  OutputPacketHistory history_{1024, kMaxRtpPayload};
  uint64_t serial_;
};

// The output's subject for a TroubleGate (trouble_gate.h).
uint64_t OutputSubject(const VideoOutput& output);

}  // namespace tessera::mcu::conference

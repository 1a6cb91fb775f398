#pragma once
// VP8 over RTP (RFC 7741): the payload descriptor (X, N, S, PID; PictureID, TL0PICIDX,
// TID/Y/KEYIDX), depacketizing one frame, and packetizing with a 15-bit PictureID.
//
// Thread safety: pure functions and per-stream packetizers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "tessera/codecs/payload/payload_types.h"

namespace tessera::codecs::payload {

struct Vp8Descriptor {
  bool non_reference = false;          // N
  bool start_of_partition = false;     // S
  uint8_t partition_index = 0;         // PID
  std::optional<uint16_t> picture_id;  // 7 or 15 bits
  std::optional<uint8_t> tl0_pic_idx;
  std::optional<uint8_t> temporal_layer;
  bool layer_sync = false;  // Y
  std::optional<uint8_t> key_index;
  size_t size = 0;  // descriptor bytes before the VP8 payload
  bool frame_start() const { return start_of_partition && partition_index == 0; }
};
std::optional<Vp8Descriptor> ParseVp8Descriptor(std::span<const uint8_t> payload);

// A frame-start payload's VP8 header says key frame (P bit 0); with the key frame header
// it also gives the size.
struct Vp8FrameInfo {
  bool keyframe = false;
  int width = 0;
  int height = 0;
};
std::optional<Vp8FrameInfo> ParseVp8FrameHeader(std::span<const uint8_t> vp8_data);

Result<DepacketizedFrame, DepacketizeError> DepacketizeVp8(PayloadList payloads, std::span<uint8_t> out);

struct Vp8PacketizerConfig {
  size_t max_payload_size = 1200;
  uint16_t first_picture_id = 0;  // 15 bits
};

class Vp8Packetizer {
 public:
  static constexpr size_t kDescriptorSize = 4;  // X|S|PID, I, 15-bit PictureID
  explicit Vp8Packetizer(const Vp8PacketizerConfig& config = {});
  // Packetizes one frame (as the encoder produced it); the PictureID advances per frame.
  Result<size_t, PacketizeError> Packetize(std::span<const uint8_t> frame, PayloadSink& sink);
  uint16_t next_picture_id() const { return picture_id_; }

 private:
  Vp8PacketizerConfig config_;
  uint16_t picture_id_;
};

}  // namespace tessera::codecs::payload

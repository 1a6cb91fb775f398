#include "tessera/codecs/video/vp8_bitstream.h"

namespace tessera::codecs::vp8 {

std::optional<FrameHeader> ParseFrameHeader(std::span<const uint8_t> frame) {
  if (frame.size() < 3) return std::nullopt;
  FrameHeader h;
  // Frame tag (9.1): key frame flag (0 = key), version (3 bits), show_frame, then the
  // first partition's size (19 bits), little endian.
  const uint32_t tag = frame[0] | (uint32_t{frame[1]} << 8) | (uint32_t{frame[2]} << 16);
  h.keyframe = (tag & 0x01) == 0;
  h.version = static_cast<uint8_t>((tag >> 1) & 0x07);
  h.first_partition_size = tag >> 5;
  if (h.version > 3) return std::nullopt;
  const size_t header = h.keyframe ? 10 : 3;
  if (frame.size() < header || h.first_partition_size > frame.size() - header) return std::nullopt;
  if (!h.keyframe) return h;
  if (frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a) return std::nullopt;
  h.width = (frame[6] | (frame[7] << 8)) & 0x3fff;  // the top two bits are the scaling mode
  h.height = (frame[8] | (frame[9] << 8)) & 0x3fff;
  if (h.width == 0 || h.height == 0) return std::nullopt;
  return h;
}

}  // namespace tessera::codecs::vp8

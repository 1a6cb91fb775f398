#pragma once
// The VP8 frame tag and key frame header (RFC 6386 section 9.1), read without decoding, so
// a receiver knows whether a frame is a key frame and how large it is before a decoder
// allocates anything.
//
// Thread safety: a stateless function.

#include <cstdint>
#include <optional>
#include <span>

namespace tessera::codecs::vp8 {

struct FrameHeader {
  bool keyframe = false;
  uint8_t version = 0;
  uint32_t first_partition_size = 0;  // modes and motion vectors; the frame holds all of it
  int width = 0;                      // key frames only (0 otherwise)
  int height = 0;
};

// nullopt when the frame is shorter than its header and first partition, the version is
// not 0..3, or a key frame lacks the start code.
std::optional<FrameHeader> ParseFrameHeader(std::span<const uint8_t> frame);

}  // namespace tessera::codecs::vp8

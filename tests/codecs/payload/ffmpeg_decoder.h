#pragma once
// Decodes frames with FFmpeg's own decoders, as an independent judge of what the
// depacketizers rebuild: if libavcodec decodes every frame to the expected size without
// an error, the bitstream is what the encoder produced.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tessera::codecs::payload::testing {

struct DecodeReport {
  int frames_decoded = 0;
  int errors = 0;
  int width = 0;
  int height = 0;
  std::string first_error;
};

// `decoder` is an FFmpeg decoder name: "h264", "h263", "vp8".
std::optional<DecodeReport> DecodeWithFfmpeg(const std::string& decoder,
                                             const std::vector<std::vector<uint8_t>>& frames);

}  // namespace tessera::codecs::payload::testing

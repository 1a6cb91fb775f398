#pragma once
// The raw libraries, called the way their own documentation shows, for the wrapper-vs-raw
// comparisons. x264.h and OpenH264's codec_api.h cannot share a translation unit, so each
// lives in its own file behind these plain functions and interfaces.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "tessera/base/video_frame.h"

namespace tessera::codecs_benchmarks {

struct RawEncoderSettings {
  int width;
  int height;
  int fps;
  int bitrate_bps;
  const char* x264_preset;  // x264 only
};

class RawEncoder {
 public:
  virtual ~RawEncoder() = default;
  // Encodes one picture; returns the access unit's size.
  virtual size_t Encode(const I420View& picture) = 0;
};

// The same settings as tessera's X264VideoEncoder / OpenH264VideoEncoder, set directly.
std::unique_ptr<RawEncoder> MakeRawX264(const RawEncoderSettings& s);
std::unique_ptr<RawEncoder> MakeRawOpenH264Encoder(const RawEncoderSettings& s);

class RawDecoder {
 public:
  virtual ~RawDecoder() = default;
  // Decodes one access unit; returns the luma width of the picture, 0 if none.
  virtual int Decode(std::span<const uint8_t> access_unit) = 0;
};
std::unique_ptr<RawDecoder> MakeRawOpenH264Decoder();

}  // namespace tessera::codecs_benchmarks

#pragma once
// AacEncoder: the room's audio mix (48 kHz mono, 20 ms frames) encoded once to AAC-LC
// (FFmpeg's native encoder, stereo, 1024-sample frames) for every broadcast and recording
// of the room. The mono mix goes to both channels: players and ingests (YouTube, Twitch,
// nginx-rtmp) expect stereo.
//
// Thread: the stream hub's thread.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tessera/base/result.h"

struct AVCodecContext;
struct AVFrame;
struct AVPacket;

namespace tessera::mcu::stream {

struct AacPacket {
  std::span<const uint8_t> data;
  int64_t time_us = 0;      // presentation time on the room's media clock
  int64_t duration_us = 0;  // 1024 samples
};

class AacEncoder {
 public:
  static constexpr int kSampleRate = 48000;
  static constexpr int kChannels = 2;
  static constexpr int kFrameSamples = 1024;

  static Result<std::unique_ptr<AacEncoder>, std::string> Create(int bitrate_bps = 128000);
  ~AacEncoder();
  AacEncoder(const AacEncoder&) = delete;
  AacEncoder& operator=(const AacEncoder&) = delete;

  // Takes mono samples starting at `time_us`; every finished AAC frame goes to `out`.
  // A gap in the times (ticks the room skipped) restarts the frame clock at the new time.
  void Encode(std::span<const int16_t> mono, int64_t time_us, const std::function<void(const AacPacket&)>& out);

  // The AudioSpecificConfig muxers put in their headers.
  const std::vector<uint8_t>& extradata() const { return extradata_; }
  int bitrate_bps() const { return bitrate_bps_; }
  uint64_t errors() const { return errors_; }

 private:
  AacEncoder() = default;
  void EncodeFrame(const std::function<void(const AacPacket&)>& out);

  AVCodecContext* context_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* packet_ = nullptr;
  std::vector<uint8_t> extradata_;
  int bitrate_bps_ = 0;
  int filled_ = 0;                // samples in frame_
  int64_t frame_time_us_ = -1;    // time of frame_'s first sample
  int64_t next_time_us_ = -1;     // where the next input should start if contiguous
  int64_t samples_out_ = 0;       // pts in samples, for the encoder
  uint64_t errors_ = 0;
  // (encoder pts, media time) of the last frames sent in: packets come out delayed by the
  // encoder's priming, and their media time is found from the frame their pts falls in.
  struct SentFrame {
    int64_t pts = 0;
    int64_t time_us = 0;
  };
  std::array<SentFrame, 8> sent_{};
  size_t sent_count_ = 0;
  int64_t MediaTimeOf(int64_t pts) const;
};

}  // namespace tessera::mcu::stream

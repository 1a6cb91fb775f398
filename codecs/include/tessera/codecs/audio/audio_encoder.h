#pragma once
// Audio encoders: one frame of 16-bit PCM in, one packet payload out, written into the
// caller's buffer (nothing allocated per frame).
//
//   auto encoder = CreateAudioEncoder({.codec = CodecId::kOpus, .fec = true});
//   uint8_t payload[kMaxAudioPayloadBytes];
//   auto n = (*encoder)->Encode(pcm_20ms_48k, payload);   // 0 bytes: DTX, send nothing
//
// Thread safety: an encoder belongs to one output and is used by one thread at a time (the
// conference strand mixing that output).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "tessera/base/result.h"
#include "tessera/codecs/codec_error.h"
#include "tessera/codecs/codec_types.h"

namespace tessera::codecs {

// Room for any payload an AudioEncoder writes (Opus: at most 1275 bytes per 20 ms frame,
// RFC 6716 section 3.2.1; G.711 20 ms: 160; G.722 20 ms: 160).
inline constexpr size_t kMaxAudioPayloadBytes = 1500;

struct AudioEncoderConfig {
  CodecId codec = CodecId::kOpus;  // kOpus, kPcmu, kPcma, kG722
  // Rate of the PCM given to Encode; 0 = the codec's own (Opus 48000, G.711 8000,
  // G.722 16000). Opus also takes 8000/12000/16000/24000; G.711 and G.722 only their own
  // (resample first, see resampler.h).
  int sample_rate = 0;
  int channels = 1;   // Opus: 1 or 2; G.711/G.722: 1
  int frame_ms = 20;  // 10 or 20 (Opus also 40 and 60)
  // Opus only (kUnsupported elsewhere when set).
  int bitrate_bps = 0;           // 0: 32 kbit/s per channel
  int complexity = 9;            // 0..10
  bool fec = false;              // in-band FEC (useinbandfec)
  int packet_loss_percent = 0;   // expected loss; FEC spends bits in proportion
  bool dtx = false;              // discontinuous transmission (usedtx)
  int max_playback_rate_hz = 0;  // receiver's maxplaybackrate: caps the coded bandwidth
  bool music = false;            // OPUS_APPLICATION_AUDIO instead of VOIP
};

class AudioEncoder {
 public:
  virtual ~AudioEncoder() = default;

  // Encodes exactly frame_samples() x channels() interleaved samples into `out` (which
  // should have kMaxAudioPayloadBytes). Returns the payload size; 0 means DTX: send
  // nothing for this frame.
  virtual Result<size_t, CodecError> Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) = 0;

  // Opus: new target from the next frame (TMMBR/REMB, maxaveragebitrate). G.711/G.722:
  // kUnsupported (fixed-rate codecs).
  virtual Result<void, CodecError> SetBitrate(int bitrate_bps) = 0;
  // Opus: expected loss from RTCP receiver reports, tunes FEC. Others: no effect.
  virtual void SetPacketLossPercent(int percent) = 0;

  virtual CodecId codec() const = 0;
  virtual int sample_rate() const = 0;
  virtual int channels() const = 0;
  virtual int frame_samples() const = 0;  // per channel
  // RTP timestamp units per frame (G.722: half the samples, RFC 3551 section 4.5.2).
  virtual uint32_t rtp_timestamp_increment() const = 0;
  virtual std::string_view implementation_name() const = 0;
};

Result<std::unique_ptr<AudioEncoder>, CodecError> CreateAudioEncoder(const AudioEncoderConfig& config);

}  // namespace tessera::codecs

#pragma once
// Audio decoders: one packet payload in, 16-bit PCM out into the caller's buffer; a lost
// packet is concealed (Opus: its own packet-loss concealment, or the FEC carried by the
// next packet; G.711/G.722: the last frame repeated with a fade to silence).
//
//   auto decoder = CreateAudioDecoder({.codec = CodecId::kOpus});     // 48 kHz mono
//   int16_t pcm[kMaxAudioFrameSamples];
//   auto n = (*decoder)->Decode(payload, pcm);           // samples per channel
//   auto m = (*decoder)->Conceal(960, pcm);              // a 20 ms packet was lost
//
// A payload that does not decode gives kCorruptData; the caller conceals that frame.
//
// Thread safety: a decoder belongs to one source and is used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "tessera/base/result.h"
#include "tessera/codecs/codec_error.h"
#include "tessera/codecs/codec_types.h"

namespace tessera::codecs {

// Room for any one packet's PCM: 120 ms (Opus' longest packet) of 48 kHz stereo.
inline constexpr size_t kMaxAudioFrameSamples = 5760 * 2;

struct AudioDecoderConfig {
  CodecId codec = CodecId::kOpus;  // kOpus, kPcmu, kPcma, kG722
  // Output rate; 0 = the codec's own (Opus 48000, G.711 8000, G.722 16000). Opus decodes
  // straight to 8000/12000/16000/24000 too.
  int sample_rate = 0;
  // Output channels: Opus 1 (a stereo stream is down-mixed) or 2; G.711/G.722 1.
  int channels = 1;
};

class AudioDecoder {
 public:
  virtual ~AudioDecoder() = default;

  // Decodes one payload into `out` (kMaxAudioFrameSamples is always enough). Returns the
  // samples per channel written.
  virtual Result<size_t, CodecError> Decode(std::span<const uint8_t> payload, std::span<int16_t> out) = 0;

  // A packet of `samples` per channel was lost: writes that much concealment.
  virtual Result<size_t, CodecError> Conceal(size_t samples, std::span<int16_t> out) = 0;

  // A packet of `samples` per channel was lost and `next_payload` (the packet after it) has
  // arrived: Opus rebuilds the lost one from the FEC data in the next packet (which is then
  // decoded normally as well). Codecs without FEC conceal instead.
  virtual Result<size_t, CodecError> DecodeFec(std::span<const uint8_t> next_payload, size_t samples,
                                               std::span<int16_t> out) = 0;

  virtual CodecId codec() const = 0;
  virtual int sample_rate() const = 0;
  virtual int channels() const = 0;
  virtual std::string_view implementation_name() const = 0;
};

Result<std::unique_ptr<AudioDecoder>, CodecError> CreateAudioDecoder(const AudioDecoderConfig& config);

}  // namespace tessera::codecs

// Fuzz target for the audio decoder wrappers (Opus, G.722, PCMU, PCMA). Input: one byte
// choosing the codec (low 2 bits), then packets framed like the video targets (2 bytes:
// bit 15 = the packet before this one was lost, bits 0..14 = length). Invariants: any
// payload decodes or gives an error, never writes past the output buffer (which sits
// exactly at kMaxAudioFrameSamples, so ASan catches an overrun), and concealment always
// produces the samples asked for.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tessera/codecs/audio/audio_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera::codecs;
  if (size < 1) return 0;
  static const CodecId kCodecs[4] = {CodecId::kOpus, CodecId::kG722, CodecId::kPcmu, CodecId::kPcma};
  static std::unique_ptr<AudioDecoder> decoders[4];
  const int which = data[0] & 3;
  if (!decoders[which]) {
    auto d = CreateAudioDecoder({.codec = kCodecs[which]});
    if (!d) __builtin_trap();
    decoders[which] = std::move(*d);
  }
  AudioDecoder& decoder = *decoders[which];
  std::vector<int16_t> out(kMaxAudioFrameSamples);
  const size_t frame = static_cast<size_t>(decoder.sample_rate() / 50);
  size_t pos = 1;
  while (pos + 2 <= size) {
    const unsigned header = (unsigned{data[pos]} << 8) | data[pos + 1];
    pos += 2;
    const size_t length = std::min<size_t>(header & 0x7fff, size - pos);
    const std::span<const uint8_t> payload(data + pos, length);
    pos += length;
    if (header & 0x8000) {
      auto fec = decoder.DecodeFec(payload, frame, out);
      if (!fec || *fec != frame) {
        auto c = decoder.Conceal(frame, out);
        if (!c || *c != frame) __builtin_trap();
      }
    }
    auto r = decoder.Decode(payload, out);
    if (r && *r > out.size()) __builtin_trap();
  }
  return 0;
}

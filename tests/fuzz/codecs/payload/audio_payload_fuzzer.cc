// Arbitrary audio payloads: Opus TOC parsing and duration rules never read past the
// payload and never claim more than 120 ms.
#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/codecs/payload/audio_payload.h"

using namespace tessera::codecs;
using namespace tessera::codecs::payload;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> p(data, size);
  if (auto samples = OpusPacketSamples(p)) {
    if (*samples == 0 || *samples > 5760) __builtin_trap();
  }
  for (CodecId c : {CodecId::kOpus, CodecId::kPcmu, CodecId::kPcma, CodecId::kG722, CodecId::kH264}) {
    (void)RtpDurationOf(c, p);
  }
  return 0;
}

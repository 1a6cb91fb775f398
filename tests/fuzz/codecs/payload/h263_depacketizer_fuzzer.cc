// Arbitrary payloads as one H.263 frame, in both payload formats (RFC 4629 and RFC 2190):
// refused with a reason or rebuilt within the output; the picture header parser and the
// inspector read anything; a rebuilt picture re-packetizes and comes back identical.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "payload_list.h"
#include "tessera/codecs/payload/h263_payload.h"
#include "tessera/codecs/payload/payload_inspector.h"

using namespace tessera::codecs::payload;

namespace {

void RoundTrip(const std::vector<uint8_t>& picture, H263PayloadFormat format) {
  H263Packetizer packetizer({.max_payload_size = 100, .format = format});
  // Every packet carries at least 96 bytes of picture, or ends at a start code.
  PayloadArena arena(picture.size() / 3 + 4, 100);
  if (!packetizer.Packetize(picture, arena)) return;
  std::vector<uint8_t> again(picture.size() + 16);
  auto r = format == H263PayloadFormat::kRfc4629 ? DepacketizeH263Rfc4629(arena.payloads(), again)
                                                 : DepacketizeH263Rfc2190(arena.payloads(), again);
  if (!r || r->size != picture.size()) __builtin_trap();
  again.resize(r->size);
  if (again != picture) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto list = tessera::fuzz::SplitPayloads(data, size);
  for (const auto& p : list.views) {
    (void)InspectVideoPayload(tessera::codecs::CodecId::kH263, p);
    (void)InspectVideoPayload(tessera::codecs::CodecId::kH263Plus, p);
    (void)ParseH263PictureHeader(p);
  }
  size_t total = 0;
  for (const auto& p : list.views)
    total += p.size() + 2;
  for (auto format : {H263PayloadFormat::kRfc4629, H263PayloadFormat::kRfc2190}) {
    std::vector<uint8_t> out(total);
    auto r = format == H263PayloadFormat::kRfc4629 ? DepacketizeH263Rfc4629(list.views, out)
                                                   : DepacketizeH263Rfc2190(list.views, out);
    if (!r) {
      if (DepacketizeErrorName(r.error()).empty()) __builtin_trap();
      continue;
    }
    if (r->size > out.size()) __builtin_trap();
    out.resize(r->size);
    RoundTrip(out, format);
  }
  return 0;
}

// Arbitrary payloads as one VP8 frame: refused with a reason or rebuilt within the output;
// the descriptor parser and inspector read anything; a rebuilt frame re-packetizes and
// comes back identical.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "payload_list.h"
#include "tessera/codecs/payload/payload_inspector.h"
#include "tessera/codecs/payload/vp8_payload.h"

using namespace tessera::codecs::payload;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto list = tessera::fuzz::SplitPayloads(data, size);
  size_t total = 0;
  for (const auto& p : list.views) {
    (void)InspectVideoPayload(tessera::codecs::CodecId::kVp8, p);
    if (auto d = ParseVp8Descriptor(p)) {
      if (d->size > p.size()) __builtin_trap();
    }
    total += p.size();
  }
  std::vector<uint8_t> out(total);
  auto r = DepacketizeVp8(list.views, out);
  if (!r) {
    if (DepacketizeErrorName(r.error()).empty()) __builtin_trap();
    return 0;
  }
  if (r->size > out.size()) __builtin_trap();
  out.resize(r->size);
  if (out.empty()) return 0;
  Vp8Packetizer packetizer({.max_payload_size = 64});
  PayloadArena arena(out.size() / 60 + 2, 64);
  if (!packetizer.Packetize(out, arena)) __builtin_trap();
  std::vector<uint8_t> again(out.size());
  auto r2 = DepacketizeVp8(arena.payloads(), again);
  // The rebuilt frame starts with the original's first payload, so its header parses again.
  if (!r2 || r2->size != out.size()) __builtin_trap();
  if (again != out) __builtin_trap();
  return 0;
}

// Arbitrary payloads as one H.264 frame: the depacketizer refuses them with a reason or
// writes Annex B within its output; the inspector reads any single payload; and what
// depacketizes re-packetizes (mode 1) and depacketizes back to the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "payload_list.h"
#include "tessera/codecs/payload/h264_nal.h"
#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/codecs/payload/payload_inspector.h"

using namespace tessera::codecs::payload;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto list = tessera::fuzz::SplitPayloads(data, size);
  for (const auto& p : list.views)
    (void)InspectVideoPayload(tessera::codecs::CodecId::kH264, p);
  std::vector<uint8_t> out(H264DepacketizedSizeBound(list.views) + 1024);
  H264ParameterSets sets;
  auto r = DepacketizeH264(list.views, out, &sets);
  if (!r) {
    if (DepacketizeErrorName(r.error()).empty()) __builtin_trap();
    return 0;
  }
  if (r->size > out.size()) __builtin_trap();
  out.resize(r->size);
  if (r->parameter_sets_restored) return 0;  // the first frame never restores: impossible
  H264Packetizer packetizer({.max_payload_size = 200});
  PayloadArena arena(out.size() / 10 + 4, 200);  // a packet per unit at worst
  auto n = packetizer.Packetize(out, arena);
  if (!n) return 0;  // e.g. only empty NAL units
  std::vector<uint8_t> again(out.size() + 4096);
  auto r2 = DepacketizeH264(arena.payloads(), again);
  if (!r2) __builtin_trap();
  again.resize(r2->size);
  // Same NAL units (start codes are normalised to 4 bytes, trailing zeros dropped).
  AnnexBReader a(out), b(again);
  std::span<const uint8_t> x, y;
  while (true) {
    const bool more_a = a.Next(&x), more_b = b.Next(&y);
    if (more_a != more_b) __builtin_trap();
    if (!more_a) break;
    if (x.size() != y.size() || !std::equal(x.begin(), x.end(), y.begin())) __builtin_trap();
  }
  return 0;
}

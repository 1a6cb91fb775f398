// Arbitrary payloads as one H.261 frame (RFC 4587): refused with a reason or rebuilt within
// the output; the header parser and the inspector read anything; a rebuilt picture that
// parses down to its macroblocks re-packetizes (with macroblock-level splits) and comes
// back bit for bit. Each payload on its own also goes through the macroblock parser.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "payload_list.h"
#include "tessera/codecs/payload/h261_payload.h"
#include "tessera/codecs/payload/payload_inspector.h"
#include "tessera/codecs/video/h261_bitstream.h"

using namespace tessera::codecs::payload;

namespace {

void RoundTrip(const std::vector<uint8_t>& picture) {
  static H261Packetizer packetizer({.max_payload_size = 64});
  PayloadArena arena(picture.size() + 4, 64);
  if (!packetizer.Packetize(picture, arena)) return;
  for (size_t i = 0; i < arena.size(); ++i)
    if (arena.payload(i).size() > 64 || arena.marker(i) != (i + 1 == arena.size())) __builtin_trap();
  std::vector<uint8_t> again(picture.size() + 16);
  auto r = DepacketizeH261(arena.payloads(), again);
  if (!r || r->size != picture.size()) __builtin_trap();
  again.resize(r->size);
  if (again != picture) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto list = tessera::fuzz::SplitPayloads(data, size);
  static std::vector<tessera::codecs::h261::SplitPoint> points(tessera::codecs::h261::kMaxSplitPoints);
  for (const auto& p : list.views) {
    (void)InspectVideoPayload(tessera::codecs::CodecId::kH261, p);
    (void)ParseH261PayloadHeader(p);
    (void)tessera::codecs::h261::ParseMacroblocks(p, points);
    (void)tessera::codecs::h261::ScanPicture(p);
  }
  size_t total = 0;
  for (const auto& p : list.views)
    total += p.size();
  std::vector<uint8_t> out(total);
  auto r = DepacketizeH261(list.views, out);
  if (!r) {
    if (DepacketizeErrorName(r.error()).empty()) __builtin_trap();
    return 0;
  }
  if (r->size > out.size()) __builtin_trap();
  out.resize(r->size);
  RoundTrip(out);
  return 0;
}

// Any text given to the SDP parser yields a description or an error naming a line; a
// parsed description, serialized, parses again to the same structure.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tessera/signaling/sdp/session_description.h"

namespace sdp = tessera::signaling::sdp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = sdp::ParseSdp(text);
  if (!parsed) {
    if (parsed.error().ToString().empty()) __builtin_trap();
    return 0;
  }
  for (const auto& m : parsed->media) {
    for (int pt : m.PayloadTypes()) {
      (void)m.EffectiveRtpMap(pt);
      (void)m.FeedbackFor(pt);
      if (const auto* f = m.FindFmtp(pt)) (void)sdp::ParseFmtpParameters(f->parameters);
    }
    (void)parsed->EffectiveDirection(m);
    (void)parsed->EffectiveConnection(m);
  }
  const std::string written = sdp::SerializeSdp(*parsed);
  auto again = sdp::ParseSdp(written);
  if (!again || !(*again == *parsed)) __builtin_trap();
  return 0;
}

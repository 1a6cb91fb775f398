// H.225.0 call signalling as it arrives on TCP 1720: the input is a byte stream, cut into
// reads by its first octet, framed by TPKT; each frame is a Q.931 message whose User-user
// element holds an H323-UserInformation. Every frame gives a message or an error, never a
// crash, an over-read or unbounded memory; a parsed message serializes back to its octets
// (Q.931 keeps every element verbatim) and a decoded one re-encodes and decodes equal.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "tessera/signaling/h323/h225_message.h"
#include "tessera/signaling/h323/q931.h"
#include "tessera/signaling/h323/tpkt.h"

namespace h323 = tessera::signaling::h323;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = data[0] % 64 + 1;
  std::span<const uint8_t> stream(data + 1, size - 1);
  h323::TpktFramer framer(1 << 17);
  for (size_t at = 0; at < stream.size(); at += chunk) {
    if (!framer.Append(stream.subspan(at, std::min(chunk, stream.size() - at)))) return 0;
    while (auto frame = framer.Next()) {
      auto q931 = h323::ParseQ931(*frame);
      if (!q931) {
        if (q931.error().offset > frame->size()) __builtin_trap();
        continue;
      }
      auto bytes = h323::SerializeQ931(*q931);
      if (!bytes || !std::equal(bytes->begin(), bytes->end(), frame->begin(), frame->end())) __builtin_trap();
      auto m = h323::DecodeH225Message(*frame);
      if (!m || !m->user_information) continue;
      auto again = h323::EncodeH225Message(m->q931, *m->user_information);
      if (!again) continue;  // e.g. a re-encoding longer than the User-user length allows
      auto back = h323::DecodeH225Message(*again);
      if (!back || !(*back->user_information == *m->user_information)) __builtin_trap();
    }
    if (framer.error() != h323::TpktError::kNone) return 0;
  }
  return 0;
}

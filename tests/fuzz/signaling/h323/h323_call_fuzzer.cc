// The H.323 call state machine (H323Call) fed what a peer could send: TPKT payloads on the
// call signalling connection and on the separate H.245 connection, in any order, with time
// passing and the local side acting in between (answer, keyframe, digit, hang-up, a
// connection closing). Whatever arrives, the call never crashes, over-reads or grows without
// bound; once it has ended it stays ended.
//
// Input: one flags octet, then records [control][length: 2 octets, big endian][payload].
//   flags   bit 0 outgoing call (else incoming), bit 1 fast start, bit 2 tunnelling,
//           bit 3 accept the incoming SETUP (else reject), bit 4 audio only
//   control bit 0 H.245 connection (else call signalling); bits 1-3 a local action after
//           the payload (h323_call_fuzz_input.h); bits 4-7 time passing, in 250 ms steps
// Seeds (tests/fuzz/corpus/h323_call/) are the reference captures' calls as one side saw
// them (make_call_seeds.py).
#include <cstddef>
#include <cstdint>
#include <span>

#include "h323_call_fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tessera::signaling::h323::fuzz::RunCall(std::span<const uint8_t>(data, size));
  return 0;
}

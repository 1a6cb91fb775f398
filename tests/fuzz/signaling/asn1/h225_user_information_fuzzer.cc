// H323-UserInformation (the UUIE of every H.225.0 call message): any byte string decodes to a value or
// to an error with a field path; a decoded value re-encodes to octets that decode to the same
// value. Never a crash, an over-read or an unbounded allocation.
#include <cstddef>
#include <cstdint>

#include "pdu_fuzzer.h"
#include "tessera/signaling/h323/gen/h225.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tessera::signaling::asn1::fuzzing::CheckPdu<tessera::signaling::h225::H323_UserInformation>(data, size);
  return 0;
}

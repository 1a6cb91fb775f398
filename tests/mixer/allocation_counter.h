#pragma once
// Counts heap allocations (every form of operator new) made while counting is on, to test
// that a per-frame or per-tick path allocates nothing. allocation_counter.cc replaces the
// global allocation operators of the test binary that links it — all of them, so that even
// under AddressSanitizer every allocation and release pair up (malloc/free).

namespace tessera::testing {

void StartCountingAllocations();
// Stops counting and returns how many allocations were made since the start.
int StopCountingAllocations();

}  // namespace tessera::testing

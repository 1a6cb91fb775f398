#pragma once
// Drives one H323Call from a fuzz input (format in h323_call_fuzzer.cc). Shared by the
// fuzzer and the regression test that replays what it found
// (tests/signaling/h323/call/h323_call_fuzz_regression_test.cc).

#include <cstdint>
#include <span>

namespace tessera::signaling::h323::fuzz {

// Local actions between payloads (control bits 1-3).
enum class Action : uint8_t {
  kNone = 0,
  kH245Connected = 1,  // the separate H.245 connection is up
  kKeyframe = 2,       // videoFastUpdatePicture toward the peer
  kDigit = 3,
  kFlowControl = 4,
  kHangup = 5,
  kH245Closed = 6,  // the peer closed the H.245 connection
  kClosed = 7,      // the peer closed the call signalling connection
};

// Returns false if the call broke an invariant (the fuzzer traps on it).
bool RunCall(std::span<const uint8_t> input);

}  // namespace tessera::signaling::h323::fuzz

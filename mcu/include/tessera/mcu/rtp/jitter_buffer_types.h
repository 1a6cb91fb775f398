#pragma once
// What a jitter buffer did with a packet (shared by the audio and video buffers).

#include <cstdint>

namespace tessera::mcu::rtp {

enum class JitterInsertResult : uint8_t {
  kInserted,
  kDuplicate,  // already held
  kTooLate,    // older than what was handed out or skipped
  kOversized,  // payload larger than a slot
  kReset,      // too far ahead of the buffer: everything was dropped and playout restarts
};

}  // namespace tessera::mcu::rtp

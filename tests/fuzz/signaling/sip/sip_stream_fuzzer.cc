// A byte stream cut at arbitrary points and fed to the stream framer: every framed message
// must parse in stream mode or be refused with an error; the framer never holds more than
// its limit plus one read, never loops and never crashes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tessera/signaling/sip/parser.h"

namespace sip = tessera::signaling::sip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // First byte picks the read size, so the fuzzer explores how messages straddle reads.
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  constexpr size_t kLimit = 4096;
  sip::StreamFramer framer(kLimit);
  for (size_t pos = 0; pos < bytes.size(); pos += chunk) {
    framer.Append(bytes.substr(pos, chunk));
    for (int guard = 0;; ++guard) {
      if (guard > 10000) __builtin_trap();
      const auto frame = framer.Next();
      if (frame.status == sip::StreamFramer::Status::kNeedMore) break;
      if (frame.status == sip::StreamFramer::Status::kError) return 0;  // connection closes
      if (frame.status == sip::StreamFramer::Status::kMessage) {
        if (frame.message.size() > kLimit) __builtin_trap();
        (void)sip::ParseMessage(frame.message, {}, /*stream=*/true);
      }
    }
    if (framer.buffered() > kLimit + chunk + 4) __builtin_trap();
  }
  return 0;
}

// Arbitrary telephone-event payloads at arbitrary timestamps: the receiver reports every
// key press as one begin and at most one end, in that order, whatever repeats, reordering
// or garbage come in.
// Input: records of [timestamp: 1 byte, an index into a few timestamps][length: 2][payload].
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>

#include "tessera/codecs/payload/telephone_event.h"

using namespace tessera::codecs::payload;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  TelephoneEventReceiver receiver;
  std::map<uint32_t, int> state;  // 1 begun, 2 ended
  auto check = [&](const TelephoneEventReceiver::Result& r) {
    for (size_t i = 0; i < r.count; ++i) {
      int& s = state[r.notifications[i].rtp_timestamp];
      if (r.notifications[i].kind == DtmfNotification::Kind::kBegin) {
        if (s != 0) __builtin_trap();  // a second begin for the same press
        s = 1;
      } else {
        if (s != 1) __builtin_trap();  // an end without a begin, or a second end
        s = 2;
      }
    }
  };
  size_t offset = 0;
  while (offset + 3 <= size) {
    const uint32_t timestamp = 1000u * (data[offset] % 8);
    size_t length = (size_t{data[offset + 1]} << 8) | data[offset + 2];
    offset += 3;
    if (length > size - offset) length = size - offset;
    check(receiver.OnPacket(timestamp, std::span<const uint8_t>(data + offset, length)));
    offset += length;
    (void)ParseTelephoneEvents(std::span<const uint8_t>(data + offset - length, length));
  }
  check(receiver.OnTimeout());
  return 0;
}

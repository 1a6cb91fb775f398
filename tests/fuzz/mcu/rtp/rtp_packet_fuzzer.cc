// Any datagram given to the RTP parser: a view within the input or a reason, never a read
// past the end (ASan) or undefined behaviour (UBSan); the header extensions walk inside
// the block; what parses re-serialises to the same header.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "tessera/mcu/rtp/rtp_header_extensions.h"
#include "tessera/mcu/rtp/rtp_packet.h"

using namespace tessera::mcu::rtp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  ClassifyPacket(input);
  auto r = ParseRtp(input);
  if (!r) {
    if (DropReasonName(ToDropReason(r.error())).empty()) __builtin_trap();
    return 0;
  }
  const RtpPacketView& p = *r;
  if (p.payload.data() < data || p.payload.data() + p.payload.size() > data + size) __builtin_trap();
  if (p.header_size + p.payload.size() + p.padding_size != size) __builtin_trap();
  uint32_t sum = 0;
  for (size_t i = 0; i < p.csrc_count; ++i)
    sum += p.csrc(i);
  RtpExtensionIterator it(p);
  RtpExtensionElement e;
  while (it.Next(&e)) {
    if (e.data.data() < p.extension_data.data() ||
        e.data.data() + e.data.size() > p.extension_data.data() + p.extension_data.size()) {
      __builtin_trap();
    }
    sum += e.id;
  }
  const auto values = ReadRtpExtensions(p, RtpExtensionIds{1, 2, 3});
  if (values.audio_level) sum += values.audio_level->level;

  // Writing the fields back gives the same fixed header (CSRCs included).
  std::vector<uint32_t> csrcs(p.csrc_count);
  for (size_t i = 0; i < csrcs.size(); ++i)
    csrcs[i] = p.csrc(i);
  std::vector<uint8_t> out(12 + 4 * csrcs.size());
  const size_t n =
      WriteRtpHeader(RtpHeader{p.payload_type, p.marker, p.sequence_number, p.timestamp, p.ssrc, csrcs}, out);
  if (n != out.size()) __builtin_trap();
  if (std::memcmp(out.data() + 1, data + 1, 11) != 0) __builtin_trap();
  if (std::memcmp(out.data() + 12, data + 12, 4 * csrcs.size()) != 0) __builtin_trap();
  return sum == 0xFFFFFFFF ? 1 : 0;
}

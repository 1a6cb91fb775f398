#include "tessera/mcu/conference/retransmission.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace tessera::mcu::conference {

OutputPacketHistory::OutputPacketHistory(size_t capacity, size_t max_payload)
    : capacity_(std::bit_ceil(std::max<size_t>(capacity, 1))), max_payload_(max_payload) {}

void OutputPacketHistory::Enable() {
  if (enabled()) return;
  slots_.assign(capacity_, Slot{});
  arena_.assign(capacity_ * max_payload_, 0);
}

int64_t OutputPacketHistory::Store(const codecs::payload::PayloadArena& payloads, rtp::TimePoint now) {
  const int64_t first = next_;
  next_ += static_cast<int64_t>(payloads.size());
  if (!enabled()) return first;
  for (size_t i = 0; i < payloads.size(); ++i) {
    const std::span<const uint8_t> payload = payloads.payload(i);
    const int64_t number = first + static_cast<int64_t>(i);
    const size_t at = static_cast<size_t>(number) & (capacity_ - 1);
    Slot& slot = slots_[at];
    if (payload.size() > max_payload_) {
      slot.number = -1;  // cannot happen with the output's packetizers; never resend a stale one
      continue;
    }
    std::memcpy(arena_.data() + at * max_payload_, payload.data(), payload.size());
    slot = Slot{number, static_cast<uint16_t>(payload.size()), payloads.marker(i), now};
  }
  return first;
}

std::optional<OutputPacketHistory::Packet> OutputPacketHistory::Get(int64_t number) const {
  if (!enabled() || number < 0) return std::nullopt;
  const size_t at = static_cast<size_t>(number) & (capacity_ - 1);
  const Slot& slot = slots_[at];
  if (slot.number != number) return std::nullopt;
  return Packet{{arena_.data() + at * max_payload_, slot.size}, slot.marker, slot.sent};
}

SentSequenceMap::SentSequenceMap(size_t capacity)
    : entries_(std::bit_ceil(std::clamp<size_t>(capacity, 1, 65536))), mask_(entries_.size() - 1) {}

void SentSequenceMap::Record(uint16_t sequence_number, uint64_t output_serial, int64_t packet_number,
                             uint32_t timestamp) {
  entries_[sequence_number & mask_] = Entry{output_serial, packet_number, timestamp, sequence_number, std::nullopt};
}

SentSequenceMap::Entry* SentSequenceMap::Find(uint16_t sequence_number) {
  Entry& e = entries_[sequence_number & mask_];
  if (e.output_serial == 0 || e.sequence_number != sequence_number) return nullptr;
  return &e;
}

}  // namespace tessera::mcu::conference

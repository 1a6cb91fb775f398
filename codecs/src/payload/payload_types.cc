#include "tessera/codecs/payload/payload_types.h"

namespace tessera::codecs::payload {

std::string_view DepacketizeErrorName(DepacketizeError error) {
  switch (error) {
    case DepacketizeError::kEmpty:
      return "empty";
    case DepacketizeError::kTruncated:
      return "truncated";
    case DepacketizeError::kUnsupportedType:
      return "unsupported_type";
    case DepacketizeError::kFragmentWithoutStart:
      return "fragment_without_start";
    case DepacketizeError::kFragmentMismatch:
      return "fragment_mismatch";
    case DepacketizeError::kFragmentUnfinished:
      return "fragment_unfinished";
    case DepacketizeError::kAggregateLengthPastEnd:
      return "aggregate_length_past_end";
    case DepacketizeError::kBadHeader:
      return "bad_header";
    case DepacketizeError::kNoFrameStart:
      return "no_frame_start";
    case DepacketizeError::kMalformedUnit:
      return "malformed_unit";
    case DepacketizeError::kOutputFull:
      return "output_full";
  }
  return "unknown";
}

std::string_view PacketizeErrorName(PacketizeError error) {
  switch (error) {
    case PacketizeError::kEmptyFrame:
      return "empty_frame";
    case PacketizeError::kMalformed:
      return "malformed";
    case PacketizeError::kUnitTooLarge:
      return "unit_too_large";
    case PacketizeError::kSinkFull:
      return "sink_full";
    case PacketizeError::kBadConfig:
      return "bad_config";
  }
  return "unknown";
}

PayloadArena::PayloadArena(size_t max_packets, size_t max_payload_size)
    : max_payload_size_(max_payload_size),
      arena_(max_packets * max_payload_size),
      entries_(max_packets),
      views_(max_packets) {}

std::span<uint8_t> PayloadArena::NextPayload() {
  if (count_ >= entries_.size()) return {};
  return {arena_.data() + count_ * max_payload_size_, max_payload_size_};
}

void PayloadArena::CommitPayload(size_t size, bool marker) {
  if (count_ >= entries_.size() || size > max_payload_size_) return;
  entries_[count_] = Entry{size, marker};
  views_[count_] = std::span<const uint8_t>(arena_.data() + count_ * max_payload_size_, size);
  ++count_;
}

std::span<const uint8_t> PayloadArena::payload(size_t i) const {
  return views_[i];
}

}  // namespace tessera::codecs::payload

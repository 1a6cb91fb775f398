#include "tessera/mcu/rtp/rtp_send_history.h"

#include <algorithm>
#include <cstring>

#include "tessera/base/byte_io.h"
#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::rtp {

RtpSendHistory::RtpSendHistory(const RtpSendHistoryConfig& config) : config_(config) {
  size_t capacity = 1;
  while (capacity < std::max<size_t>(config_.capacity, 1))
    capacity <<= 1;
  config_.capacity = capacity;
  mask_ = capacity - 1;
  slots_.resize(capacity);
  arena_.resize(capacity * config_.max_packet_size);
}

void RtpSendHistory::Clear() {
  for (Slot& s : slots_)
    s.used = false;
}

bool RtpSendHistory::Store(std::span<const uint8_t> packet, TimePoint now) {
  if (packet.size() < kRtpHeaderSize || packet.size() > config_.max_packet_size) return false;
  const uint16_t seq = Load16(packet.data() + 2);
  const size_t index = seq & mask_;
  Slot& s = slots_[index];
  s.used = true;
  s.sequence_number = seq;
  s.size = static_cast<uint16_t>(packet.size());
  s.stored = now;
  s.last_resent.reset();
  std::memcpy(arena_.data() + index * config_.max_packet_size, packet.data(), packet.size());
  ++stats_.stored;
  return true;
}

std::optional<std::span<const uint8_t>> RtpSendHistory::GetForResend(uint16_t sequence_number, TimePoint now,
                                                                     std::chrono::microseconds min_interval) {
  const size_t index = sequence_number & mask_;
  Slot& s = slots_[index];
  if (!s.used || s.sequence_number != sequence_number || now - s.stored > config_.max_age) {
    ++stats_.not_held;
    return std::nullopt;
  }
  if (s.last_resent && now - *s.last_resent < min_interval) {
    ++stats_.throttled;
    return std::nullopt;
  }
  s.last_resent = now;
  ++stats_.resent;
  return std::span<const uint8_t>(arena_.data() + index * config_.max_packet_size, s.size);
}

}  // namespace tessera::mcu::rtp

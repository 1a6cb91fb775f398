#include "tessera/codecs/payload/telephone_event.h"

#include <algorithm>
#include <cctype>

namespace tessera::codecs::payload {

std::optional<TelephoneEvents> ParseTelephoneEvents(std::span<const uint8_t> payload) {
  if (payload.empty() || payload.size() % kTelephoneEventSize != 0) return std::nullopt;
  TelephoneEvents out;
  out.count = std::min(kMaxEventsPerPayload, payload.size() / kTelephoneEventSize);
  for (size_t i = 0; i < out.count; ++i) {
    const uint8_t* p = payload.data() + i * kTelephoneEventSize;
    TelephoneEvent& e = out.events[i];
    e.event = p[0];
    e.end = (p[1] & 0x80) != 0;
    e.volume = p[1] & 0x3F;  // R (0x40) is reserved and ignored
    e.duration = static_cast<uint16_t>((p[2] << 8) | p[3]);
  }
  return out;
}

void WriteTelephoneEvent(const TelephoneEvent& event, std::span<uint8_t, kTelephoneEventSize> out) {
  out[0] = event.event;
  out[1] = static_cast<uint8_t>((event.end ? 0x80 : 0) | (event.volume & 0x3F));
  out[2] = static_cast<uint8_t>(event.duration >> 8);
  out[3] = static_cast<uint8_t>(event.duration);
}

char DtmfChar(uint8_t event) {
  static constexpr char kChars[] = "0123456789*#ABCD";
  return event < 16 ? kChars[event] : 0;
}

std::optional<uint8_t> DtmfEvent(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  if (c == '*') return 10;
  if (c == '#') return 11;
  const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (u >= 'A' && u <= 'D') return static_cast<uint8_t>(12 + (u - 'A'));
  return std::nullopt;
}

bool TelephoneEventReceiver::Seen(uint32_t timestamp) const {
  for (size_t i = 0; i < finished_count_; ++i) {
    if (finished_[i] == timestamp) return true;
  }
  return false;
}

void TelephoneEventReceiver::Remember(uint32_t timestamp) {
  finished_[finished_next_] = timestamp;
  finished_next_ = (finished_next_ + 1) % finished_.size();
  finished_count_ = std::min(finished_count_ + 1, finished_.size());
}

TelephoneEventReceiver::Result TelephoneEventReceiver::OnTimeout() {
  Result r;
  if (active_timestamp_) {
    r.notifications[r.count++] = {DtmfNotification::Kind::kEnd, active_event_, *active_timestamp_, 0};
    Remember(*active_timestamp_);
    active_timestamp_.reset();
  }
  return r;
}

TelephoneEventReceiver::Result TelephoneEventReceiver::OnPacket(uint32_t rtp_timestamp,
                                                                std::span<const uint8_t> payload) {
  Result r;
  const auto events = ParseTelephoneEvents(payload);
  if (!events) {
    ++malformed_;
    return r;
  }
  // With several blocks, the last describes the event at this packet's timestamp; earlier
  // ones are redundant copies of events already (or never) seen.
  const TelephoneEvent& e = events->events[events->count - 1];
  if (Seen(rtp_timestamp)) return r;  // a repeat of an event that already ended
  if (active_timestamp_ && *active_timestamp_ != rtp_timestamp) {
    // A new press while the previous never ended: its end packets were lost.
    r.notifications[r.count++] = {DtmfNotification::Kind::kEnd, active_event_, *active_timestamp_, 0};
    Remember(*active_timestamp_);
    active_timestamp_.reset();
  }
  if (!active_timestamp_) {
    active_timestamp_ = rtp_timestamp;
    active_event_ = e.event;
    r.notifications[r.count++] = {DtmfNotification::Kind::kBegin, e.event, rtp_timestamp, 0};
  }
  if (e.end) {
    // The begin was reported above (or earlier); now the end, once.
    r.notifications[r.count++] = {DtmfNotification::Kind::kEnd, active_event_, rtp_timestamp, e.duration};
    Remember(rtp_timestamp);
    active_timestamp_.reset();
  }
  return r;
}

TelephoneEventSender::TelephoneEventSender(uint32_t clock_rate, std::chrono::milliseconds interval)
    : clock_rate_(clock_rate == 0 ? 8000 : clock_rate),
      step_(static_cast<uint32_t>(clock_rate_ * interval.count() / 1000)) {
  if (step_ == 0) step_ = 1;
}

void TelephoneEventSender::Start(uint8_t event, uint8_t volume, uint32_t rtp_timestamp,
                                 std::chrono::milliseconds duration) {
  active_ = true;
  event_ = TelephoneEvent{event, false, static_cast<uint8_t>(volume & 0x3F), 0};
  timestamp_ = rtp_timestamp;
  total_ = std::min<uint32_t>(0xFFFF, static_cast<uint32_t>(clock_rate_ * duration.count() / 1000));
  if (total_ == 0) total_ = step_;
  sent_ = 0;
  end_repeats_ = 0;
}

std::optional<TelephoneEventPacket> TelephoneEventSender::Next() {
  if (!active_) return std::nullopt;
  TelephoneEventPacket p;
  p.rtp_timestamp = timestamp_;
  p.marker = sent_ == 0;
  // The duration grows by one interval per packet until the end, which is sent 3 times.
  const uint32_t duration = std::min(total_, sent_ * step_);
  event_.duration = static_cast<uint16_t>(duration);
  event_.end = duration >= total_;
  if (event_.end) {
    ++end_repeats_;
    if (end_repeats_ >= 3) active_ = false;
  }
  WriteTelephoneEvent(event_, p.payload);
  ++sent_;
  return p;
}

}  // namespace tessera::codecs::payload

#pragma once
// DTMF as RTP telephone-events (RFC 4733), in both directions.
//
// Receiving: one key press is one event, identified by its RTP timestamp (its start); the
// sender repeats it with growing durations and ends with three copies of the final
// packet (E bit). TelephoneEventReceiver reports each press once when it begins and once
// when it ends, whatever is repeated, reordered or lost (a new event, or a long silence,
// ends a press whose end packets were all lost).
//
// Sending: TelephoneEventSender produces the packets for one key press: the first with the
// marker bit, an update every packet interval, then the end packet three times, all with
// the timestamp of the start (RFC 4733 §2.5.1).
//
// Thread safety: pure functions and per-stream objects on one thread.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tessera::codecs::payload {

struct TelephoneEvent {
  uint8_t event = 0;  // 0-9, 10 '*', 11 '#', 12-15 'A'-'D', other RFC 4734 events above
  bool end = false;
  uint8_t volume = 0;     // 0..63, -dBm0
  uint16_t duration = 0;  // RTP timestamp units since the event's timestamp
  bool operator==(const TelephoneEvent&) const = default;
};

inline constexpr size_t kTelephoneEventSize = 4;
inline constexpr size_t kMaxEventsPerPayload = 8;

// The event blocks of a payload (one, or several for RFC 4733 §2.5.1.5's multiple events
// in one packet); nullopt if the size is not a positive multiple of 4.
struct TelephoneEvents {
  std::array<TelephoneEvent, kMaxEventsPerPayload> events{};
  size_t count = 0;
};
std::optional<TelephoneEvents> ParseTelephoneEvents(std::span<const uint8_t> payload);
void WriteTelephoneEvent(const TelephoneEvent& event, std::span<uint8_t, kTelephoneEventSize> out);

// '0'-'9', '*', '#', 'A'-'D' for events 0-15; 0 otherwise. And back (case-insensitive).
char DtmfChar(uint8_t event);
std::optional<uint8_t> DtmfEvent(char c);

struct DtmfNotification {
  enum class Kind : uint8_t { kBegin, kEnd };
  Kind kind = Kind::kBegin;
  uint8_t event = 0;
  uint32_t rtp_timestamp = 0;  // the event's start
  uint16_t duration = 0;       // for kEnd: the final duration (0 if its end was lost)
};

class TelephoneEventReceiver {
 public:
  // Up to three notifications per packet: the end of a press whose end was lost, and the
  // begin (and, for a one-packet press, the end) of the next one.
  struct Result {
    std::array<DtmfNotification, 3> notifications{};
    size_t count = 0;
  };
  // Feed every telephone-event packet (after the jitter of the network: order does not
  // matter beyond 16 events of history). Malformed payloads are counted and ignored.
  Result OnPacket(uint32_t rtp_timestamp, std::span<const uint8_t> payload);
  // No packet for a while: end a press whose end packets were all lost.
  Result OnTimeout();

  uint64_t malformed() const { return malformed_; }

 private:
  bool Seen(uint32_t timestamp) const;
  void Remember(uint32_t timestamp);

  std::optional<uint32_t> active_timestamp_;
  uint8_t active_event_ = 0;
  std::array<uint32_t, 16> finished_{};  // timestamps of ended events, to ignore repeats
  size_t finished_count_ = 0;
  size_t finished_next_ = 0;
  uint64_t malformed_ = 0;
};

struct TelephoneEventPacket {
  std::array<uint8_t, kTelephoneEventSize> payload{};
  bool marker = false;
  uint32_t rtp_timestamp = 0;
};

class TelephoneEventSender {
 public:
  // `clock_rate` of the telephone-event payload type (8000 or 48000 in practice).
  explicit TelephoneEventSender(uint32_t clock_rate,
                                std::chrono::milliseconds interval = std::chrono::milliseconds(50));
  // Starts a press of `duration` at `rtp_timestamp` (replacing any press in progress).
  void Start(uint8_t event, uint8_t volume, uint32_t rtp_timestamp, std::chrono::milliseconds duration);
  // The packet for the next interval, or null when the press is over. Call once per interval.
  std::optional<TelephoneEventPacket> Next();
  bool active() const { return active_; }

 private:
  uint32_t clock_rate_;
  uint32_t step_;  // timestamp units per interval
  bool active_ = false;
  TelephoneEvent event_;
  uint32_t timestamp_ = 0;
  uint32_t total_ = 0;  // the press's full duration in units (capped at 0xFFFF)
  uint32_t sent_ = 0;   // packets sent for this press
  int end_repeats_ = 0;
};

}  // namespace tessera::codecs::payload

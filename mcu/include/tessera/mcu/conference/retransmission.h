#pragma once
// Answering a receiver's NACKs (RFC 4585 §6.2.1) on an output shared by many receivers.
//
// An output packetizes each frame once and every subscriber sends the same payloads under
// its own SSRC, sequence numbers and timestamps (video_output.h). A per-receiver copy of
// the sent packets would cost a megabyte per receiver, so the payloads are kept once, by
// the output (OutputPacketHistory), and each receiver that negotiated NACK keeps only which
// of its sequence numbers carried which of the output's packets (SentSequenceMap). A NACK
// resends the same packet: same SSRC, sequence number and timestamp (no RTX stream, which
// our SDP does not offer).
//
// Memory: both rings are allocated once; nothing per packet. Thread safety: the room's
// video strand.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tessera/codecs/payload/payload_types.h"
#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::conference {

// The last `capacity` packets an output sent, numbered from 0 in the order sent. The ring
// is allocated by Enable (when the output gets its first receiver that can NACK); until
// then Store only counts.
class OutputPacketHistory {
 public:
  OutputPacketHistory(size_t capacity, size_t max_payload);

  void Enable();
  bool enabled() const { return !arena_.empty(); }
  // Keeps a frame's payloads; returns the number of its first packet (the others follow).
  int64_t Store(const codecs::payload::PayloadArena& payloads, rtp::TimePoint now);

  struct Packet {
    std::span<const uint8_t> payload;
    bool marker = false;
    rtp::TimePoint sent{};
  };
  // Packet `number` if it is still held.
  std::optional<Packet> Get(int64_t number) const;

 private:
  struct Slot {
    int64_t number = -1;
    uint16_t size = 0;
    bool marker = false;
    rtp::TimePoint sent{};
  };
  size_t capacity_;
  size_t max_payload_;
  std::vector<Slot> slots_;
  std::vector<uint8_t> arena_;
  int64_t next_ = 0;
};

// One receiver's sent video packets: for each of its recent sequence numbers, the output
// (by serial) and packet number it carried and the RTP timestamp it was sent with.
class SentSequenceMap {
 public:
  explicit SentSequenceMap(size_t capacity);

  void Record(uint16_t sequence_number, uint64_t output_serial, int64_t packet_number, uint32_t timestamp);

  struct Entry {
    uint64_t output_serial = 0;  // 0: never used
    int64_t packet_number = -1;
    uint32_t timestamp = 0;
    uint16_t sequence_number = 0;
    std::optional<rtp::TimePoint> last_resent;
  };
  // The entry recorded for `sequence_number`, if the ring still holds it.
  Entry* Find(uint16_t sequence_number);

 private:
  std::vector<Entry> entries_;
  size_t mask_;
};

}  // namespace tessera::mcu::conference

#pragma once
// The jitter buffer of one incoming audio stream: packets go in as they arrive; the mixer
// takes out one packet (one codec frame, one packet time) per call, in sequence order,
// after an adaptive delay.
//
// Packets are held by sequence number, so a sender's packet time may change (ptime 20 ->
// 40, or ffmpeg's irregular frames) and DTX pauses (timestamps jump, sequence numbers do
// not) are not mistaken for loss. The packet time is learned from consecutive packets.
//
// Delay: each packet's arrival is compared with its media time; the excess over the
// fastest recent packet goes into a histogram that forgets in about 3 s. The target delay
// is its 95th percentile plus one frame, within [min_delay, max_delay]. With more buffered
// than the target needs, one frame is dropped (accelerate); with less, one concealment
// frame is played without advancing (stretch). An empty buffer also stretches. The delay
// thus follows the network, up and down, a frame at a time, never faster than every
// second call.
//
// Pop() says what to play: a packet, a frame to conceal (with the next packet when held,
// for Opus in-band FEC), or silence before playout starts.
//
// Memory: capacity * max_payload_size bytes allocated at construction; nothing per packet.
// Thread safety: owned by one receive stream, used on its thread only.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tessera/mcu/rtp/drop_counters.h"
#include "tessera/mcu/rtp/jitter_buffer_types.h"
#include "tessera/mcu/rtp/ntp_time.h"
#include "tessera/mcu/rtp/sequence_unwrapper.h"

namespace tessera::mcu::rtp {

struct AudioJitterBufferConfig {
  uint32_t clock_rate = 48000;   // RTP clock (8000 for G.711 and G.722)
  uint32_t frame_samples = 960;  // RTP timestamp units per packet until learned (20 ms)
  size_t capacity = 64;          // packets held; rounded up to a power of two
  size_t max_payload_size = 1500;
  std::chrono::milliseconds min_delay{20};
  std::chrono::milliseconds max_delay{400};
  std::chrono::milliseconds initial_delay{60};
};

enum class AudioPopKind : uint8_t {
  kNotStarted,  // still buffering: play silence
  kFrame,       // `payload` is the next frame
  kConceal,     // conceal one frame (PLC, or Opus FEC from `next_payload`)
};

struct AudioPop {
  AudioPopKind kind = AudioPopKind::kNotStarted;
  uint32_t rtp_timestamp = 0;
  bool lost = false;                      // kConceal because a packet is missing (not underrun/stretch)
  std::span<const uint8_t> payload;       // kFrame; valid until the next Insert/Pop
  std::span<const uint8_t> next_payload;  // kConceal: the following packet, if held (for FEC)
};

struct AudioJitterBufferStats {
  uint64_t packets_inserted = 0;
  uint64_t frames_played = 0;
  uint64_t frames_concealed = 0;    // kConceal returned, for any reason
  uint64_t frames_lost = 0;         // of those: a packet missing while later ones were held
  uint64_t underruns = 0;           // of those: nothing held at all
  uint64_t frames_stretched = 0;    // of those: inserted on purpose to grow the delay
  uint64_t frames_accelerated = 0;  // dropped to shrink the delay
  uint64_t resets = 0;
  DropCounters drops;
};

class AudioJitterBuffer {
 public:
  explicit AudioJitterBuffer(const AudioJitterBufferConfig& config = {});

  JitterInsertResult Insert(uint16_t sequence_number, uint32_t rtp_timestamp, std::span<const uint8_t> payload,
                            TimePoint now);
  AudioPop Pop(TimePoint now);
  void Reset();

  std::chrono::microseconds target_delay() const { return target_delay_; }
  // Media time held from the playout point to the newest packet's end.
  std::chrono::microseconds buffered() const;
  uint32_t frame_samples() const { return frame_samples_; }
  bool playing() const { return playing_; }
  const AudioJitterBufferStats& stats() const { return stats_; }

 private:
  static constexpr size_t kHistogramBuckets = 201;  // 5 ms each, up to 1 s
  struct Slot {
    int64_t sequence_number = -1;  // unwrapped; -1: empty
    int64_t timestamp = 0;         // unwrapped
    uint16_t size = 0;
  };

  Slot& SlotFor(int64_t seq) { return slots_[static_cast<size_t>(seq) & mask_]; }
  const Slot& SlotFor(int64_t seq) const { return slots_[static_cast<size_t>(seq) & mask_]; }
  bool Has(int64_t seq) const { return SlotFor(seq).sequence_number == seq; }
  std::span<const uint8_t> PayloadOf(int64_t seq) const;
  void UpdateDelayEstimate(int64_t timestamp, TimePoint now);
  void Clear();
  int64_t HeldCount() const;

  AudioJitterBufferConfig config_;
  std::vector<Slot> slots_;
  std::vector<uint8_t> arena_;
  size_t mask_ = 0;
  uint32_t frame_samples_;

  TimestampUnwrapper timestamps_;
  SequenceNumberUnwrapper sequences_;
  bool started_ = false;
  TimePoint first_arrival_{};
  int64_t first_timestamp_ = 0;
  int64_t lowest_ = 0;   // lowest sequence number held or to play
  int64_t highest_ = 0;  // highest sequence number inserted
  int64_t held_ = 0;     // packets held (all at or after the playout point)

  bool playing_ = false;
  int64_t play_seq_ = 0;
  int64_t play_timestamp_ = 0;  // media time of play_seq_ (expected if not held)
  uint64_t pops_ = 0;
  uint64_t last_adjust_pop_ = 0;

  bool have_reference_ = false;
  double reference_ms_ = 0;  // excess delay of the fastest recent packet
  std::array<double, kHistogramBuckets> histogram_{};
  double histogram_weight_ = 0;
  std::chrono::microseconds target_delay_;
  AudioJitterBufferStats stats_;
};

}  // namespace tessera::mcu::rtp

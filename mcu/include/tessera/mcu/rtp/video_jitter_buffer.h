#pragma once
// The jitter buffer of one incoming video stream: it reorders packets, drops duplicates,
// and hands out complete access units (all packets from a frame start to the marker bit)
// in decode order, with no added delay when nothing is missing.
//
// When a packet is missing, later complete frames wait behind it until one of:
//   - a complete keyframe is behind the gap: skip to it after `keyframe_wait` (nothing
//     before it is needed to decode it);
//   - NACK gave the missing packets up (OnLostForGood);
//   - a later frame has been complete for `max_wait`.
// Skipping a non-keyframe breaks the reference chain: state() becomes kNeedsKeyframe, and
// frames are dropped (counted kUndecodable) until a keyframe arrives, unless the consumer
// asks for them anyway (deliver_undecodable, e.g. a decoder that conceals errors).
//
// Frame boundaries come from the marker bit and timestamp changes; codec knowledge comes
// in as hints (codecs::payload::InspectPayload): whether a packet starts a frame (needed
// after a gap, when the previous packet is unknown) and whether it belongs to a keyframe.
//
// Memory: capacity * max_payload_size bytes allocated at construction (768 KB with the
// defaults); nothing is allocated per packet or per frame.
// Thread safety: owned by one receive stream, used on its thread only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tessera/mcu/rtp/drop_counters.h"
#include "tessera/mcu/rtp/jitter_buffer_types.h"
#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::rtp {

struct VideoJitterBufferConfig {
  size_t capacity = 512;  // packets held; rounded up to a power of two
  size_t max_payload_size = 1500;
  std::chrono::milliseconds max_wait{200};
  // A complete keyframe behind a gap makes what is before it unnecessary; it waits only
  // this long, in case the gap is mere reordering and the frames before it can be shown.
  std::chrono::milliseconds keyframe_wait{20};
  bool deliver_undecodable = false;
};

struct VideoPacketHints {
  bool frame_start = false;  // the payload says "first packet of a picture"
  bool keyframe = false;     // the payload belongs to an intra picture (IDR, I, VP8 key)
};

enum class DecodeState : uint8_t {
  kNeedsKeyframe,  // at start, after a reset or after a frame was lost: ask for a keyframe
  kDecodable,      // every frame since the last keyframe was delivered
};

struct VideoFrame {
  uint32_t rtp_timestamp = 0;
  int64_t first_sequence = 0;  // unwrapped
  int64_t last_sequence = 0;
  bool keyframe = false;
  bool decodable = true;  // false only with deliver_undecodable
  TimePoint first_arrival{};
  TimePoint last_arrival{};
  // One payload per packet, in sequence order; valid until the next Insert/PopFrame/Reset.
  std::span<const std::span<const uint8_t>> payloads;
};

struct VideoJitterBufferStats {
  uint64_t packets_inserted = 0;
  uint64_t frames_delivered = 0;
  uint64_t keyframes_delivered = 0;
  uint64_t frames_undecodable = 0;  // complete but depending on a lost frame
  uint64_t frames_incomplete = 0;   // skipped with packets missing
  uint64_t packets_discarded = 0;   // held packets thrown away by skips and resets
  uint64_t skips = 0;
  uint64_t resets = 0;
  DropCounters drops;
};

class VideoJitterBuffer {
 public:
  explicit VideoJitterBuffer(const VideoJitterBufferConfig& config = {});

  // `sequence_number` is unwrapped (SequenceNumberUnwrapper).
  JitterInsertResult Insert(int64_t sequence_number, uint32_t rtp_timestamp, bool marker,
                            std::span<const uint8_t> payload, VideoPacketHints hints, TimePoint now);
  // The next frame in decode order, if one is ready now. Call until it returns null.
  std::optional<VideoFrame> PopFrame(TimePoint now);
  // NACK gave up every missing packet up to `sequence_number`.
  void OnLostForGood(int64_t sequence_number);
  void Reset();

  DecodeState state() const { return state_; }
  // When PopFrame could produce a frame without new packets (a wait running out).
  std::optional<TimePoint> NextDeadline() const;
  // The first sequence number not yet handed out or skipped (NACK need not go below it).
  std::optional<int64_t> next_sequence() const;
  const VideoJitterBufferStats& stats() const { return stats_; }

 private:
  struct Slot {
    int64_t sequence_number = -1;  // -1: empty
    uint32_t rtp_timestamp = 0;
    uint16_t size = 0;
    bool marker = false;
    bool frame_start = false;
    bool keyframe = false;
    TimePoint arrival{};
  };
  struct Candidate {
    int64_t first = 0;
    int64_t last_missing = 0;  // the last missing packet before `first`
    bool keyframe = false;
    TimePoint since{};
  };

  Slot& SlotFor(int64_t seq) { return slots_[static_cast<size_t>(seq) & mask_]; }
  const Slot& SlotFor(int64_t seq) const { return slots_[static_cast<size_t>(seq) & mask_]; }
  bool Has(int64_t seq) const { return SlotFor(seq).sequence_number == seq; }
  void ExtendRun();
  void PushEnd(int64_t seq);
  void ScanForCandidate(TimePoint now);
  void SkipTo(int64_t first, bool keyframe);
  void Clear();
  VideoFrame BuildFrame(int64_t first, int64_t last);

  VideoJitterBufferConfig config_;
  std::vector<Slot> slots_;
  std::vector<uint8_t> arena_;
  std::vector<std::span<const uint8_t>> frame_payloads_;
  std::vector<int64_t> ends_;  // ring of detected frame ends inside the contiguous run
  size_t mask_ = 0;
  size_t ends_head_ = 0;
  size_t ends_count_ = 0;

  bool started_ = false;
  bool consumed_any_ = false;    // a frame was handed out or skipped since the start
  bool boundary_known_ = false;  // next_ is known to start a frame
  bool scan_dirty_ = false;
  int64_t next_ = 0;      // first sequence number not yet consumed
  int64_t run_end_ = -1;  // last of the contiguous run starting at next_ (next_ - 1: empty)
  int64_t highest_ = -1;
  std::optional<int64_t> lost_through_;
  std::optional<Candidate> candidate_;
  DecodeState state_ = DecodeState::kNeedsKeyframe;
  VideoJitterBufferStats stats_;
};

}  // namespace tessera::mcu::rtp

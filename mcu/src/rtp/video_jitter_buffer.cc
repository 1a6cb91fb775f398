#include "tessera/mcu/rtp/video_jitter_buffer.h"

#include <algorithm>
#include <cstring>

namespace tessera::mcu::rtp {
namespace {

size_t RoundUpToPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p < n)
    p <<= 1;
  return p;
}

}  // namespace

VideoJitterBuffer::VideoJitterBuffer(const VideoJitterBufferConfig& config) : config_(config) {
  const size_t capacity = RoundUpToPowerOfTwo(std::max<size_t>(config_.capacity, 2));
  config_.capacity = capacity;
  mask_ = capacity - 1;
  slots_.resize(capacity);
  arena_.resize(capacity * config_.max_payload_size);
  frame_payloads_.resize(capacity);
  ends_.resize(capacity);
}

std::optional<int64_t> VideoJitterBuffer::next_sequence() const {
  if (!started_) return std::nullopt;
  return next_;
}

std::optional<TimePoint> VideoJitterBuffer::NextDeadline() const {
  if (started_ && !consumed_any_ && ends_count_ > 0 && !boundary_known_ && !SlotFor(next_).frame_start) {
    return SlotFor(next_).arrival + config_.max_wait;
  }
  if (!candidate_) return std::nullopt;
  return candidate_->since + (candidate_->keyframe ? config_.keyframe_wait : config_.max_wait);
}

void VideoJitterBuffer::PushEnd(int64_t seq) {
  ends_[(ends_head_ + ends_count_) & mask_] = seq;
  ++ends_count_;
}

void VideoJitterBuffer::ExtendRun() {
  while (Has(run_end_ + 1)) {
    const int64_t e = ++run_end_;
    const Slot& s = SlotFor(e);
    if (e > next_) {
      // A timestamp change ends the previous frame even if its marker was not set.
      const Slot& prev = SlotFor(e - 1);
      if (!prev.marker && prev.rtp_timestamp != s.rtp_timestamp) PushEnd(e - 1);
    }
    if (s.marker) PushEnd(e);
  }
}

void VideoJitterBuffer::Clear() {
  if (started_) {
    for (int64_t s = next_; s <= highest_; ++s) {
      Slot& slot = SlotFor(s);
      if (slot.sequence_number == s) {
        slot.sequence_number = -1;
        ++stats_.packets_discarded;
      }
    }
  }
  ends_head_ = 0;
  ends_count_ = 0;
  candidate_.reset();
  lost_through_.reset();
  scan_dirty_ = false;
  started_ = false;
  consumed_any_ = false;
}

void VideoJitterBuffer::Reset() {
  Clear();
  state_ = DecodeState::kNeedsKeyframe;
}

JitterInsertResult VideoJitterBuffer::Insert(int64_t sequence_number, uint32_t rtp_timestamp, bool marker,
                                             std::span<const uint8_t> payload, VideoPacketHints hints, TimePoint now) {
  if (payload.size() > config_.max_payload_size) {
    stats_.drops.Add(DropReason::kOversized);
    return JitterInsertResult::kOversized;
  }
  JitterInsertResult result = JitterInsertResult::kInserted;
  if (started_ && sequence_number >= next_ + static_cast<int64_t>(config_.capacity)) {
    // Far ahead of everything held (a long outage, a restarted sender, or a frame larger
    // than the buffer): start over from this packet.
    ++stats_.resets;
    stats_.drops.Add(DropReason::kBufferFull);
    Clear();
    state_ = DecodeState::kNeedsKeyframe;
    result = JitterInsertResult::kReset;
  }
  if (!started_) {
    started_ = true;
    boundary_known_ = false;
    next_ = sequence_number;
    run_end_ = sequence_number - 1;
    highest_ = sequence_number;
  }
  if (sequence_number < next_) {
    if (consumed_any_ || highest_ - sequence_number >= static_cast<int64_t>(config_.capacity)) {
      stats_.drops.Add(DropReason::kTooLate);
      return JitterInsertResult::kTooLate;
    }
    // Reordered at the very start, before anything was handed out: the stream begins
    // earlier than the first packet heard.
    next_ = sequence_number;
    run_end_ = sequence_number - 1;
    boundary_known_ = false;
    ends_head_ = 0;
    ends_count_ = 0;
    candidate_.reset();
  }
  Slot& slot = SlotFor(sequence_number);
  if (slot.sequence_number == sequence_number) {
    stats_.drops.Add(DropReason::kDuplicate);
    return JitterInsertResult::kDuplicate;
  }
  slot.sequence_number = sequence_number;
  slot.rtp_timestamp = rtp_timestamp;
  slot.size = static_cast<uint16_t>(payload.size());
  slot.marker = marker;
  slot.frame_start = hints.frame_start;
  slot.keyframe = hints.keyframe;
  slot.arrival = now;
  if (!payload.empty()) {
    std::memcpy(arena_.data() + (static_cast<size_t>(sequence_number) & mask_) * config_.max_payload_size,
                payload.data(), payload.size());
  }
  ++stats_.packets_inserted;
  highest_ = std::max(highest_, sequence_number);
  if (sequence_number == run_end_ + 1) {
    ExtendRun();
  }
  if (highest_ > run_end_) scan_dirty_ = true;
  return result;
}

void VideoJitterBuffer::OnLostForGood(int64_t sequence_number) {
  if (!lost_through_ || sequence_number > *lost_through_) lost_through_ = sequence_number;
}

VideoFrame VideoJitterBuffer::BuildFrame(int64_t first, int64_t last) {
  VideoFrame f;
  const Slot& head = SlotFor(first);
  f.rtp_timestamp = head.rtp_timestamp;
  f.first_sequence = first;
  f.last_sequence = last;
  f.first_arrival = head.arrival;
  f.last_arrival = head.arrival;
  size_t n = 0;
  for (int64_t s = first; s <= last; ++s) {
    Slot& slot = SlotFor(s);
    f.keyframe = f.keyframe || slot.keyframe;
    f.first_arrival = std::min(f.first_arrival, slot.arrival);
    f.last_arrival = std::max(f.last_arrival, slot.arrival);
    frame_payloads_[n++] = std::span<const uint8_t>(
        arena_.data() + (static_cast<size_t>(s) & mask_) * config_.max_payload_size, slot.size);
    // Released now; the bytes stay until a later Insert reuses the slot.
    slot.sequence_number = -1;
  }
  f.payloads = std::span<const std::span<const uint8_t>>(frame_payloads_.data(), n);
  return f;
}

void VideoJitterBuffer::ScanForCandidate(TimePoint now) {
  // Look past the gap at run_end_ + 1 for the first complete frame with a known start, and
  // for a complete keyframe (which is worth jumping to at once).
  std::optional<Candidate> first_complete;
  std::optional<Candidate> keyframe;
  int64_t last_missing = run_end_ + 1;
  std::optional<int64_t> start;
  bool start_is_key = false;
  for (int64_t e = run_end_ + 2; e <= highest_; ++e) {
    if (!Has(e)) {
      last_missing = e;
      start.reset();
      continue;
    }
    const Slot& s = SlotFor(e);
    const bool prev_present = Has(e - 1);
    const bool is_start =
        s.frame_start || (prev_present && (SlotFor(e - 1).marker || SlotFor(e - 1).rtp_timestamp != s.rtp_timestamp));
    if (is_start) {
      start = e;
      start_is_key = false;
    }
    if (!start) continue;
    start_is_key = start_is_key || s.keyframe;
    const bool is_end = s.marker || (Has(e + 1) && SlotFor(e + 1).rtp_timestamp != s.rtp_timestamp);
    if (!is_end) continue;
    Candidate c{*start, last_missing, start_is_key, now};
    if (!first_complete) first_complete = c;
    if (start_is_key) {
      keyframe = c;
      break;
    }
    start.reset();
  }
  std::optional<Candidate> chosen = keyframe ? keyframe : first_complete;
  if (chosen && candidate_ && candidate_->first == chosen->first) chosen->since = candidate_->since;
  candidate_ = chosen;
}

void VideoJitterBuffer::SkipTo(int64_t first, bool keyframe) {
  for (int64_t s = next_; s < first; ++s) {
    Slot& slot = SlotFor(s);
    if (slot.sequence_number == s) {
      slot.sequence_number = -1;
      ++stats_.packets_discarded;
    }
  }
  ++stats_.skips;
  ++stats_.frames_incomplete;
  consumed_any_ = true;
  next_ = first;
  boundary_known_ = true;
  run_end_ = first - 1;
  ends_head_ = 0;
  ends_count_ = 0;
  candidate_.reset();
  ExtendRun();
  scan_dirty_ = highest_ > run_end_;
  if (!keyframe) state_ = DecodeState::kNeedsKeyframe;
}

std::optional<VideoFrame> VideoJitterBuffer::PopFrame(TimePoint now) {
  if (!started_) return std::nullopt;
  while (true) {
    if (ends_count_ > 0) {
      const int64_t end = ends_[ends_head_];
      const int64_t first = next_;
      const bool valid_start = boundary_known_ || SlotFor(first).frame_start;
      if (!valid_start && !consumed_any_ && now - SlotFor(first).arrival < config_.max_wait) {
        // The first packets heard may not be the first sent: give reordered earlier ones
        // a chance before deciding the head frame has no start.
        return std::nullopt;
      }
      ends_head_ = (ends_head_ + 1) & mask_;
      --ends_count_;
      VideoFrame frame = BuildFrame(first, end);
      consumed_any_ = true;
      next_ = end + 1;
      boundary_known_ = true;
      if (candidate_ && candidate_->first <= end) candidate_.reset();
      if (!valid_start) {
        // The stream was joined in the middle of a frame: its head is missing.
        ++stats_.frames_incomplete;
        continue;
      }
      if (frame.keyframe) state_ = DecodeState::kDecodable;
      if (state_ == DecodeState::kDecodable) {
        ++stats_.frames_delivered;
        if (frame.keyframe) ++stats_.keyframes_delivered;
        return frame;
      }
      ++stats_.frames_undecodable;
      stats_.drops.Add(DropReason::kUndecodable);
      if (config_.deliver_undecodable) {
        frame.decodable = false;
        return frame;
      }
      continue;
    }
    if (highest_ <= run_end_) return std::nullopt;  // nothing past the head frame yet
    if (scan_dirty_) {
      ScanForCandidate(now);
      scan_dirty_ = false;
    }
    if (!candidate_) return std::nullopt;
    const bool repaired_never = lost_through_ && *lost_through_ >= candidate_->last_missing;
    const auto waited = now - candidate_->since;
    if (repaired_never || waited >= (candidate_->keyframe ? config_.keyframe_wait : config_.max_wait)) {
      const Candidate c = *candidate_;
      SkipTo(c.first, c.keyframe);
      continue;
    }
    return std::nullopt;
  }
}

}  // namespace tessera::mcu::rtp

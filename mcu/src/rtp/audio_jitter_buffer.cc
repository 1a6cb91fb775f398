#include "tessera/mcu/rtp/audio_jitter_buffer.h"

#include <algorithm>
#include <cstring>

namespace tessera::mcu::rtp {
namespace {

constexpr double kBucketMs = 5.0;
// Per-packet decay of the delay histogram: 1 / (1 - 0.993) ~ 140 packets ~ 3 s at 20 ms.
constexpr double kForget = 0.993;
// The fastest-packet reference creeps up so a clock drift between sender and us, or a
// route that got slower, is followed (0.01 ms per packet = 0.5 ms/s at 20 ms packets).
constexpr double kReferenceCreepMs = 0.01;
constexpr double kPercentile = 0.95;
// Samples needed before the histogram replaces the initial delay.
constexpr double kMinWeight = 5.0;

size_t RoundUpToPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p < n)
    p <<= 1;
  return p;
}

}  // namespace

AudioJitterBuffer::AudioJitterBuffer(const AudioJitterBufferConfig& config)
    : config_(config),
      frame_samples_(config.frame_samples == 0 ? 960 : config.frame_samples),
      target_delay_(config.initial_delay) {
  if (config_.clock_rate == 0) config_.clock_rate = 48000;
  const size_t capacity = RoundUpToPowerOfTwo(std::max<size_t>(config_.capacity, 4));
  config_.capacity = capacity;
  mask_ = capacity - 1;
  slots_.resize(capacity);
  arena_.resize(capacity * config_.max_payload_size);
}

std::span<const uint8_t> AudioJitterBuffer::PayloadOf(int64_t seq) const {
  const Slot& s = SlotFor(seq);
  return {arena_.data() + (static_cast<size_t>(seq) & mask_) * config_.max_payload_size, s.size};
}

int64_t AudioJitterBuffer::HeldCount() const {
  return held_;
}

void AudioJitterBuffer::Clear() {
  for (Slot& s : slots_)
    s.sequence_number = -1;
  held_ = 0;
  started_ = false;
  playing_ = false;
}

void AudioJitterBuffer::Reset() {
  Clear();
  ++stats_.resets;
  timestamps_.Reset();
  sequences_.Reset();
  have_reference_ = false;
}

std::chrono::microseconds AudioJitterBuffer::buffered() const {
  if (held_ == 0) return std::chrono::microseconds(0);
  const int64_t end = SlotFor(highest_).timestamp + frame_samples_;
  const int64_t ticks = std::max<int64_t>(0, end - play_timestamp_);
  return std::chrono::microseconds(ticks * 1'000'000 / config_.clock_rate);
}

void AudioJitterBuffer::UpdateDelayEstimate(int64_t timestamp, TimePoint now) {
  const double arrival_ms = std::chrono::duration<double, std::milli>(now - first_arrival_).count();
  const double media_ms = static_cast<double>(timestamp - first_timestamp_) * 1000.0 / config_.clock_rate;
  const double excess = arrival_ms - media_ms;
  if (!have_reference_ || excess < reference_ms_) {
    reference_ms_ = excess;
    have_reference_ = true;
  } else {
    reference_ms_ += kReferenceCreepMs;
  }
  const double sample = std::max(0.0, excess - reference_ms_);
  const size_t bucket = std::min(kHistogramBuckets - 1, static_cast<size_t>(sample / kBucketMs));
  for (double& h : histogram_)
    h *= kForget;
  histogram_[bucket] += 1.0;
  histogram_weight_ = histogram_weight_ * kForget + 1.0;
  if (histogram_weight_ < kMinWeight) return;

  const double threshold = kPercentile * histogram_weight_;
  double cumulative = 0;
  size_t b = 0;
  for (; b < kHistogramBuckets; ++b) {
    cumulative += histogram_[b];
    if (cumulative >= threshold) break;
  }
  const double percentile_ms = (static_cast<double>(std::min(b, kHistogramBuckets - 1)) + 1) * kBucketMs;
  const double frame_ms = frame_samples_ * 1000.0 / config_.clock_rate;
  const double target_ms = std::clamp(percentile_ms + frame_ms, static_cast<double>(config_.min_delay.count()),
                                      static_cast<double>(config_.max_delay.count()));
  target_delay_ = std::chrono::microseconds(static_cast<int64_t>(target_ms * 1000));
}

JitterInsertResult AudioJitterBuffer::Insert(uint16_t sequence_number, uint32_t rtp_timestamp,
                                             std::span<const uint8_t> payload, TimePoint now) {
  if (payload.size() > config_.max_payload_size) {
    stats_.drops.Add(DropReason::kOversized);
    return JitterInsertResult::kOversized;
  }
  const int64_t seq = sequences_.Unwrap(sequence_number);
  const int64_t ts = timestamps_.Unwrap(rtp_timestamp);
  const int64_t capacity = static_cast<int64_t>(config_.capacity);
  JitterInsertResult result = JitterInsertResult::kInserted;

  if (started_) {
    const int64_t floor = playing_ ? play_seq_ : highest_ - capacity + 1;
    if (seq < floor) {
      stats_.drops.Add(DropReason::kTooLate);
      return JitterInsertResult::kTooLate;
    }
    if (seq >= (playing_ ? play_seq_ : lowest_) + capacity) {
      // Far ahead of the playout point: a sequence jump (restarted sender) or a stall
      // long enough to fill the buffer. Start over from this packet.
      stats_.drops.Add(DropReason::kBufferFull);
      Clear();
      ++stats_.resets;
      result = JitterInsertResult::kReset;
    }
  }
  if (!started_) {
    started_ = true;
    first_arrival_ = now;
    first_timestamp_ = ts;
    lowest_ = highest_ = seq;
    play_seq_ = seq;
    play_timestamp_ = ts;
    have_reference_ = false;
  }
  Slot& slot = SlotFor(seq);
  if (slot.sequence_number == seq) {
    stats_.drops.Add(DropReason::kDuplicate);
    return JitterInsertResult::kDuplicate;
  }
  if (slot.sequence_number >= 0) --held_;  // an unplayed packet a full ring behind: overwritten
  slot.sequence_number = seq;
  slot.timestamp = ts;
  slot.size = static_cast<uint16_t>(payload.size());
  if (!payload.empty()) {
    std::memcpy(arena_.data() + (static_cast<size_t>(seq) & mask_) * config_.max_payload_size, payload.data(),
                payload.size());
  }
  ++held_;
  ++stats_.packets_inserted;
  highest_ = std::max(highest_, seq);
  if (!playing_) lowest_ = std::min(lowest_, seq);
  if (playing_ && seq == play_seq_) play_timestamp_ = ts;

  // Learn the packet time from neighbours (ptime may differ from the configured one).
  const int64_t max_frame = config_.clock_rate / 4;
  if (Has(seq - 1)) {
    const int64_t d = ts - SlotFor(seq - 1).timestamp;
    if (d > 0 && d <= max_frame) frame_samples_ = static_cast<uint32_t>(d);
  } else if (Has(seq + 1)) {
    const int64_t d = SlotFor(seq + 1).timestamp - ts;
    if (d > 0 && d <= max_frame) frame_samples_ = static_cast<uint32_t>(d);
  }
  UpdateDelayEstimate(ts, now);
  return result;
}

AudioPop AudioJitterBuffer::Pop(TimePoint now) {
  ++pops_;
  AudioPop out;
  if (!started_) return out;
  if (!playing_) {
    if (now - first_arrival_ < target_delay_) return out;
    playing_ = true;
    play_seq_ = lowest_;
    while (play_seq_ < highest_ && !Has(play_seq_))
      ++play_seq_;
    play_timestamp_ = SlotFor(play_seq_).timestamp;
  }

  out.kind = AudioPopKind::kConceal;
  if (held_ == 0) {
    // Nothing to play: the packets are late (or the sender paused). Conceal without
    // advancing, which grows the delay by one frame.
    ++stats_.underruns;
    ++stats_.frames_concealed;
    out.rtp_timestamp = static_cast<uint32_t>(play_timestamp_);
    return out;
  }

  const auto frame = std::chrono::microseconds(int64_t{frame_samples_} * 1'000'000 / config_.clock_rate);
  const bool can_adjust = pops_ - last_adjust_pop_ >= 2;
  const auto held_time = buffered();
  if (can_adjust && Has(play_seq_) && held_ >= 2 && held_time > target_delay_ + 2 * frame) {
    // Accelerate: drop the oldest frame.
    SlotFor(play_seq_).sequence_number = -1;
    --held_;
    ++play_seq_;
    play_timestamp_ = Has(play_seq_) ? SlotFor(play_seq_).timestamp : play_timestamp_ + frame_samples_;
    ++stats_.frames_accelerated;
    last_adjust_pop_ = pops_;
  } else if (can_adjust && held_time + frame < target_delay_) {
    // Stretch: one concealment frame, playout does not advance.
    ++stats_.frames_stretched;
    ++stats_.frames_concealed;
    last_adjust_pop_ = pops_;
    out.rtp_timestamp = static_cast<uint32_t>(play_timestamp_);
    return out;
  }

  if (Has(play_seq_)) {
    Slot& s = SlotFor(play_seq_);
    out.kind = AudioPopKind::kFrame;
    out.rtp_timestamp = static_cast<uint32_t>(s.timestamp);
    out.payload = PayloadOf(play_seq_);
    s.sequence_number = -1;
    --held_;
    ++stats_.frames_played;
    const int64_t played_ts = s.timestamp;
    ++play_seq_;
    play_timestamp_ = Has(play_seq_) ? SlotFor(play_seq_).timestamp : played_ts + frame_samples_;
    return out;
  }
  // Missing while later packets are held: lost (or too late to matter).
  out.lost = true;
  out.rtp_timestamp = static_cast<uint32_t>(play_timestamp_);
  if (Has(play_seq_ + 1)) out.next_payload = PayloadOf(play_seq_ + 1);
  ++stats_.frames_lost;
  ++stats_.frames_concealed;
  ++play_seq_;
  play_timestamp_ = Has(play_seq_) ? SlotFor(play_seq_).timestamp : play_timestamp_ + frame_samples_;
  return out;
}

}  // namespace tessera::mcu::rtp

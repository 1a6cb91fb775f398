#include "tessera/mcu/rtp/receive_statistics.h"

#include <algorithm>

namespace tessera::mcu::rtp {

ReceiveStatistics::ReceiveStatistics(uint32_t clock_rate) : clock_rate_(clock_rate == 0 ? 90000 : clock_rate) {}

void ReceiveStatistics::InitSequence(uint16_t sequence_number) {
  base_seq_ = sequence_number;
  max_seq_ = sequence_number;
  bad_seq_ = 0x10001;
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

uint32_t ReceiveStatistics::ArrivalInRtpUnits(TimePoint arrival) const {
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(arrival - epoch_).count();
  // Modulo 2^32 like RTP timestamps; only differences matter.
  return static_cast<uint32_t>(static_cast<uint64_t>(micros) * clock_rate_ / 1'000'000);
}

bool ReceiveStatistics::OnPacket(uint16_t sequence_number, uint32_t rtp_timestamp, TimePoint arrival, size_t bytes,
                                 Kind kind) {
  if (!started_) {
    started_ = true;
    epoch_ = arrival;
    InitSequence(sequence_number);
  } else {
    const uint16_t udelta = static_cast<uint16_t>(sequence_number - max_seq_);
    if (udelta < kMaxDropout) {
      // In order, with a permissible gap.
      if (sequence_number < max_seq_) cycles_ += 65536;
      max_seq_ = sequence_number;
    } else if (udelta <= 65536 - kMaxMisorder) {
      // A very large jump: accept it only if the next packet continues from it (the
      // source restarted without changing SSRC); otherwise it is a stray.
      if (sequence_number == bad_seq_) {
        InitSequence(sequence_number);
        ++restarts_;
        have_transit_ = false;
      } else {
        bad_seq_ = (sequence_number + 1u) & 0xFFFFu;
        return false;
      }
    } else {
      // A duplicate or a reordered packet: counted, it does not move max_seq.
    }
  }
  bytes_ += bytes;
  if (kind == Kind::kRetransmission) {
    ++retransmissions_;
    return true;
  }
  ++received_;

  // A.8 interarrival jitter, from packets that arrive in order as first sent.
  if (kind == Kind::kOriginal) {
    const uint32_t transit = ArrivalInRtpUnits(arrival) - rtp_timestamp;
    if (have_transit_) {
      int32_t d = static_cast<int32_t>(transit - transit_);
      if (d < 0) d = -d;
      // A timestamp jump (a new talkspurt base, a restarted encoder) is not jitter; clamping
      // also keeps the scaled value far from overflowing.
      d = std::min<int32_t>(d, 0x7FFFFFF);
      // J += (|D| - J) / 16, kept scaled by 16 as in A.8.
      jitter_q4_ += static_cast<uint32_t>(d) - ((jitter_q4_ + 8) >> 4);
    }
    transit_ = transit;
    have_transit_ = true;
  }
  return true;
}

void ReceiveStatistics::OnSenderReport(const SenderInfo& info, TimePoint arrival) {
  last_sr_ = info;
  last_sr_arrival_ = arrival;
}

int64_t ReceiveStatistics::expected() const {
  if (!started_) return 0;
  return static_cast<int64_t>(extended_highest_sequence()) - static_cast<int64_t>(base_seq_) + 1;
}

int64_t ReceiveStatistics::cumulative_lost() const {
  return expected() - static_cast<int64_t>(received_);
}

std::chrono::microseconds ReceiveStatistics::jitter_duration() const {
  return std::chrono::microseconds(uint64_t{jitter()} * 1'000'000 / clock_rate_);
}

ReportBlock ReceiveStatistics::MakeReportBlock(uint32_t source_ssrc, TimePoint now) {
  ReportBlock b;
  b.source_ssrc = source_ssrc;
  if (started_) {
    const int64_t expected_now = expected();
    const int64_t expected_interval = expected_now - expected_prior_;
    const int64_t received_interval = static_cast<int64_t>(received_ - received_prior_);
    const int64_t lost_interval = expected_interval - received_interval;
    expected_prior_ = expected_now;
    received_prior_ = received_;
    if (expected_interval > 0 && lost_interval > 0) {
      b.fraction_lost = static_cast<uint8_t>(std::min<int64_t>(255, (lost_interval << 8) / expected_interval));
    }
    b.cumulative_lost = static_cast<int32_t>(std::clamp<int64_t>(cumulative_lost(), -0x800000, 0x7FFFFF));
    b.extended_highest_sequence = extended_highest_sequence();
    b.jitter = jitter();
  }
  if (last_sr_) {
    b.last_sr = last_sr_->ntp.Compact();
    b.delay_since_last_sr =
        CompactNtpFromDuration(std::chrono::duration_cast<std::chrono::microseconds>(now - last_sr_arrival_));
  }
  return b;
}

}  // namespace tessera::mcu::rtp

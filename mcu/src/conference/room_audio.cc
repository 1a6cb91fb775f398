// Room: the audio clock — pull 20 ms from every source, mix once, encode once per listener
// codec and once per talker, send.
#include <boost/asio/post.hpp>

#include "tessera/mcu/conference/room.h"
#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::conference {

namespace {
constexpr auto kAudioTick = std::chrono::milliseconds(20);
constexpr std::array<int16_t, AudioInput::kTickSamples> kSilence{};  // a muted source's frame
}  // namespace

void Room::ScheduleAudio() {
  if (audio_stopped_) return;
  audio_timer_.expires_at(next_audio_);
  audio_timer_.async_wait([this, stopped = clocks_stopped_](const boost::system::error_code& ec) {
    if (ec || stopped->load(std::memory_order_acquire) || audio_stopped_) return;
    const auto started = rtp::Clock::now();
    AudioTick();
    counters_.audio_tick_us.Record(
        std::chrono::duration_cast<std::chrono::microseconds>(rtp::Clock::now() - started).count());
    // Absolute deadlines: the next tick is due one period after this one was due, not
    // after it ran. A tick that starts more than a period late is counted, and the clock
    // skips to the next deadline ahead instead of bursting to catch up.
    next_audio_ += kAudioTick;
    const auto now = rtp::Clock::now();
    if (now > next_audio_) {
      counters_.late_audio_ticks.fetch_add(1, std::memory_order_relaxed);
      while (next_audio_ < now)
        next_audio_ += kAudioTick;
    }
    ScheduleAudio();
  });
}

void Room::AudioTick() {
  const rtp::TimePoint now = rtp::Clock::now();
  ++audio_tick_;
  counters_.audio_ticks.fetch_add(1, std::memory_order_relaxed);
  const StageCpu stage_cpu(counters_.stage_cpu_ns, Stage::kAudio);
  DrainPackets(false, now);
  if (audio_tick_ % 50 == 0) LookForAudioTrouble(now);

  mix_inputs_.clear();
  for (auto& pp : audio_participants_) {
    Participant& p = *pp;
    if (p.lobby.load(std::memory_order_relaxed)) {
      ListenForDigits(p, now);
      continue;
    }
    if (!p.in_mixer) continue;
    mixer::AudioInput input;
    input.source = p.mixer_source;
    if (p.synthetic) {
      p.synthetic->FillAudio(p.synthetic_sample, p.synthetic_audio);
      p.synthetic_sample += AudioInput::kTickSamples;
      input.samples = p.synthetic_audio;
    } else if (p.audio && p.audio->input) {
      input.samples = p.audio->input->Pull(now);
    }
    if (p.audio_muted.load(std::memory_order_relaxed)) input.samples = kSilence;  // pulled all the same
    mix_inputs_.push_back(input);
  }
  const mixer::MixResult& mix = mixer_.Mix(mix_inputs_);
  if (audio_tap_) {
    // This tick's deadline on the media clock, so that the stream's audio and video times
    // share one origin (the room's epoch) and keep their 20 ms spacing exactly.
    const auto time = std::chrono::duration_cast<std::chrono::microseconds>(next_audio_ - epoch_).count();
    audio_tap_->Push(mix.listeners, time);
  }
  NoteTalkers(mix);  // events only when the talkers change
  if (mix.active_speaker_changed) {
    const uint32_t speaker = mix.active_speaker;
    boost::asio::post(video_strand_, [this, speaker] { OnActiveSpeaker(speaker); });
  }

  // Listener encodings are made lazily: only codecs someone listens with this tick.
  std::array<AudioEncoding*, 16> encoded{};
  size_t encoded_count = 0;
  for (auto& pp : audio_participants_) {
    Participant& p = *pp;
    if (!p.audio || !p.audio->send || !p.audio->link) continue;
    AudioLeg& leg = *p.audio;
    std::span<const int16_t> own_mix;
    for (const mixer::TalkerOutput& t : mix.talkers)
      if (t.source == p.number) own_mix = t.samples;
    std::span<const uint8_t> payload;
    uint32_t increment = 0;
    if (p.lobby.load(std::memory_order_relaxed)) {
      // The lobby hears its prompt, encoded with the participant's own encoder.
      if (!leg.own) continue;
      const uint32_t request = p.prompt_request.load(std::memory_order_relaxed);
      if (request != p.prompt_played) {
        p.prompt_played = request;
        p.prompt_player.Play(static_cast<Prompt>(request & 0xff));
      }
      payload = leg.own->Encode(p.prompt_player.Next());
      increment = leg.own->rtp_timestamp_increment();
    } else if (leg.own && SendDtmf(p)) {
      continue;  // this tick carried a digit (an event packet or a tone) instead of the mix
    } else if (!own_mix.empty() && leg.own) {
      payload = leg.own->Encode(own_mix);
      increment = leg.own->rtp_timestamp_increment();
    } else {
      auto it = listener_encodings_.find(leg.encoding_key);
      if (it == listener_encodings_.end()) continue;
      AudioEncoding* encoding = it->second.get();
      const bool done = std::find(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(encoded_count),
                                  encoding) != encoded.begin() + static_cast<std::ptrdiff_t>(encoded_count);
      if (!done) {
        encoding->Encode(mix.listeners);
        if (encoded_count < encoded.size()) encoded[encoded_count++] = encoding;
      }
      payload = encoding->payload();
      increment = encoding->rtp_timestamp_increment();
    }
    SendAudio(p, payload);
    leg.timestamp += increment;
  }
  SendReports(false, now);
}

void Room::ListenForDigits(Participant& p, rtp::TimePoint now) {
  if (!p.audio || !p.audio->input) return;
  const std::span<const int16_t> samples = p.audio->input->Pull(now);
  if (const std::optional<char> digit = p.inband_dtmf.OnFrame(samples)) p.digits.Push(*digit);
}

bool Room::SendDtmf(Participant& p) {
  AudioLeg& leg = *p.audio;
  const uint32_t increment = leg.own->rtp_timestamp_increment();
  const DtmfSender::Step step = p.dtmf_out.Next(leg.timestamp, increment);
  switch (step.kind) {
    case DtmfSender::Step::Kind::kAudio:
      return false;
    case DtmfSender::Step::Kind::kSamples:
      SendAudio(p, leg.own->Encode(step.samples));
      break;
    case DtmfSender::Step::Kind::kEvent: {
      // RFC 4733 shares the audio stream's SSRC, sequence and clock; the event packet
      // takes the place of this tick's audio packet.
      rtp::RtpHeader header;
      header.payload_type = step.payload_type;
      header.marker = step.marker;
      header.sequence_number = leg.link->NextSequence();
      header.timestamp = step.timestamp;
      header.ssrc = leg.link->local_ssrc();
      const size_t header_size = rtp::WriteRtpHeader(header, audio_send_buffer_);
      if (header_size == 0) break;
      std::memcpy(audio_send_buffer_.data() + header_size, step.event.data(), step.event.size());
      if (leg.link->SendRtp(audio_send_buffer_, header_size + step.event.size()))
        counters_.rtp_packets_sent.fetch_add(1, std::memory_order_relaxed);
      leg.marker_next = true;  // the audio after the event starts a talk spurt
      break;
    }
  }
  leg.timestamp += increment;
  return true;
}

void Room::SendAudio(Participant& p, std::span<const uint8_t> payload) {
  AudioLeg& leg = *p.audio;
  if (payload.empty()) {  // DTX: nothing this frame; the next packet starts a talk spurt
    leg.marker_next = true;
    return;
  }
  rtp::RtpHeader header;
  header.payload_type = static_cast<uint8_t>(leg.payload_type);
  header.marker = leg.marker_next;
  header.sequence_number = leg.link->NextSequence();
  header.timestamp = leg.timestamp;
  header.ssrc = leg.link->local_ssrc();
  const size_t header_size = rtp::WriteRtpHeader(header, audio_send_buffer_);
  if (header_size == 0 || header_size + payload.size() > PacketQueue::kMaxPacket) return;
  std::memcpy(audio_send_buffer_.data() + header_size, payload.data(), payload.size());
  leg.marker_next = false;
  if (leg.link->SendRtp(audio_send_buffer_, header_size + payload.size())) {
    leg.link->send_statistics().OnPacketSent(leg.timestamp, rtp::Clock::now(), payload.size());
    counters_.rtp_packets_sent.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace tessera::mcu::conference

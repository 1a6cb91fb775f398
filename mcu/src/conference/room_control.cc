// Room: what the control API asks of a running room — mutes, names, the layout, snapshots
// of participants and outputs — and the talking/speaker events the audio strand reports.
// Everything here is posted to a strand or reads atomics: no lock is shared with a tick.
#include <boost/asio/post.hpp>

#include <algorithm>

#include "tessera/base/log.h"
#include "tessera/codecs/codec_types.h"
#include "tessera/mcu/conference/room.h"

namespace tessera::mcu::conference {

namespace {

constexpr log::Component kLog{"room.control", log::Tag::kMedia};

template <typename Stream>
void FillReceive(const Stream& stream, MediaStats& out) {
  const rtp::ReceiveStatistics& s = stream.statistics();
  out.packets_received = s.packets_received();
  out.bytes_received = s.bytes_received();
  out.packets_lost = s.has_packets() ? s.cumulative_lost() : 0;
  out.jitter_ms = static_cast<double>(s.jitter_duration().count()) / 1000.0;
}

void FillSend(RtpLink& link, MediaStats& out) {
  rtp::SendStatistics& s = link.send_statistics();
  out.packets_sent = s.packets_sent();
  out.bytes_sent = s.octets_sent();
  if (auto rtt = s.rtt()) out.rtt_ms = static_cast<double>(rtt->count()) / 1000.0;
  out.srtp_failures = link.stats().srtp_failures.load(std::memory_order_relaxed);
}

}  // namespace

void Room::Mute(const std::string& participant_id, MediaKind kind, bool muted) {
  // The flags are atomics the ticks read; the lookup runs on the video strand, which holds
  // every participant.
  boost::asio::post(video_strand_, [this, id = participant_id, kind, muted] {
    for (auto& p : video_participants_) {
      if (p->id != id) continue;
      (kind == MediaKind::kAudio ? p->audio_muted : p->video_muted).store(muted, std::memory_order_relaxed);
      TLOG_INFO(kLog, "room {}: {} {} {}", config_.id, id, kind == MediaKind::kAudio ? "audio" : "video",
                muted ? "muted" : "unmuted");
    }
  });
}

void Room::Rename(std::string participant_id, std::string name) {
  boost::asio::post(video_strand_, [this, id = std::move(participant_id), name = std::move(name)] {
    for (auto& p : video_participants_)
      if (p->id == id) p->name = name;
    MarkSceneDirty();  // the tile's label
  });
}

void Room::SetLayout(mixer::LayoutSpec layout) {
  boost::asio::post(video_strand_, [this, layout = std::move(layout)]() mutable {
    layout_spec_ = std::move(layout);
    MarkSceneDirty();
  });
}

void Room::SetOutputLayout(std::string rung, std::optional<mixer::LayoutSpec> layout) {
  boost::asio::post(video_strand_, [this, rung = std::move(rung), layout = std::move(layout)]() mutable {
    const bool had = rung_layouts_.contains(rung);
    if (layout)
      rung_layouts_.insert_or_assign(rung, std::move(*layout));
    else
      rung_layouts_.erase(rung);
    // Between the room's view and one of its own the rung's outputs change; from one own
    // layout to another only the picture does.
    if (had != rung_layouts_.contains(rung)) MoveRungToItsView(rung);
    MarkSceneDirty();
  });
}

void Room::TakeSnapshot(std::function<void(Snapshot)> done) {
  auto snapshot = std::make_shared<Snapshot>();
  boost::asio::post(audio_strand_, [this, snapshot, done = std::move(done)]() mutable {
    // Audio strand: the audio half of every participant, by join order.
    for (auto& pp : audio_participants_) {
      Participant& p = *pp;
      ParticipantInfo& info = snapshot->participants.emplace_back();
      info.id = p.id;
      info.lobby = p.lobby.load(std::memory_order_relaxed);
      info.talking = std::find(talking_.begin(), talking_.begin() + static_cast<std::ptrdiff_t>(talking_count_),
                               p.number) != talking_.begin() + static_cast<std::ptrdiff_t>(talking_count_);
      MediaStats& a = info.audio;
      a.muted = p.audio_muted.load(std::memory_order_relaxed);
      if (p.synthetic) {
        a.present = a.receiving = true;
        a.codec = "synthetic";
      }
      if (!p.audio) continue;
      a.present = true;
      a.codec = std::string(codecs::CodecName(p.audio->format.codec));
      a.sending = p.audio->send;
      if (p.audio->input) {
        a.receiving = true;
        FillReceive(p.audio->input->stream(), a);
        a.frames_decoded = p.audio->input->stats().frames_decoded;
        a.decode_errors = p.audio->input->stats().decode_errors;
      }
      if (p.audio->link) FillSend(*p.audio->link, a);
    }
    boost::asio::post(video_strand_, [this, snapshot, done = std::move(done)] {
      // Video strand: names, pins, the floor, the video half, the outputs.
      std::vector<ParticipantInfo> merged;
      merged.reserve(video_participants_.size());
      for (auto& pp : video_participants_) {
        Participant& p = *pp;
        auto it = std::find_if(snapshot->participants.begin(), snapshot->participants.end(),
                               [&](const ParticipantInfo& i) { return i.id == p.id; });
        ParticipantInfo info = it != snapshot->participants.end() ? std::move(*it) : ParticipantInfo{};
        info.id = p.id;
        info.room = config_.id;
        info.display_name = p.name;
        info.protocol = p.protocol;
        info.remote = p.remote;
        info.pin = p.pin;
        info.active_speaker = p.number == active_speaker_;
        MediaStats& v = info.video;
        v.muted = p.video_muted.load(std::memory_order_relaxed);
        if (p.synthetic) {
          v.present = v.receiving = true;
          v.codec = "synthetic";
        }
        if (p.video) {
          VideoLeg& leg = *p.video;
          v.present = true;
          v.codec = std::string(codecs::CodecName(leg.format.codec));
          v.sending = leg.send;
          v.keyframe_requests_received = leg.keyframe_requests;
          v.nack_received = leg.nacks_received;
          v.packets_resent = leg.packets_resent;
          if (leg.output) v.output = leg.output->key();
          if (leg.input) {
            v.receiving = true;
            FillReceive(leg.input->stream(), v);
            const rtp::VideoReceiveStreamStats& rs = leg.input->stream().stats();
            v.nack_sent = rs.nack_packets_sent;
            v.pli_sent = rs.pli_sent;
            v.fir_sent = rs.fir_sent;
            v.frames_decoded = leg.input->stats().frames_decoded;
            v.decode_errors = leg.input->stats().decode_errors + leg.input->stats().depacketize_errors;
          }
          if (leg.link) FillSend(*leg.link, v);
        }
        merged.push_back(std::move(info));
      }
      Snapshot result;
      result.participants = std::move(merged);
      for (auto& [key, output] : outputs_) {
        OutputStats& o = result.outputs.emplace_back();
        o.key = key;
        o.codec = std::string(codecs::CodecName(output->choice().encoder.codec));
        o.width = output->width();
        o.height = output->height();
        o.fps = output->fps();
        o.bitrate_kbps = output->choice().encoder.bitrate_bps / 1000;
        o.subscribers = output->subscribers;
        o.frames_encoded = output->stats().frames;
        o.bytes_encoded = output->stats().bytes;
        o.keyframes = output->stats().keyframes;
        o.qp = output->stats().qp;
      }
      done(std::move(result));
    });
  });
}

void Room::NoteTalkers(const mixer::MixResult& mix) {
  // Audio strand, every tick: compares this tick's talkers with the last tick's in a fixed
  // array; only a difference reaches the sink (which allocates).
  std::array<uint32_t, 17> now{};
  size_t count = 0;
  // Who talks, not who is mixed: a small room mixes everyone, silent or not.
  for (const mixer::AudioSourceId source : mix.speaking)
    if (count < now.size()) now[count++] = source;
  auto contains = [](const std::array<uint32_t, 17>& set, size_t n, uint32_t x) {
    return std::find(set.begin(), set.begin() + static_cast<std::ptrdiff_t>(n), x) !=
           set.begin() + static_cast<std::ptrdiff_t>(n);
  };
  if (events_) {
    for (size_t i = 0; i < count; ++i)
      if (!contains(talking_, talking_count_, now[i])) Emit("talking.started", now[i]);
    for (size_t i = 0; i < talking_count_; ++i)
      if (!contains(now, count, talking_[i])) Emit("talking.stopped", talking_[i]);
    if (mix.active_speaker_changed) Emit("speaker.changed", mix.active_speaker);
  }
  talking_ = now;
  talking_count_ = count;
}

void Room::Emit(const char* type, uint32_t number, const char* field, std::string value) const {
  ControlEvent event;
  event.type = type;
  event.room = config_.id;
  for (const auto& p : audio_participants_)  // audio strand
    if (p->number == number) event.participant = p->id;
  if (field) event.fields.emplace_back(field, std::move(value));
  events_->Emit(event);
}

void Room::EmitTrouble(Trouble trouble, const std::string& participant, std::string message,
                       std::vector<std::pair<std::string, std::string>> fields) const {
  ControlEvent event{"error", config_.id, participant, {}};
  event.fields.emplace_back("code", TroubleCode(trouble));
  event.fields.emplace_back("message", std::move(message));
  for (auto& field : fields)
    event.fields.push_back(std::move(field));
  TLOG_WARN(kLog, "room {}: {}", config_.id, event.fields[1].second);
  events_->Emit(event);
}

void Room::LookForAudioTrouble(rtp::TimePoint now) {
  if (!events_) return;
  for (auto& pp : audio_participants_) {
    const Participant& p = *pp;
    if (!p.audio || !p.audio->link) continue;
    const uint64_t failures = p.audio->link->stats().srtp_failures.load(std::memory_order_relaxed);
    // A few late or replayed packets fail too; a wrong key fails them all.
    if (uint64_t grew = audio_trouble_.Look(p.number, Trouble::kSrtpAudio, failures, 10, now)) {
      EmitTrouble(Trouble::kSrtpAudio, p.id,
                  fmt::format("{} audio packets from {} failed SRTP authentication in the last second (wrong keys?)",
                              grew, p.name),
                  {{"stream", "audio"}, {"count", std::to_string(grew)}});
    }
    if (!p.audio->input) continue;
    // 5 of 50 frames a second, two seconds in a row: one damaged packet is concealed and
    // not worth an operator's attention; a stream that keeps failing is (a payload type
    // mapped to the wrong codec, a broken encoder).
    if (uint64_t grew =
            audio_trouble_.Look(p.number, Trouble::kAudioDecode, p.audio->input->stats().decode_errors, 5, now, 2)) {
      EmitTrouble(Trouble::kAudioDecode, p.id,
                  fmt::format("the audio of {} does not decode: {} errors in the last second", p.name, grew),
                  {{"stream", "audio"}, {"count", std::to_string(grew)}});
    }
  }
}

void Room::LookForVideoTrouble(rtp::TimePoint now) {
  if (!events_) return;
  for (auto& pp : video_participants_) {
    const Participant& p = *pp;
    if (!p.video) continue;
    if (p.video->link) {
      const uint64_t failures = p.video->link->stats().srtp_failures.load(std::memory_order_relaxed);
      if (uint64_t grew = video_trouble_.Look(p.number, Trouble::kSrtpVideo, failures, 10, now)) {
        EmitTrouble(Trouble::kSrtpVideo, p.id,
                    fmt::format("{} video packets from {} failed SRTP authentication in the last second (wrong keys?)",
                                grew, p.name),
                    {{"stream", "video"}, {"count", std::to_string(grew)}});
      }
    }
    if (p.video->input) {
      const VideoInputStats& s = p.video->input->stats();
      // Two seconds in a row: a video joined between keyframes fails until the next one.
      if (uint64_t grew =
              video_trouble_.Look(p.number, Trouble::kVideoDecode, s.decode_errors + s.depacketize_errors, 5, now, 2)) {
        EmitTrouble(Trouble::kVideoDecode, p.id,
                    fmt::format("the video of {} does not decode: {} errors in the last second", p.name, grew),
                    {{"stream", "video"}, {"count", std::to_string(grew)}});
      }
    }
  }
  for (auto& [key, output] : outputs_) {
    const VideoOutputStats& s = output->stats();
    if (uint64_t grew = video_trouble_.Look(OutputSubject(*output), Trouble::kVideoEncode,
                                            s.encode_errors + s.packetize_errors, 1, now)) {
      EmitTrouble(Trouble::kVideoEncode, {},
                  fmt::format("output {} failed to encode {} frame(s) in the last second", key, grew),
                  {{"output", key}, {"count", std::to_string(grew)}});
    }
  }
}

}  // namespace tessera::mcu::conference

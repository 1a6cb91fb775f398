// Room: construction, start/stop, and the commands that add and remove participants (on
// both strands) and attach their video subscriptions to outputs.
#include <boost/asio/post.hpp>

#include "tessera/base/log.h"
#include "tessera/mcu/conference/room.h"

namespace tessera::mcu::conference {

namespace {
constexpr log::Component kLog{"room", log::Tag::kMedia};
}

Room::Room(const RoomConfig& config, mixer::LayoutSpec layout, std::vector<RungConfig> rungs,
           boost::asio::io_context& media, PoolParallelFor& parallel_for, boost::asio::io_context& network,
           mixer::TextRenderer* text, const RoomOptions& options)
    : config_(config),
      rungs_(std::move(rungs)),
      options_(options),
      audio_strand_(boost::asio::make_strand(media)),
      video_strand_(boost::asio::make_strand(media)),
      network_(network),
      parallel_for_(parallel_for),
      text_(text),
      audio_timer_(audio_strand_),
      video_timer_(video_strand_),
      mixer_(mixer::AudioMixerConfig{}) {
  layout_spec_ = std::move(layout);
  audio_send_buffer_.resize(RtpLink::kSendBufferSize);
  video_send_buffer_.resize(RtpLink::kSendBufferSize);
  mix_inputs_.reserve(64);
}

Room::~Room() = default;

void Room::Start() {
  epoch_ = rtp::Clock::now();
  boost::asio::post(audio_strand_, [this] {
    next_audio_ = epoch_ + std::chrono::milliseconds(20);
    ScheduleAudio();
  });
  boost::asio::post(video_strand_, [this] {
    next_video_ = epoch_ + std::chrono::microseconds(1'000'000 / options_.video_fps);
    ScheduleVideo();
  });
}

void Room::Stop(std::function<void()> done) {
  // Audio first, then video (which closes every socket), then `done`.
  boost::asio::post(audio_strand_, [this, done = std::move(done)]() mutable {
    audio_stopped_ = true;
    audio_timer_.cancel();
    audio_participants_.clear();
    boost::asio::post(video_strand_, [this, done = std::move(done)] {
      video_stopped_ = true;
      video_timer_.cancel();
      for (auto& p : video_participants_)
        CloseLinks(*p);
      video_participants_.clear();
      counters_.participants.store(0);
      clocks_stopped_->store(true, std::memory_order_release);
      done();
    });
  });
}

void Room::Add(std::shared_ptr<Participant> participant) {
  participant->number = next_number_.fetch_add(1);
  boost::asio::post(audio_strand_, [this, participant] { AddAudio(participant); });
  boost::asio::post(video_strand_, [this, participant] { AddVideo(participant); });
}

void Room::Remove(std::string participant_id, std::function<void(bool)> done) {
  boost::asio::post(audio_strand_, [this, id = std::move(participant_id), done = std::move(done)] {
    RemoveAudio(id);
    boost::asio::post(video_strand_, [this, id, done] { RemoveVideo(id, done); });
  });
}

void Room::RequestKeyframe(std::string participant_id) {
  boost::asio::post(video_strand_, [this, id = std::move(participant_id)] {
    for (auto& p : video_participants_)
      if (p->id == id && p->video && p->video->output) p->video->output->keyframes().Request();
  });
}

void Room::Pin(std::string participant_id, int position) {
  boost::asio::post(video_strand_, [this, id = std::move(participant_id), position] {
    for (auto& p : video_participants_)
      if (p->id == id) p->pin = position;
    MarkSceneDirty();
  });
}

void Room::Admit(std::string participant_id) {
  boost::asio::post(audio_strand_, [this, id = std::move(participant_id)] {
    for (auto& pp : audio_participants_) {
      Participant& p = *pp;
      if (p.id != id || !p.lobby.load(std::memory_order_relaxed)) continue;
      p.lobby.store(false, std::memory_order_relaxed);
      if (p.has_audio_source() && !p.in_mixer) {
        p.mixer_source = mixer_.AddSource(p.number);
        p.in_mixer = p.mixer_source.index != mixer::AudioSourceHandle{}.index;
      }
      if (p.audio) p.audio->marker_next = true;
      // The video strand learns it after the audio strand let it in; posted from here so
      // that it cannot overtake an earlier Remove of the same participant.
      boost::asio::post(video_strand_, [this, pp] {
        Participant& v = *pp;
        if (std::find(video_participants_.begin(), video_participants_.end(), pp) == video_participants_.end()) return;
        if (v.video && v.video->send && !v.video->output) AttachVideo(v);
        MarkSceneDirty();
        TLOG_INFO(kLog, "room {}: {} admitted from the lobby", config_.id, v.id);
      });
    }
  });
}

void Room::ReplaceAudio(std::string participant_id, AudioLeg leg) {
  auto shared = std::make_shared<AudioLeg>(std::move(leg));  // asio handlers must be copyable
  boost::asio::post(audio_strand_, [this, id = std::move(participant_id), shared] {
    for (auto& pp : audio_participants_) {
      Participant& p = *pp;
      if (p.id != id || !p.audio) continue;
      AudioLeg& current = *p.audio;
      current.input = std::move(shared->input);
      current.send = shared->send;
      current.payload_type = shared->payload_type;
      current.format = shared->format;
      current.encoding_key = shared->encoding_key;
      current.own = std::move(shared->own);
      current.marker_next = true;
      const bool source = p.has_audio_source() && !p.lobby.load(std::memory_order_relaxed);
      if (source && !p.in_mixer) {
        p.mixer_source = mixer_.AddSource(p.number);
        p.in_mixer = p.mixer_source.index != mixer::AudioSourceHandle{}.index;
      } else if (!source && p.in_mixer) {
        mixer_.RemoveSource(p.mixer_source);
        p.in_mixer = false;
      }
      if (current.send && !listener_encodings_.contains(current.encoding_key)) {
        auto encoding = AudioEncoding::Create(current.format);
        if (encoding) listener_encodings_.emplace(current.encoding_key, std::move(*encoding));
      }
      TLOG_INFO(kLog, "room {}: {} audio now {} {}{}", config_.id, id, codecs::CodecName(current.format.codec),
                current.input ? "in" : "", current.send ? " out" : "");
    }
  });
}

void Room::ReplaceVideo(std::string participant_id, VideoLeg leg) {
  auto shared = std::make_shared<VideoLeg>(std::move(leg));
  boost::asio::post(video_strand_, [this, id = std::move(participant_id), shared] {
    for (auto& pp : video_participants_) {
      Participant& p = *pp;
      if (p.id != id || !p.video) continue;
      DetachVideo(p);
      VideoLeg& current = *p.video;
      current.input = std::move(shared->input);
      current.send = shared->send;
      current.payload_type = shared->payload_type;
      current.format = shared->format;
      current.choice = shared->choice;
      current.output_key = shared->output_key;
      if (current.send && !p.lobby.load(std::memory_order_relaxed)) AttachVideo(p);
      MarkSceneDirty();
      TLOG_INFO(kLog, "room {}: {} video now {} {}{}", config_.id, id, codecs::CodecName(current.format.codec),
                current.input ? "in" : "", current.send ? " out" : "");
    }
  });
}

void Room::AddAudio(const std::shared_ptr<Participant>& participant) {
  if (audio_stopped_) return;
  Participant& p = *participant;
  if (p.has_audio_source() && !p.lobby.load(std::memory_order_relaxed)) {
    p.mixer_source = mixer_.AddSource(p.number);
    p.in_mixer = p.mixer_source.index != mixer::AudioSourceHandle{}.index;
  }
  if (p.audio && p.audio->send && !listener_encodings_.contains(p.audio->encoding_key)) {
    auto encoding = AudioEncoding::Create(p.audio->format);
    if (encoding)
      listener_encodings_.emplace(p.audio->encoding_key, std::move(*encoding));
    else
      TLOG_WARN(kLog, "room {}: {}: no listener encoding: {}", config_.id, p.id, encoding.error());
  }
  audio_participants_.push_back(participant);
}

void Room::AddVideo(const std::shared_ptr<Participant>& participant) {
  Participant& p = *participant;
  if (video_stopped_) {
    CloseLinks(p);
    return;
  }
  const bool lobby = p.lobby.load(std::memory_order_relaxed);
  if (p.video && p.video->send && !lobby) AttachVideo(p);
  TLOG_INFO(kLog, "room {}: {} joined ({}, {}{}{}{})", config_.id, p.id, p.protocol, p.name, p.audio ? ", audio" : "",
            p.video ? ", video" : "", lobby ? ", in the lobby" : "");
  video_participants_.push_back(participant);
  counters_.participants.store(static_cast<int>(video_participants_.size()));
  MarkSceneDirty();
}

std::shared_ptr<Participant> Room::RemoveAudio(const std::string& id) {
  auto it = std::find_if(audio_participants_.begin(), audio_participants_.end(), [&](auto& p) { return p->id == id; });
  if (it == audio_participants_.end()) return nullptr;
  std::shared_ptr<Participant> p = *it;
  audio_participants_.erase(it);
  audio_trouble_.Forget(p->number);
  if (p->in_mixer) mixer_.RemoveSource(p->mixer_source);
  p->in_mixer = false;
  return p;
}

void Room::RemoveVideo(const std::string& id, const std::function<void(bool)>& done) {
  auto it = std::find_if(video_participants_.begin(), video_participants_.end(), [&](auto& p) { return p->id == id; });
  if (it == video_participants_.end()) {
    if (done) done(false);
    return;
  }
  std::shared_ptr<Participant> p = *it;
  video_participants_.erase(it);
  video_trouble_.Forget(p->number);
  DetachVideo(*p);
  CloseLinks(*p);  // the audio strand let go of it before this was posted
  counters_.participants.store(static_cast<int>(video_participants_.size()));
  MarkSceneDirty();
  TLOG_INFO(kLog, "room {}: {} left", config_.id, id);
  if (done) done(true);
}

void Room::OnActiveSpeaker(uint32_t number) {
  active_speaker_ = number;
  for (auto& p : video_participants_)
    if (p->number == number) p->last_spoke = video_tick_;
  MarkSceneDirty();
}

VideoOutput* Room::AcquireOutput(const OutputChoice& choice, const std::string& base_key, const std::string& for_whom,
                                 std::optional<std::string> asked_view) {
  // A rung (or a stream) with a layout of its own encodes another picture: never shared
  // with an output of equal settings that shows the room's.
  std::string view = asked_view ? std::move(*asked_view) : ViewOf(choice.rung);
  const std::string key = view.empty() ? base_key : base_key + "|layout@" + view;
  auto it = outputs_.find(key);
  if (it == outputs_.end()) {
    auto output = VideoOutput::Create(choice, key);
    if (!output) {
      TLOG_WARN(kLog, "room {}: {}: no video output: {}", config_.id, for_whom, output.error());
      return nullptr;
    }
    TLOG_INFO(kLog, "room {}: output {} ({}x{}@{} {} kbit/s{})", config_.id, key, choice.encoder.width,
              choice.encoder.height, choice.encoder.fps, choice.encoder.bitrate_bps / 1000,
              choice.rung.empty() ? "" : ", rung " + choice.rung);
    (*output)->view = std::move(view);
    it = outputs_.emplace(key, std::move(*output)).first;
    counters_.outputs.store(static_cast<int>(outputs_.size()));
  }
  VideoOutput* output = it->second.get();
  ++output->subscribers;
  output->keyframes().Request();  // a new subscriber gets a keyframe
  MarkSceneDirty();
  return output;
}

void Room::ReleaseOutput(VideoOutput* output) {
  if (--output->subscribers == 0) {
    video_trouble_.Forget(OutputSubject(*output));
    outputs_.erase(output->key());
    counters_.outputs.store(static_cast<int>(outputs_.size()));
    MarkSceneDirty();
  }
}

void Room::MoveRungToItsView(const std::string& rung) {
  for (auto& pp : video_participants_) {
    Participant& p = *pp;
    if (!p.video || !p.video->output || p.video->output->choice().rung != rung) continue;
    DetachVideo(p);
    AttachVideo(p);  // waits for the new output's keyframe; sequence numbers continue
  }
  for (auto it = video_taps_.begin(); it != video_taps_.end();) {
    VideoOutput* before = it->output;
    // A stream with a layout of its own keeps it whatever its rung shows.
    if (before->choice().rung != rung || it->tap->layout()) {
      ++it;
      continue;
    }
    const OutputChoice choice = before->choice();  // the old output may go with its last subscriber
    it->output = AcquireOutput(choice, OutputKey(choice), "stream");
    ReleaseOutput(before);
    if (it->output) {
      ++it;
      continue;
    }
    TLOG_WARN(kLog, "room {}: a stream lost its video output (rung {})", config_.id, rung);
    it = video_taps_.erase(it);
  }
}

void Room::AttachVideo(Participant& p) {
  VideoLeg& leg = *p.video;
  if (!leg.choice) return;
  leg.output = AcquireOutput(*leg.choice, leg.output_key, p.id);
  leg.waiting_keyframe = leg.output != nullptr;
  if (leg.output && leg.sent) leg.output->history().Enable();
}

void Room::DetachVideo(Participant& p) {
  if (!p.video || !p.video->output) return;
  VideoOutput* output = p.video->output;
  p.video->output = nullptr;
  ReleaseOutput(output);
}

namespace {
// The view of a stream tap with a layout of its own (Room::stream_layouts_).
std::string StreamView(const stream::VideoTap& tap) {
  return "stream:" + tap.key();
}
}  // namespace

void Room::AttachVideoTap(std::shared_ptr<stream::VideoTap> tap) {
  boost::asio::post(video_strand_, [this, tap = std::move(tap)] {
    if (video_stopped_) return;
    const std::optional<OutputChoice> choice = ChooseStreamOutput(rungs_, tap->height());
    if (!choice) {
      TLOG_WARN(kLog, "room {}: no H.264 rung to stream at {}p", config_.id, tap->height());
      return;
    }
    std::optional<std::string> view;
    if (const mixer::LayoutSpec* layout = tap->layout()) {
      view = StreamView(*tap);
      stream_layouts_[*view] = layout;  // the tap owns the spec and outlives this entry
    }
    if (VideoOutput* output = AcquireOutput(*choice, OutputKey(*choice), "stream", view))
      video_taps_.push_back(AttachedTap{tap, output});
    else if (view)
      stream_layouts_.erase(*view);
  });
}

void Room::DetachVideoTap(std::shared_ptr<stream::VideoTap> tap) {
  boost::asio::post(video_strand_, [this, tap = std::move(tap)] {
    for (auto it = video_taps_.begin(); it != video_taps_.end(); ++it) {
      if (it->tap != tap) continue;
      ReleaseOutput(it->output);
      if (tap->layout()) stream_layouts_.erase(StreamView(*tap));
      video_taps_.erase(it);
      return;
    }
  });
}

void Room::AttachAudioTap(std::shared_ptr<stream::AudioTap> tap) {
  boost::asio::post(audio_strand_, [this, tap = std::move(tap)] { audio_tap_ = tap; });
}

void Room::DetachAudioTap() {
  boost::asio::post(audio_strand_, [this] { audio_tap_.reset(); });
}

void Room::CloseLinks(Participant& p) {
  // Sockets are closed and destroyed on the network thread; the links live until then
  // (moved out, so that the last reference is released there too).
  std::vector<std::shared_ptr<RtpLink>> links;
  if (p.audio && p.audio->link) links.push_back(std::move(p.audio->link));
  if (p.video && p.video->link) links.push_back(std::move(p.video->link));
  if (links.empty()) return;
  boost::asio::post(network_, [links = std::move(links)] {
    for (auto& link : links)
      link->Close();
  });
}

}  // namespace tessera::mcu::conference

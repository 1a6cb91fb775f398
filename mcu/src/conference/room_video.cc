// Room: the video clock — decode what is visible, compose once, encode once per output,
// fan the same payloads out to every subscriber.
#include <libyuv/scale.h>

#include <algorithm>

#include "tessera/base/log.h"
#include "tessera/mcu/conference/room.h"
#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::conference {

namespace {

constexpr log::Component kLog{"room.video", log::Tag::kMedia};
constexpr int kSyntheticWidth = 640;
constexpr int kSyntheticHeight = 360;

}  // namespace

uint32_t Room::VideoClock(rtp::TimePoint now) const {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - epoch_).count();
  return static_cast<uint32_t>(us * 9 / 100);  // 90 kHz
}

void Room::ScheduleVideo() {
  if (video_stopped_) return;
  video_timer_.expires_at(next_video_);
  video_timer_.async_wait([this, stopped = clocks_stopped_](const boost::system::error_code& ec) {
    if (ec || stopped->load(std::memory_order_acquire) || video_stopped_) return;
    const auto started = rtp::Clock::now();
    VideoTick();
    const auto period = std::chrono::microseconds(1'000'000 / options_.video_fps);
    const auto now = rtp::Clock::now();
    const int64_t took = std::chrono::duration_cast<std::chrono::microseconds>(now - started).count();
    counters_.video_tick_us.Record(took);
    if (took > counters_.video_tick_us_max.load(std::memory_order_relaxed))
      counters_.video_tick_us_max.store(took, std::memory_order_relaxed);
    next_video_ += period;
    if (now > next_video_) {
      counters_.late_video_ticks.fetch_add(1, std::memory_order_relaxed);
      while (next_video_ < now)
        next_video_ += period;
    }
    ScheduleVideo();
  });
}

void Room::RebuildScene() {
  scene_dirty_ = false;
  // Each view's canvas is as large as the largest output showing it.
  std::map<std::string, mixer::Size> view_sizes;
  for (auto& [key, output] : outputs_) {
    mixer::Size& size = view_sizes[output->view];
    if (output->width() * output->height() > size.width * size.height) size = {output->width(), output->height()};
  }

  video_sources_.clear();
  for (auto& p : video_participants_)
    if (p->has_video_source() && !p->lobby.load(std::memory_order_relaxed)) video_sources_.push_back(p.get());

  // Speaker order: pinned pictures at their positions (an operator's pin overrides the
  // floor), then the latest to take the floor first.
  std::vector<Participant*> by_floor;
  for (Participant* p : video_sources_)
    if (p->pin == 0 && p->last_spoke >= 0) by_floor.push_back(p);
  std::stable_sort(by_floor.begin(), by_floor.end(),
                   [](const Participant* a, const Participant* b) { return a->last_spoke > b->last_spoke; });
  std::vector<Participant*> ranked;
  for (Participant* p : video_sources_)
    if (p->pin > 0) {
      const size_t at = static_cast<size_t>(p->pin - 1);
      if (ranked.size() <= at) ranked.resize(at + 1, nullptr);
      if (!ranked[at]) ranked[at] = p;
    }
  size_t next = 0;
  for (Participant*& slot : ranked)
    if (!slot && next < by_floor.size()) slot = by_floor[next++];
  while (next < by_floor.size())
    ranked.push_back(by_floor[next++]);
  std::vector<mixer::LayoutSource> sources(video_sources_.size());
  for (size_t rank = 0; rank < ranked.size(); ++rank) {
    if (!ranked[rank]) continue;
    const auto index = std::find(video_sources_.begin(), video_sources_.end(), ranked[rank]) - video_sources_.begin();
    sources[static_cast<size_t>(index)].speaker_rank = static_cast<int>(rank);
    sources[static_cast<size_t>(index)].pin = ranked[rank]->pin;
  }
  visible_.assign(video_sources_.size(), false);
  pictures_.assign(video_sources_.size(), I420View{});
  // Views no output shows any more let go of their canvas; with none, nobody receives
  // video: nothing is visible, nothing is decoded.
  std::erase_if(views_, [&](const auto& view) { return !view_sizes.contains(view.first); });
  if (view_sizes.empty()) return;

  std::vector<mixer::SceneSource> scene(video_sources_.size());
  int speaker_index = -1;
  for (size_t i = 0; i < video_sources_.size(); ++i) {
    scene[i].name = video_sources_[i]->name;
    scene[i].active_speaker = video_sources_[i]->number == active_speaker_;
    if (scene[i].active_speaker) speaker_index = static_cast<int>(i);
  }
  for (const auto& [name, size] : view_sizes) {
    View& view = views_[name];
    if (!view.compositor || !(view.size == size)) {
      mixer::Compositor::Options options;
      options.canvas = size;
      options.text = text_;
      view.compositor = std::make_unique<mixer::Compositor>(options);
      view.canvas.Allocate(size.width, size.height);
      view.size = size;
      view.scaled.clear();
      view.composed = false;
    }
    const mixer::LayoutSpec& chosen = SpecOfView(name);
    const mixer::LayoutSpec spec = chosen.family == mixer::LayoutFamily::kAuto ? mixer::AutoLayoutFor(sources) : chosen;
    const mixer::Layout layout = mixer::ComputeLayout(spec, size, sources);
    view.compositor->SetScene(layout, scene, parallel_for_.max_workers());
    view.compositor->SetActiveSpeaker(speaker_index);
    for (const mixer::Tile& tile : layout.tiles)
      if (tile.source >= 0 && static_cast<size_t>(tile.source) < visible_.size())
        visible_[static_cast<size_t>(tile.source)] = true;
    TLOG_DEBUG(kLog, "room {}: scene {} sources, view \"{}\" layout {}, canvas {}x{}", config_.id,
               video_sources_.size(), name, spec.name, size.width, size.height);
  }
}

std::string Room::ViewOf(const std::string& rung) const {
  return !rung.empty() && rung_layouts_.contains(rung) ? rung : std::string();
}

const mixer::LayoutSpec& Room::SpecOfView(const std::string& view) const {
  if (!view.empty()) {
    if (auto it = rung_layouts_.find(view); it != rung_layouts_.end()) return it->second;
    if (auto it = stream_layouts_.find(view); it != stream_layouts_.end()) return *it->second;
  }
  return *layout_spec_;
}

void Room::VideoTick() {
  const rtp::TimePoint now = rtp::Clock::now();
  ++video_tick_;
  counters_.video_ticks.fetch_add(1, std::memory_order_relaxed);
  std::optional<StageCpu> stage_cpu;  // receive and decode, then each stage in turn
  stage_cpu.emplace(counters_.stage_cpu_ns, Stage::kDecode);
  DrainPackets(true, now);
  if (video_tick_ % options_.video_fps == 0) {
    AdaptRungs(now);
    LookForVideoTrouble(now);
  }
  if (scene_dirty_) RebuildScene();

  // Decode (or drop, when hidden) every source's complete frames, in parallel.
  const int sources = static_cast<int>(video_sources_.size());
  TimedParallelFor decode_for(parallel_for_, counters_.stage_cpu_ns, Stage::kDecode);
  decode_for.Run(sources, [&](int i, int) {
    Participant& p = *video_sources_[static_cast<size_t>(i)];
    const bool visible = visible_[static_cast<size_t>(i)];
    if (p.synthetic) {
      if (!visible) return;
      if (p.synthetic_picture.width() == 0) p.synthetic_picture.Allocate(kSyntheticWidth, kSyntheticHeight);
      p.synthetic->DrawFrame(std::chrono::duration_cast<std::chrono::milliseconds>(now - epoch_).count(),
                             p.synthetic_picture.view());
      return;
    }
    p.video->input->Process(now, visible);
  });
  uint64_t decoded = 0;
  for (int i = 0; i < sources; ++i) {
    Participant& p = *video_sources_[static_cast<size_t>(i)];
    if (p.synthetic) {
      pictures_[static_cast<size_t>(i)] =
          visible_[static_cast<size_t>(i)] ? p.synthetic_picture.const_view() : I420View{};
    } else {
      pictures_[static_cast<size_t>(i)] = p.video->input->Picture(now, options_.stall_hold);
      decoded += p.video->input->stats().frames_decoded;
    }
    if (p.video_muted.load(std::memory_order_relaxed)) pictures_[static_cast<size_t>(i)] = I420View{};  // placeholder
  }
  counters_.frames_decoded.store(decoded, std::memory_order_relaxed);
  SendReports(true, now);  // NACK and PLI/FIR from the decode step go out at once
  if (views_.empty()) return;

  // Outputs due on this tick (a 15 fps output takes every other tick of a 30 fps clock).
  due_outputs_.clear();
  due_views_.clear();
  for (auto& [name, view] : views_)
    view.due = false;
  for (auto& [key, output] : outputs_) {
    const int every = std::max(1, options_.video_fps / std::max(1, output->fps()));
    if (video_tick_ % every != 0) continue;
    auto view = views_.find(output->view);
    if (view == views_.end()) continue;  // made since the scene was built: shown from the next tick
    view->second.due = true;
    due_outputs_.push_back(output.get());
    due_views_.push_back(&view->second);
  }
  if (due_outputs_.empty()) return;
  const int64_t tick_us = std::chrono::duration_cast<std::chrono::microseconds>(next_video_ - epoch_).count();
  for (const AttachedTap& t : video_taps_) {
    // A stream needs a keyframe to start from, and one every 2 s for its segments and
    // for players that join an ingest mid-way. Counted on the media clock the stream's
    // times come from, so that no gap is a hair under 2 s (an HLS segment would then
    // double).
    if (t.tap->keyframe_wanted() || tick_us - t.last_keyframe_us >= 2'000'000) t.output->keyframes().Request();
  }

  stage_cpu.emplace(counters_.stage_cpu_ns, Stage::kCompose);
  TimedParallelFor compose_for(parallel_for_, counters_.stage_cpu_ns, Stage::kCompose);
  for (auto& [name, view] : views_) {
    if (!view.due) continue;
    view.compositor->Compose(pictures_, view.canvas.view(), compose_for);
    view.composed = true;
    counters_.frames_composed.fetch_add(1, std::memory_order_relaxed);
  }
  for (size_t i = 0; i < due_outputs_.size(); ++i) {  // scale buffers are made on the strand
    const VideoOutput& output = *due_outputs_[i];
    View& view = *due_views_[i];
    if (output.width() == view.size.width && output.height() == view.size.height) continue;
    I420Buffer& scaled = view.scaled[{output.width(), output.height()}];
    if (scaled.width() != output.width()) scaled.Allocate(output.width(), output.height());
  }
  const uint32_t timestamp = VideoClock(now);
  stage_cpu.emplace(counters_.stage_cpu_ns, Stage::kEncode);
  TimedParallelFor encode_for(parallel_for_, counters_.stage_cpu_ns, Stage::kEncode);
  encode_for.Run(static_cast<int>(due_outputs_.size()), [&](int i, int) {
    VideoOutput& output = *due_outputs_[static_cast<size_t>(i)];
    View& view = *due_views_[static_cast<size_t>(i)];
    const I420View canvas = view.canvas.const_view();
    I420View picture = canvas;
    if (output.width() != canvas.width || output.height() != canvas.height) {
      // Several outputs of one size scale the canvas once each; they are rare.
      I420Buffer& scaled = view.scaled.find({output.width(), output.height()})->second;
      I420MutableView dst = scaled.view();
      libyuv::I420Scale(canvas.y, canvas.stride_y, canvas.u, canvas.stride_u, canvas.v, canvas.stride_v, canvas.width,
                        canvas.height, dst.y, dst.stride_y, dst.u, dst.stride_u, dst.v, dst.stride_v, dst.width,
                        dst.height, libyuv::kFilterBox);
      picture = scaled.const_view();
    }
    output.Encode(picture, timestamp, now);
  });
  stage_cpu.emplace(counters_.stage_cpu_ns, Stage::kSend);
  for (VideoOutput* output : due_outputs_) {
    if (output->has_frame()) {
      counters_.frames_encoded.fetch_add(1, std::memory_order_relaxed);
      FanOut(*output, now);
    }
  }
  FeedVideoTaps(now);
  uint64_t forced = 0;
  for (auto& [key, output] : outputs_)
    forced += output->keyframes().forced();
  counters_.keyframes_forced.store(forced, std::memory_order_relaxed);
  RecordLatency(rtp::Clock::now());
}

void Room::FeedVideoTaps(rtp::TimePoint now) {
  (void)now;
  const auto time = std::chrono::duration_cast<std::chrono::microseconds>(next_video_ - epoch_).count();
  for (AttachedTap& t : video_taps_) {
    VideoOutput& output = *t.output;
    if (!output.has_frame()) continue;
    if (std::find(due_outputs_.begin(), due_outputs_.end(), &output) == due_outputs_.end()) continue;
    if (output.frame_is_keyframe()) t.last_keyframe_us = time;
    t.tap->Push(output.frame_data(), output.frame_is_keyframe(), time, output.width(), output.height(), output.fps());
  }
}

void Room::AdaptRungs(rtp::TimePoint now) {
  int64_t ceiling = 0;
  for (const RungConfig& r : rungs_)
    ceiling = std::max<int64_t>(ceiling, int64_t{r.bitrate_kbps} * 1000);
  for (auto& pp : video_participants_) {
    Participant& p = *pp;
    if (!p.video || !p.video->send || !p.video->choice) continue;
    VideoLeg& leg = *p.video;
    leg.bandwidth.Tick(now, ceiling);
    auto choice = ChooseOutput(rungs_, leg.format, leg.bandwidth.budget_bps());
    if (!choice) continue;
    std::string key = OutputKey(*choice);
    if (key == leg.output_key) continue;
    TLOG_INFO(kLog, "room {}: {} moves to {}x{} at {} kbit/s (bandwidth {} kbit/s)", config_.id, p.id,
              choice->encoder.width, choice->encoder.height, choice->encoder.bitrate_bps / 1000,
              leg.bandwidth.budget_bps() / 1000);
    DetachVideo(p);
    leg.choice = std::move(choice);
    leg.output_key = std::move(key);
    ++leg.rung_changes;
    AttachVideo(p);  // sequence numbers and timestamps continue: they are the link's and the room clock's
  }
}

void Room::RecordLatency(rtp::TimePoint sent) {
  for (size_t i = 0; i < video_sources_.size(); ++i) {
    Participant& p = *video_sources_[i];
    if (!visible_[i] || !p.video || !p.video->input) continue;
    if (auto arrival = p.video->input->TakeFreshArrival()) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(sent - *arrival).count();
      const size_t bucket = static_cast<size_t>(std::clamp<int64_t>(ms, 0, RoomCounters::kLatencyBuckets - 1));
      counters_.latency_ms[bucket].fetch_add(1, std::memory_order_relaxed);
    }
  }
}

double RoomCounters::LatencyPercentile(double fraction) const {
  uint64_t total = 0;
  for (const auto& b : latency_ms)
    total += b.load(std::memory_order_relaxed);
  if (total == 0) return -1;
  const double target = fraction * static_cast<double>(total);
  uint64_t seen = 0;
  for (int i = 0; i < kLatencyBuckets; ++i) {
    seen += latency_ms[static_cast<size_t>(i)].load(std::memory_order_relaxed);
    if (static_cast<double>(seen) >= target) return i + 1;  // upper edge of the bucket
  }
  return kLatencyBuckets;
}

void Room::FanOut(VideoOutput& output, rtp::TimePoint now) {
  const codecs::payload::PayloadArena& payloads = output.payloads();
  const int64_t first_packet = output.history().Store(payloads, now);
  uint64_t sent = 0;
  for (auto& pp : video_participants_) {
    Participant& p = *pp;
    if (!p.video || p.video->output != &output || !p.video->link) continue;
    VideoLeg& leg = *p.video;
    if (leg.waiting_keyframe) {
      if (!output.frame_is_keyframe()) continue;
      leg.waiting_keyframe = false;
    }
    const uint32_t timestamp = output.frame_timestamp() + leg.timestamp_offset;
    for (size_t i = 0; i < payloads.size(); ++i) {
      const std::span<const uint8_t> payload = payloads.payload(i);
      rtp::RtpHeader header;
      header.payload_type = static_cast<uint8_t>(leg.payload_type);
      header.marker = payloads.marker(i);
      header.sequence_number = leg.link->NextSequence();
      header.timestamp = timestamp;
      if (leg.sent)
        leg.sent->Record(header.sequence_number, output.serial(), first_packet + static_cast<int64_t>(i), timestamp);
      header.ssrc = leg.link->local_ssrc();
      const size_t header_size = rtp::WriteRtpHeader(header, video_send_buffer_);
      std::memcpy(video_send_buffer_.data() + header_size, payload.data(), payload.size());
      if (leg.link->SendRtp(video_send_buffer_, header_size + payload.size())) {
        leg.link->send_statistics().OnPacketSent(timestamp, now, payload.size());
        ++sent;
      }
    }
  }
  counters_.rtp_packets_sent.fetch_add(sent, std::memory_order_relaxed);
}

}  // namespace tessera::mcu::conference

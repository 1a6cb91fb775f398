#include "tessera/mcu/stream/stream_hub.h"

#include <algorithm>
#include <chrono>

#include "tessera/codecs/ffmpeg_log.h"

namespace tessera::mcu::stream {

Result<std::unique_ptr<StreamHub>, std::string> StreamHub::Create(std::string room_id) {
  codecs::ffmpeg::InstallFfmpegLogBridge();  // libavformat and the AAC encoder log there too
  auto aac = AacEncoder::Create();
  if (!aac) return MakeUnexpected(aac.error());
  std::unique_ptr<StreamHub> hub(new StreamHub(std::move(room_id), std::move(*aac)));
  hub->thread_ = std::thread([h = hub.get()] { h->Run(); });
  return hub;
}

StreamHub::StreamHub(std::string room_id, std::unique_ptr<AacEncoder> aac)
    : room_id_(std::move(room_id)), aac_(std::move(aac)) {}

StreamHub::~StreamHub() { Stop(); }

void StreamHub::Stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

std::string StreamHub::TapKey(const StreamRequest& request, const std::string& stream_id) {
  std::string key = std::to_string(request.height);
  if (request.layout.custom) return key + "|custom@" + stream_id;
  if (request.layout.name) return key + "|" + *request.layout.name;
  return key;
}

std::pair<std::shared_ptr<VideoTap>, bool> StreamHub::VideoTapFor(const std::string& key, int height,
                                                                  std::shared_ptr<const mixer::LayoutSpec> layout) {
  std::lock_guard lock(mutex_);
  auto& tap = video_taps_[key];
  if (tap) return {tap, false};
  tap = std::make_shared<VideoTap>(height, key, std::move(layout));
  return {tap, true};
}

std::vector<std::shared_ptr<VideoTap>> StreamHub::TakeUnusedVideoTaps() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<VideoTap>> unused;
  for (auto it = video_taps_.begin(); it != video_taps_.end();) {
    const bool used =
        std::any_of(sinks_.begin(), sinks_.end(), [&](const auto& s) { return s->tap_key() == it->first; });
    if (used) {
      ++it;
    } else {
      unused.push_back(it->second);
      it = video_taps_.erase(it);
    }
  }
  return unused;
}

void StreamHub::AddSink(std::shared_ptr<StreamSink> sink) {
  std::lock_guard lock(mutex_);
  sinks_.push_back(std::move(sink));
}

bool StreamHub::RemoveSink(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(sinks_.begin(), sinks_.end(), [&](const auto& s) { return s->info().id == id; });
  if (it == sinks_.end()) return false;
  sinks_.erase(it);
  return true;
}

std::vector<std::shared_ptr<StreamSink>> StreamHub::sinks() const {
  std::lock_guard lock(mutex_);
  return sinks_;
}

bool StreamHub::empty() const {
  std::lock_guard lock(mutex_);
  return sinks_.empty();
}

void StreamHub::Run() {
  auto next = std::chrono::steady_clock::now();
  while (!stopping_.load()) {
    Pump();
    next += std::chrono::milliseconds(10);
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    std::this_thread::sleep_until(next);
  }
}

void StreamHub::Pump() {
  // The sink list is copied under the lock (a handful of pointers every 10 ms); sinks are
  // fed outside it.
  std::vector<std::shared_ptr<StreamSink>> sinks;
  std::vector<std::shared_ptr<VideoTap>> taps;
  {
    std::lock_guard lock(mutex_);
    sinks = sinks_;
    for (auto& [key, tap] : video_taps_)
      taps.push_back(tap);
  }
  while (AudioTapFrame* frame = audio_tap_->Front()) {
    aac_->Encode(frame->samples, frame->time_us, [&](const AacPacket& p) {
      MuxPacket packet;
      packet.data = std::make_shared<const std::vector<uint8_t>>(p.data.begin(), p.data.end());
      packet.time_us = p.time_us;
      packet.duration_us = p.duration_us;
      for (auto& sink : sinks) sink->Enqueue(packet);
    });
    audio_tap_->Pop();
  }
  for (auto& tap : taps) {
    while (VideoTapFrame* frame = tap->Front()) {
      MuxPacket packet;
      packet.video = true;
      packet.keyframe = frame->keyframe;
      packet.data = std::make_shared<const std::vector<uint8_t>>(frame->data);
      packet.time_us = frame->time_us;
      packet.width = frame->width;
      packet.height = frame->height;
      packet.fps = frame->fps;
      packet.duration_us = 1'000'000 / std::max(1, frame->fps);
      for (auto& sink : sinks)
        if (sink->tap_key() == tap->key()) sink->Enqueue(packet);
      tap->Pop();
    }
    for (auto& sink : sinks)
      if (sink->tap_key() == tap->key() && sink->wants_keyframe()) tap->RequestKeyframe();
  }
}

}  // namespace tessera::mcu::stream

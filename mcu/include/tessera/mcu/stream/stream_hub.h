#pragma once
// StreamHub: the streaming side of one room. It owns the room's taps (one AudioTap, one
// VideoTap per picture height streamed), encodes the mix to AAC once for all the room's
// streams, and hands every frame to each sink that wants it (design.md §2: "streaming/
// recording taps the same encoded frames").
//
// Its thread wakes every 10 ms, drains the taps and feeds the sinks; it never blocks on
// a sink (their queues are bounded) and the room never waits for it (the taps are
// lock-free rings that drop when full).
//
// Thread safety: AddSink, RemoveSink, sinks and Stop on control threads (under the hub's
// mutex, which the media strands never take); the rest on the hub's thread.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/mcu/stream/aac_encoder.h"
#include "tessera/mcu/stream/media_tap.h"
#include "tessera/mcu/stream/stream_sink.h"

namespace tessera::mcu::stream {

class StreamHub {
 public:
  static Result<std::unique_ptr<StreamHub>, std::string> Create(std::string room_id);
  ~StreamHub();
  StreamHub(const StreamHub&) = delete;
  StreamHub& operator=(const StreamHub&) = delete;

  const std::shared_ptr<AudioTap>& audio_tap() const { return audio_tap_; }
  // Which tap a stream reads: one per height for the room's outputs, one per height and
  // layout name for streams with a layout of their own, and one per stream with custom
  // tiles (`stream_id`).
  static std::string TapKey(const StreamRequest& request, const std::string& stream_id);
  // The tap for `key`, and whether it was made now (the room must then be told).
  std::pair<std::shared_ptr<VideoTap>, bool> VideoTapFor(const std::string& key, int height,
                                                         std::shared_ptr<const mixer::LayoutSpec> layout);
  // Taps no sink uses any more (the room must let go of them); removed from the hub.
  std::vector<std::shared_ptr<VideoTap>> TakeUnusedVideoTaps();

  const std::vector<uint8_t>& audio_extradata() const { return aac_->extradata(); }
  int audio_bitrate_bps() const { return aac_->bitrate_bps(); }

  void AddSink(std::shared_ptr<StreamSink> sink);
  // Forgets the sink (the caller stops it); true if it was there.
  bool RemoveSink(const std::string& id);
  std::vector<std::shared_ptr<StreamSink>> sinks() const;
  bool empty() const;

  // Stops the thread (not the sinks).
  void Stop();

 private:
  explicit StreamHub(std::string room_id, std::unique_ptr<AacEncoder> aac);
  void Run();
  void Pump();

  const std::string room_id_;
  std::unique_ptr<AacEncoder> aac_;  // hub thread
  std::shared_ptr<AudioTap> audio_tap_ = std::make_shared<AudioTap>();

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<VideoTap>> video_taps_;  // by TapKey
  std::vector<std::shared_ptr<StreamSink>> sinks_;

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace tessera::mcu::stream

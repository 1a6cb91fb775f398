#pragma once
// StreamSink: one broadcast or recording — a libavformat muxer fed with the room's
// already-encoded H.264 and the hub's AAC, writing to an RTMP/RTMPS/SRT ingest, an HLS
// folder or a fragmented MP4 file.
//
// It runs its own thread, because writing to an ingest blocks when the network does; the
// hub hands it packets through a bounded queue and never waits. A full queue (the ingest
// is slower than the stream) drops what is queued and restarts at the next keyframe.
//
// Life of a sink: kStarting (waiting for a keyframe, opening) → kLive → on a write or open
// error an ingest goes kRetrying (backoff 1, 2, 4 … 30 s, then opens again), a file or HLS
// folder goes kFailed (a full disk is not retried) → kStopped when stopped. Every change is
// reported through the callback, on the sink's thread.
//
// MP4 recordings are fragmented at every keyframe (empty moov + moof per fragment), so a
// file cut short by a crash plays up to its last complete fragment.
//
// Thread safety: Enqueue on the hub thread; Start, Stop and info on control threads; the
// rest on the sink's own thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tessera/mcu/streams.h"

struct AVFormatContext;

namespace tessera::mcu::stream {

// One encoded frame, shared by every sink of a hub.
struct MuxPacket {
  std::shared_ptr<const std::vector<uint8_t>> data;
  bool video = false;
  bool keyframe = false;  // video only
  int64_t time_us = 0;    // the room's media clock
  int64_t duration_us = 0;
  int width = 0;  // video: the picture size
  int height = 0;
  int fps = 30;
};

struct SinkOptions {
  std::string url;                // ingest URL, HLS playlist path, or MP4 file path
  std::string tap_key;            // the video tap it reads (StreamHub::TapKey)
  std::vector<uint8_t> audio_extradata;  // AAC AudioSpecificConfig
  int audio_bitrate_bps = 128000;
  size_t queue_packets = 600;  // about 8 s of 30 fps video and AAC
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds network_timeout{5000};  // an ingest that stops reading fails after this
  int hls_segment_s = 2;
  int hls_list_size = 6;
};

class StreamSink {
 public:
  using StateCallback = std::function<void(const StreamInfo&)>;

  StreamSink(StreamInfo info, SinkOptions options, StateCallback on_state);
  ~StreamSink();
  StreamSink(const StreamSink&) = delete;
  StreamSink& operator=(const StreamSink&) = delete;

  void Start();
  // Ends the stream (writes the trailer of a file) and joins the thread. Idempotent.
  void Stop();

  // Hub thread.
  void Enqueue(const MuxPacket& packet);
  // True while the sink waits for a keyframe to start (or restart) from.
  bool wants_keyframe() const { return wants_keyframe_.load(std::memory_order_relaxed); }
  int height() const { return info_height_; }
  const std::string& tap_key() const { return options_.tap_key; }

  StreamInfo info() const;
  bool ended() const;  // stopped or failed

 private:
  enum class Outcome { kStopped, kRetry, kFail };
  void Run();
  Outcome Attempt();
  // Waits for the next packet (or stop); false when stopping.
  bool Pop(MuxPacket& packet);
  void SetState(StreamInfo::State state, std::string error = {});
  static int Interrupt(void* self);

  SinkOptions options_;
  StateCallback on_state_;
  const int info_height_;
  const StreamRequest::Kind kind_;

  mutable std::mutex mutex_;  // guards everything below up to the thread
  std::condition_variable wake_;
  StreamInfo info_;
  std::deque<MuxPacket> queue_;
  bool stopping_ = false;
  bool waiting_keyframe_ = true;  // Enqueue drops everything until a video keyframe
  uint64_t dropped_ = 0;

  std::atomic<bool> abort_{false};  // interrupts blocking libavformat calls
  std::atomic<bool> wants_keyframe_{true};
  std::atomic<bool> finished_{false};  // the thread has ended: nothing more is queued
  std::thread thread_;
};

// The libavformat muxer name for a kind: "flv", "mpegts", "hls", "mp4".
const char* MuxerFor(StreamRequest::Kind kind);

}  // namespace tessera::mcu::stream

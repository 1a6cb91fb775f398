#pragma once
// Broadcasts and recordings of a room's mix, and the events the core reports: the types
// ConferenceControl uses for them (control.h).
//
// A stream taps a room output that the core already encodes (H.264, the picture of the
// rung of that height), so the video is not encoded again for it; a stream with a layout
// of its own gets an output composed and encoded for it (shared by the streams of the same
// height and layout name); the mix is encoded once to AAC. RTMP, RTMPS and SRT push to an
// ingest and retry with backoff when it fails; HLS writes short segments and a playlist
// under the HLS folder; a recording writes fragmented MP4 under the recordings folder
// (playable up to the last fragment after a crash).

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tessera/mcu/layouts.h"

namespace tessera::mcu {

struct StreamRequest {
  enum class Kind : uint8_t {
    kRtmp,       // target: rtmp:// or rtmps:// URL (FLV)
    kSrt,        // target: srt:// URL (MPEG-TS)
    kHls,        // target: a name; segments in <hls folder>/<room>/<name>/
    kRecording,  // target: a file name (letters, digits, '-', '_', '.'; no folders); ".mp4" added if missing
  };
  Kind kind = Kind::kRtmp;
  std::string target;
  int height = 720;  // the output's picture height: 360, 720 or 1080
  // A layout of its own: the room composes and encodes that picture for it (once, for all
  // streams of the same height and layout name). Empty: the picture of the room's output
  // of that height.
  LayoutChoice layout;
};

struct StreamInfo {
  enum class State : uint8_t {
    kStarting,  // opening the ingest or the file, waiting for a keyframe
    kLive,      // writing
    kRetrying,  // the ingest failed; the next attempt is after a backoff
    kStopped,   // stopped by a request or by the room closing
    kFailed,    // gave up (a file error such as a full disk, or a URL that cannot work)
  };
  std::string id;  // unique on this server
  std::string room;
  StreamRequest request;
  State state = State::kStarting;
  std::string error;  // the last failure, for people
  uint64_t bytes = 0;
  uint64_t video_frames = 0;
  int attempts = 0;
  std::chrono::system_clock::time_point started{};
};

// A finished or running recording in the recordings folder.
struct RecordingFile {
  std::string name;
  uint64_t bytes = 0;
  std::chrono::system_clock::time_point modified{};
  bool in_progress = false;
};

// Something that happened in the core, for the WebSocket event stream. Listeners are
// called from media strands and control threads and must not block.
struct ControlEvent {
  // "participant.joined", "participant.left", "talking.started", "talking.stopped",
  // "speaker.changed", "layout.changed", "stream.state", "error".
  std::string type;
  std::string room;
  std::string participant;  // empty when the event is not about one
  std::vector<std::pair<std::string, std::string>> fields;  // further details, as text
};

inline const char* StreamKindName(StreamRequest::Kind kind) {
  switch (kind) {
    case StreamRequest::Kind::kRtmp: return "rtmp";
    case StreamRequest::Kind::kSrt: return "srt";
    case StreamRequest::Kind::kHls: return "hls";
    case StreamRequest::Kind::kRecording: return "recording";
  }
  return "?";
}

inline const char* StreamStateName(StreamInfo::State state) {
  switch (state) {
    case StreamInfo::State::kStarting: return "starting";
    case StreamInfo::State::kLive: return "live";
    case StreamInfo::State::kRetrying: return "retrying";
    case StreamInfo::State::kStopped: return "stopped";
    case StreamInfo::State::kFailed: return "failed";
  }
  return "?";
}

}  // namespace tessera::mcu

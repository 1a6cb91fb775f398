#pragma once
// StreamManager: the broadcasts and recordings of every room — ConferenceControl's
// StartStream/StopStream/ListStreams/ListRecordings (control.h, streams.h). It checks
// requests (URL schemes, file and folder names that cannot leave their folders), keeps one
// StreamHub per room that streams, attaches the hub's taps to the room, and reports every
// state change of a stream as a "stream.state" event.
//
// Secrets: an ingest URL's last path element (the stream key) and its query (SRT
// passphrases) are masked in everything it reports or logs; only the sink sees the URL.
//
// Thread safety: every public method may be called from any control thread (one mutex,
// never taken on a media strand); event callbacks come from sink threads.

#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/mcu/control.h"
#include "tessera/mcu/stream/stream_hub.h"

namespace tessera::mcu::conference {
class Room;
}

namespace tessera::mcu::stream {

struct StreamManagerOptions {
  std::filesystem::path recordings_dir = "/tmp/tessera/recordings";
  std::filesystem::path hls_dir = "/tmp/tessera/hls";
  size_t ended_kept_per_room = 16;  // stopped and failed streams listed afterwards
  SinkOptions sink;                 // queue size, backoff, timeouts (url and audio are set per stream)
};

class StreamManager {
 public:
  using EventSink = std::function<void(const ControlEvent&)>;

  explicit StreamManager(StreamManagerOptions options, EventSink events = {});
  ~StreamManager();
  StreamManager(const StreamManager&) = delete;
  StreamManager& operator=(const StreamManager&) = delete;

  // `layout`: request.layout resolved (the caller knows the layout names), or null.
  Result<StreamInfo, ControlError> Start(conference::Room& room, const StreamRequest& request,
                                         std::shared_ptr<const mixer::LayoutSpec> layout = {});
  Result<void, ControlError> Stop(conference::Room& room, std::string_view stream_id);
  std::vector<StreamInfo> List(const std::string& room_id) const;
  std::vector<RecordingFile> ListRecordings() const;
  // Stops the room's streams (before the room goes).
  void StopRoom(conference::Room& room);
  // Stops every stream; `room_of` finds a room by id (rooms must still exist).
  void StopAll(const std::function<conference::Room*(const std::string&)>& room_of);

  // What may be shown of a target: an ingest URL without its stream key and query.
  static std::string MaskTarget(StreamRequest::Kind kind, const std::string& target);

 private:
  struct RoomStreams {
    std::unique_ptr<StreamHub> hub;
    std::deque<StreamInfo> ended;
  };
  // Checks the request; fills the sink's URL (ingest URL, playlist or file path).
  Result<std::string, ControlError> Destination(const std::string& room_id, const StreamRequest& request) const;
  // Moves ended sinks of `streams` to its ended list; returns them, to be joined outside
  // the lock. mutex_ held.
  std::vector<std::shared_ptr<StreamSink>> ReapEnded(RoomStreams& streams);
  // Lets the room go of taps nobody uses; stops the hub when it has no sinks. mutex_ held.
  std::unique_ptr<StreamHub> Release(conference::Room& room, RoomStreams& streams);
  void Emit(const StreamInfo& info);

  StreamManagerOptions options_;
  EventSink events_;
  mutable std::mutex mutex_;
  std::map<std::string, RoomStreams> rooms_;  // by room id
  uint64_t next_id_ = 1;
};

}  // namespace tessera::mcu::stream

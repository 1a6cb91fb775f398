#pragma once
// Broadcasts and recordings of a room's mix over ConferenceControl's StartStream /
// StopStream / ListStreams / ListRecordings, and the files they leave on disk:
//
//   GET    /api/v1/rooms/{room}/broadcasts          read
//   POST   /api/v1/rooms/{room}/broadcasts          operator  201 {"kind":"rtmp|srt|hls",...}
//   GET    /api/v1/rooms/{room}/broadcasts/{id}     read
//   DELETE /api/v1/rooms/{room}/broadcasts/{id}     operator  204; 409 when stopped already
//   GET    /api/v1/rooms/{room}/recordings          read      (the room's recording streams)
//   POST   /api/v1/rooms/{room}/recordings          operator  201 {"name":...}
//   DELETE /api/v1/rooms/{room}/recordings/{id}     operator
//   GET    /api/v1/recordings                       read      the files in the recordings folder
//   GET    /api/v1/recordings/{name}                read      download (video/mp4)
//   GET    /hls/{room}/{name}/{file}                read      playlists and segments
//
// File names are checked (api/json_request.h IsSafeName: no '/', not starting with '.')
// and then resolved inside their folder, so no request reaches a file outside it; files
// are streamed from disk (http::FileResponse).
//
// Thread: the control io_context thread.

#include <filesystem>

#include "tessera/mcu/control.h"
#include "tessera/signaling/http/router.h"

namespace tessera::signaling::api {

struct StreamFolders {
  std::filesystem::path recordings;
  std::filesystem::path hls;
};

class StreamsApi {
 public:
  // `control` is not owned and must outlive this object and the router.
  StreamsApi(mcu::ConferenceControl& control, StreamFolders folders)
      : control_(control), folders_(std::move(folders)) {}
  StreamsApi(const StreamsApi&) = delete;
  StreamsApi& operator=(const StreamsApi&) = delete;

  void Register(http::Router& router);

 private:
  http::Response List(const std::string& room, bool recordings) const;
  http::Response Start(const http::Request& request, const std::string& room, bool recording);
  http::Response Get(const std::string& room, const std::string& id, bool recording) const;
  http::Response Stop(const std::string& room, const std::string& id, bool recording);
  http::Response ListFiles() const;
  http::Response Download(const std::string& name) const;
  http::Response Hls(const std::string& room, const std::string& name, const std::string& file) const;

  // Passed in (not owned).
  mcu::ConferenceControl& control_;
  // Owned.
  StreamFolders folders_;
};

}  // namespace tessera::signaling::api

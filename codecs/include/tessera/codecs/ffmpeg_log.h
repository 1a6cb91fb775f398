#pragma once
// FFmpeg's own log lines (libavcodec, libavformat) go to Tessera's log at debug level
// instead of stderr. Idempotent; any thread.

namespace tessera::codecs::ffmpeg {

void InstallFfmpegLogBridge();

}  // namespace tessera::codecs::ffmpeg

#pragma once
// BaresipPeer: a baresip 1.0.0 softphone (Debian package baresip) for integration tests,
// headless: audio from a WAV (aufile), video from an ffmpeg lavfi source (avformat), what it
// receives recorded by the sndfile filter (WAV) and snapshot_recv (PNG), controlled over
// ctrl_tcp (JSON in netstrings). Every wait is bounded; the destructor kills what is left.
//
// Thread: the test's thread.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/testing/subprocess.h"

namespace tessera::signaling::sip::testing {

struct BaresipOptions {
  std::filesystem::path dir;        // config, recordings and snapshots go here
  std::filesystem::path audio_wav;  // S16LE mono 48 kHz
  std::string video_lavfi;          // e.g. "color=c=blue:size=640x360:rate=15"
  std::string audio_codecs;         // e.g. "opus/48000/2", "G722/16000/1", "PCMU"
  std::string video_codecs;         // empty = offer both H.264 modes; "H264" = mode 0 only
  int seconds = 60;                 // baresip quits by itself after this (-t)
  bool auto_answer = false;         // answers incoming calls at once
};

// Grid points of a picture (32 x 18) that are red, green and blue (BT.601 limited range).
struct Colours {
  int red = 0, green = 0, blue = 0;
};
Colours CountColours(const std::vector<uint8_t>& i420, int width, int height);
// A PNG (a snapshot) as I420 at width x height, through ffmpeg and the scratch file `yuv`;
// empty if it does not decode (yet).
std::vector<uint8_t> DecodePngToI420(const std::filesystem::path& png, const std::filesystem::path& yuv, int width,
                                     int height);

// The softphones' shared chores in integration tests (all through ffmpeg, bounded).
//
// A sine of `hz` as 48 kHz mono S16 WAV, what baresip's aufile needs; false with `error`.
bool WriteToneWav(const std::filesystem::path& wav, int hz, int seconds, std::string* error);
// Any WAV converted to 48 kHz mono S16 (baresip records at the decoder's rate and channels).
bool ToMono48kWav(const std::filesystem::path& in, const std::filesystem::path& out, std::string* error);
// The port of the first m=<media> line of an SDP answer; 0 if none.
uint16_t SdpMediaPort(const std::string& sdp, const std::string& media);
class BaresipPeer;
// Snapshots of what `phone` decodes (PNGs in `dir`), until one's colours satisfy `done` or
// `timeout` passes; the last colours counted.
Colours WaitForColours(BaresipPeer& phone, const std::filesystem::path& dir, int width, int height,
                       const std::function<bool(const Colours&)>& done, std::chrono::milliseconds timeout);

class BaresipPeer {
 public:
  // Starts baresip and connects to its ctrl_tcp; null (with `error`) if it did not come up.
  static std::unique_ptr<BaresipPeer> Start(const BaresipOptions& options, std::string* error);
  ~BaresipPeer();

  // Sends a ctrl_tcp command; the reply's "data" if "ok", nullopt otherwise.
  std::optional<std::string> Command(const std::string& command, const std::string& params = {});
  // Waits for an event of `type` (e.g. "CALL_ESTABLISHED"); false on timeout.
  bool WaitForEvent(const std::string& type, std::chrono::milliseconds timeout);
  // Asks for a PNG of the last decoded received picture; true once the file exists.
  bool SnapshotReceived(const std::filesystem::path& png, std::chrono::milliseconds timeout);
  // The sndfile recording of what was received (…-dec.wav), if any.
  std::optional<std::filesystem::path> ReceivedWav() const;
  // quit, then waits for the process to end.
  std::optional<int> Quit(std::chrono::milliseconds timeout);
  const std::string& output() const { return process_->output(); }
  uint16_t sip_port() const { return sip_port_; }
  std::string log();
  // The last reply read (for failure messages).
  const std::string& last_reply() const { return last_reply_; }

 private:
  BaresipPeer() = default;
  bool Connect(uint16_t port, std::chrono::milliseconds timeout);
  // Reads one netstring message into `json`; false on timeout/close.
  bool ReadMessage(std::string& json, std::chrono::milliseconds timeout);

  BaresipOptions options_;
  std::unique_ptr<tessera::testing::Subprocess> process_;
  int fd_ = -1;
  std::string buffer_;
  std::vector<std::string> events_;  // types of events read while waiting for replies
  int token_ = 0;
  uint16_t sip_port_ = 0;
  std::string last_reply_;
};

}  // namespace tessera::signaling::sip::testing

#pragma once
// A room on real sockets for integration tests: a ConferenceManager with its own network
// thread and media pool, and the ffmpeg peers that talk to it (senders of colour patterns
// and tones, a receiver that records the mix as raw I420 and WAV).

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "tessera/mcu/conference/conference_manager.h"
#include "tessera/mcu/worker_pool.h"
#include "tessera/testing/subprocess.h"
#include "tessera/testing/temp_dir.h"
#include "tessera/testing/tone_power.h"
#include "udp_relay.h"

namespace tessera::mcu::conference::testing {

struct SenderSpec {
  std::string name;
  std::string colour;  // ffmpeg colour, e.g. "0xFF0000"
  int tone_hz = 440;
  codecs::CodecId audio = codecs::CodecId::kOpus;  // kOpus, kPcmu, kG722
  bool video = true;
  // SRTP (AES_CM_128_HMAC_SHA1_80) with this base64 master key+salt; empty = plain RTP.
  std::string srtp_key;
};

// Capabilities as an SDP offer from ffmpeg would negotiate them.
MediaStreamRequest H264Stream(uint16_t remote_port, bool receive, bool send);
MediaStreamRequest AudioStream(codecs::CodecId codec, uint16_t remote_port, bool receive, bool send);

class ConferenceHarness {
 public:
  // One room "r1" with an "auto" layout and a single rung: 640x360 at 15 fps, and
  // `demo_participants` synthetic participants (moving patterns and tones). Broadcasts and
  // recordings write under dir().
  explicit ConferenceHarness(int demo_participants = 0);
  ~ConferenceHarness();

  ConferenceManager& manager() { return *manager_; }
  const Room& room() { return *manager_->room("r1"); }

  // Adds a participant that only sends (its ffmpeg is started at once); the audio may go
  // through `relay_config` (forward_port is filled in).
  struct Sender {
    std::string id;
    std::unique_ptr<tessera::testing::Subprocess> ffmpeg;
    std::unique_ptr<tessera::testing::relay::UdpRelay> video_relay;
  };
  Sender AddSender(const SenderSpec& spec, const tessera::testing::relay::ImpairmentConfig* video_impairment = nullptr,
                   int seconds = 30);

  // A participant that sends a tone (Opus) and receives the mix: its ffmpeg receiver is
  // started first (it must see the first keyframe), its tone goes through a relay whose
  // replies reach the receiver, so symmetric RTP keeps working with two processes.
  struct Receiver {
    std::string id;
    std::filesystem::path video;  // raw I420 at 640x360
    std::filesystem::path audio;  // WAV, 48 kHz mono
    std::unique_ptr<tessera::testing::Subprocess> recorder;
    std::unique_ptr<tessera::testing::Subprocess> tone;
    std::unique_ptr<tessera::testing::relay::UdpRelay> relay;
  };
  Receiver AddReceiver(const std::string& name, int tone_hz, int record_seconds);

  const std::filesystem::path& dir() const { return temp_.path(); }

 private:
  tessera::testing::TempDir temp_;
  boost::asio::io_context network_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread network_thread_;
  WorkerPool media_{"media", 2};
  std::unique_ptr<ConferenceManager> manager_;
};

// Starts ffmpeg sending `spec`'s colour pattern (H.264, PT 96, 30 fps) and tone (its audio
// codec) to 127.0.0.1 video_port/audio_port; video_port 0 = audio only.
std::unique_ptr<tessera::testing::Subprocess> StartSender(const SenderSpec& spec, uint16_t video_port,
                                                          uint16_t audio_port, int seconds);
// ffmpeg recording what arrives on video_port (H.264 PT 96) and audio_port (Opus PT 111)
// to <dir>/<name>.yuv (raw I420) and <name>.wav (48 kHz mono).
struct Recorder {
  std::unique_ptr<tessera::testing::Subprocess> process;  // null if it never held its ports
  uint16_t video_port = 0;
  uint16_t audio_port = 0;
  std::string error;  // why it did not start: ffmpeg's own words
  explicit operator bool() const { return process != nullptr; }
  tessera::testing::Subprocess* operator->() const { return process.get(); }
};
// Starts the recorder on ports it picks, and returns once ffmpeg holds both. A picked
// port can be taken by another process before ffmpeg binds it (tests run in parallel), so
// it tries fresh ports up to three times.
Recorder StartRecorder(const std::filesystem::path& dir, const std::string& name, int record_seconds);
// An even UDP port whose successor (RTCP) is free too, never handed out twice by this
// process.
uint16_t FreeEvenPort();

// Reads frame `index` of a raw I420 file; empty if absent.
std::vector<uint8_t> ReadI420Frame(const std::filesystem::path& file, int width, int height, int index);
int CountI420Frames(const std::filesystem::path& file, int width, int height);
// Mono 16-bit samples of a WAV file.
std::vector<int16_t> ReadWav(const std::filesystem::path& file);
// Tone measures (tessera/testing/tone_power.h), under the names the tests use.
using tessera::testing::MeanTonePower;
using tessera::testing::TonePower;

}  // namespace tessera::mcu::conference::testing

#pragma once
// The in-process engine of the H.323 engine tests: one mcu::Server (network threads, media
// workers, real RTP sockets) with rooms "a" and "b" (alias "4000"), each with a demo
// participant, and an H.323 endpoint with its conference adapter, running on a thread of
// its own. Room "a" dials room "b" through the endpoint's own listener.

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "tessera/mcu/conference/conference_manager.h"
#include "tessera/mcu/config.h"
#include "tessera/mcu/server.h"
#include "tessera/signaling/h323/h323_conference.h"
#include "tessera/signaling/h323/h323_endpoint.h"
#include "tessera/testing/ports.h"

namespace tessera::signaling::h323::engine_test {

using namespace std::chrono_literals;

struct EngineCase {
  const char* name;
  DialMode mode;
  codecs::CodecId audio;
  codecs::CodecId video;
};

inline std::string ConfigText(uint16_t port_min, const std::string& room_b_extra = "") {
  return "[server]\nname = \"tessera-h323-test\"\nworker_threads = 2\n"
         "[rtp]\naddress = \"127.0.0.1\"\nport_min = " +
         std::to_string(port_min) + "\nport_max = " + std::to_string(port_min + 198) +
         "\n"
         "[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 15\nbitrate_kbps = 600\n"
         "[[rungs]]\nname = \"cif\"\nwidth = 352\nheight = 288\nfps = 15\nbitrate_kbps = 384\ncodec = \"h263\"\n"
         "[[rungs]]\nname = \"cif-h261\"\nwidth = 352\nheight = 288\nfps = 15\nbitrate_kbps = 384\ncodec = \"h261\"\n"
         "[[rooms]]\nid = \"a\"\ndemo_participants = 1\n"
         "[[rooms]]\nid = \"b\"\naliases = [\"4000\"]\ndemo_participants = 1\n" +
         room_b_extra;
}

// A range of RTP ports unlikely to collide with other tests running at the same time.
inline uint16_t PortBase() {
  const uint16_t p = tessera::testing::FreeUdpPort();
  return static_cast<uint16_t>(p > 60000 ? 40000 + (p % 10000) * 2 : p & ~1u);
}

// The counters of one room, read from the test thread (they are atomics).
struct Flow {
  uint64_t packets = 0;
  uint64_t audio_packets = 0;
  uint64_t frames_decoded = 0;
  uint64_t dropped = 0;
};
inline Flow FlowOf(const mcu::conference::Room& room) {
  const auto& c = room.counters();
  return {c.rtp_packets_received.load(), c.audio_packets_received.load(), c.frames_decoded.load(),
          c.packets_dropped.load()};
}

// One server with rooms "a" and "b", an H.323 endpoint (and its conference adapter)
// speaking the codecs of `c`, running on its own thread.
class EngineServer : public ::testing::Test {
 protected:
  // `room_b_extra`: more TOML keys of room "b" (a PIN...).
  void StartServer(const EngineCase& c, const std::string& room_b_extra = "", H323ConferenceOptions options_in = {}) {
    auto config = mcu::ParseConfig(ConfigText(PortBase(), room_b_extra), "test");
    ASSERT_TRUE(config) << "config";
    server_ = std::make_unique<mcu::Server>(std::move(*config));
    conference_ = std::make_unique<H323Conference>(*server_, server_->control_context(), std::move(options_in));
    H323EndpointOptions options;
    options.listen_host = "127.0.0.1";
    options.listen_port = 0;
    options.call.h245.audio = {{.codec = c.audio, .clock_rate = 8000, .channels = 1}};
    if (c.video == codecs::CodecId::kH263) {
      codecs::H263Params h263;
      h263.qcif_mpi = h263.cif_mpi = 1;
      options.call.h245.video = {{.codec = codecs::CodecId::kH263, .clock_rate = 90000, .channels = 1, .params = h263}};
    } else if (c.video == codecs::CodecId::kH261) {
      codecs::H261Params h261;
      h261.qcif_mpi = h261.cif_mpi = 1;
      options.call.h245.video = {{.codec = codecs::CodecId::kH261, .clock_rate = 90000, .channels = 1, .params = h261}};
    }
    endpoint_ = std::make_unique<H323Endpoint>(server_->control_context(), options, *conference_);
    ASSERT_TRUE(endpoint_->Start());
    server_->OnShutdown([this] { endpoint_->Stop(); });
    runner_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (runner_.joinable()) {
      server_->RequestStop();
      runner_.join();
    }
    conference_.reset();  // its legs' connections refer to the endpoint
    endpoint_.reset();
    server_.reset();
  }

  // Runs `f` on the control thread and returns its result.
  template <typename F>
  auto OnControl(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(server_->control_context(), [&task] { task(); });
    return result.get();
  }

  // Polls `done` until it holds or the deadline passes.
  static bool WaitUntil(const std::function<bool()>& done, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(50ms);  // polling state against a deadline
    }
    return done();
  }

  // Polls the rooms' counters until `done` holds or the deadline passes.
  bool WaitFor(const std::function<bool(const Flow&, const Flow&)>& done, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done(FlowOf(*server_->conferences().room("a")), FlowOf(*server_->conferences().room("b")))) return true;
      std::this_thread::sleep_for(50ms);  // polling counters against a deadline
    }
    return false;
  }

  std::unique_ptr<mcu::Server> server_;
  std::unique_ptr<H323Conference> conference_;
  std::unique_ptr<H323Endpoint> endpoint_;
  std::thread runner_;
};

}  // namespace tessera::signaling::h323::engine_test

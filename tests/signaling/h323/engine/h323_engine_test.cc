// Tessera calls itself over H.323 with the real conference engine: one server (mcu::Server,
// its network threads and media workers, real RTP sockets) with two rooms, each with a demo
// participant so there is moving media without any sender; room "a" dials room "b" through
// its own H.323 listener in each H.245 mode (fast start, tunnelled, separate H.245
// connection). Each room then receives the other's mix: RTP audio (G.711) and video
// (H.264, or H.263 or H.261 when that is all the endpoints offer) arrives, is accepted (not
// dropped for a wrong payload type) and the video decodes, in both directions.
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <thread>

#include "tessera/mcu/conference/conference_manager.h"
#include "tessera/mcu/config.h"
#include "tessera/mcu/server.h"
#include "tessera/signaling/h323/h323_conference.h"
#include "tessera/signaling/h323/h323_endpoint.h"
#include "tessera/testing/ports.h"

namespace tessera::signaling::h323 {
namespace {

using namespace std::chrono_literals;

struct EngineCase {
  const char* name;
  DialMode mode;
  codecs::CodecId audio;
  codecs::CodecId video;
};

std::string ConfigText(uint16_t port_min) {
  return "[server]\nname = \"tessera-h323-test\"\nworker_threads = 2\n"
         "[rtp]\naddress = \"127.0.0.1\"\nport_min = " +
         std::to_string(port_min) + "\nport_max = " + std::to_string(port_min + 198) +
         "\n"
         "[[rungs]]\nname = \"360p\"\nwidth = 640\nheight = 360\nfps = 15\nbitrate_kbps = 600\n"
         "[[rungs]]\nname = \"cif\"\nwidth = 352\nheight = 288\nfps = 15\nbitrate_kbps = 384\ncodec = \"h263\"\n"
         "[[rungs]]\nname = \"cif-h261\"\nwidth = 352\nheight = 288\nfps = 15\nbitrate_kbps = 384\ncodec = \"h261\"\n"
         "[[rooms]]\nid = \"a\"\ndemo_participants = 1\n"
         "[[rooms]]\nid = \"b\"\naliases = [\"4000\"]\ndemo_participants = 1\n";
}

// A range of RTP ports unlikely to collide with other tests running at the same time.
uint16_t PortBase() {
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
Flow FlowOf(const mcu::conference::Room& room) {
  const auto& c = room.counters();
  return {c.rtp_packets_received.load(), c.audio_packets_received.load(), c.frames_decoded.load(),
          c.packets_dropped.load()};
}

// One server with rooms "a" and "b", an H.323 endpoint (and its conference adapter)
// speaking the codecs of `c`, running on its own thread.
class EngineServer : public ::testing::Test {
 protected:
  void StartServer(const EngineCase& c) {
    auto config = mcu::ParseConfig(ConfigText(PortBase()), "test");
    ASSERT_TRUE(config) << "config";
    server_ = std::make_unique<mcu::Server>(std::move(*config));
    conference_ = std::make_unique<H323Conference>(*server_, server_->control_context());
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

class H323WithEngine : public EngineServer, public ::testing::WithParamInterface<EngineCase> {
 protected:
  void SetUp() override { StartServer(GetParam()); }
};

class EngineKeyframes : public EngineServer {
 protected:
  void SetUp() override { StartServer({"", {}, codecs::CodecId::kPcmu, codecs::CodecId::kH264}); }
};

TEST_P(H323WithEngine, RoomDialsAnotherRoomAndBothReceiveAudioAndVideo) {
  const EngineCase& c = GetParam();
  const std::string target = "h323:4000@127.0.0.1:" + std::to_string(endpoint_->port());
  auto placed = OnControl([&] { return conference_->DialOut(*endpoint_, "a", target, c.mode); });
  ASSERT_TRUE(placed) << placed.error();
  const std::shared_ptr<H323Connection> call = *placed;

  // Both sides receive audio and video from the other and decode the pictures; a few
  // frames per side, so that the first keyframe and a steady stream both made it.
  const bool flowing = WaitFor(
      [](const Flow& a, const Flow& b) {
        // 1.5 s of audio at 20 ms per packet, 15 pictures (1 s at the rungs' 15 fps).
        return a.audio_packets >= 75 && b.audio_packets >= 75 && a.packets > a.audio_packets + 15 &&
               b.packets > b.audio_packets + 15 && a.frames_decoded >= 15 && b.frames_decoded >= 15;
      },
      20s);
  const Flow a = FlowOf(*server_->conferences().room("a"));
  const Flow b = FlowOf(*server_->conferences().room("b"));
  EXPECT_TRUE(flowing) << "room a: " << a.audio_packets << " audio of " << a.packets << " packets, " << a.frames_decoded
                       << " frames decoded, " << a.dropped << " dropped; room b: " << b.audio_packets << " audio of "
                       << b.packets << " packets, " << b.frames_decoded << " frames decoded, " << b.dropped
                       << " dropped";
  // A wrong payload type or format would show as drops in proportion to what arrives.
  EXPECT_LT(a.dropped * 20, a.packets + 20);
  EXPECT_LT(b.dropped * 20, b.packets + 20);

  // The dialling side's view of the call: the formats asked for, both directions open.
  const auto [media, calls] =
      OnControl([&] { return std::make_pair(call->call().media(), conference_->active_calls()); });
  EXPECT_EQ(calls, 2u) << "the dial-out leg and the dial-in leg";
  EXPECT_TRUE(media.audio.sending && media.audio.receiving);
  EXPECT_TRUE(media.video.sending && media.video.receiving);
  ASSERT_TRUE(media.audio.format && media.video.format);
  EXPECT_EQ(media.audio.format->codec, c.audio);
  EXPECT_EQ(media.video.format->codec, c.video);
}

// The hook H.323 legs poll for videoFastUpdatePicture: a participant whose video arrives
// without a keyframe makes the engine ask for one (RTCP PLI), and TakeKeyframeRequests
// reports it once.
TEST_F(EngineKeyframes, TheEngineReportsTheKeyframesItAsksOfAParticipantsVideo) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::udp::socket sender(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  mcu::ParticipantRequest request;
  request.display_name = "no keyframes";
  mcu::MediaStreamRequest video;
  video.kind = mcu::MediaKind::kVideo;
  video.send = false;
  video.payload_type = 96;
  codecs::H264Params h264;
  h264.profile_level_id = codecs::H264ProfileLevelId{0x42, 0xe0, 0x1f};
  h264.packetization_mode = 1;
  video.format = {.codec = codecs::CodecId::kH264, .clock_rate = 90000, .channels = 1, .params = h264};
  video.remote_address = "127.0.0.1";
  video.remote_rtp_port = sender.local_endpoint().port();
  request.streams.push_back(video);
  auto added = OnControl([&] { return server_->AddParticipant("a", request); });
  ASSERT_TRUE(added) << added.error().message;
  const asio::ip::udp::endpoint to(asio::ip::make_address("127.0.0.1"), added->streams[0].local_rtp_port);

  // P slices only (NAL type 1), one per 33 ms: decodable never, so a keyframe is asked for.
  uint32_t asked = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  for (uint16_t seq = 1; asked == 0 && std::chrono::steady_clock::now() < deadline; ++seq) {
    const uint32_t ts = seq * 3000u;
    const uint8_t packet[] = {0x80,
                              0x80 | 96,
                              uint8_t(seq >> 8),
                              uint8_t(seq),
                              uint8_t(ts >> 24),
                              uint8_t(ts >> 16),
                              uint8_t(ts >> 8),
                              uint8_t(ts),
                              0x12,
                              0x34,
                              0x56,
                              0x78,
                              0x41,
                              0x9a,
                              0x02,
                              0x03,
                              0x04};
    sender.send_to(asio::buffer(packet), to);
    auto taken = server_->TakeKeyframeRequests("a", added->participant_id);
    ASSERT_TRUE(taken) << taken.error().message;
    asked = *taken;
    std::this_thread::sleep_for(33ms);  // the pace of a 30 fps sender
  }
  EXPECT_GT(asked, 0u) << "no PLI for a video without keyframes";
  auto unknown = server_->TakeKeyframeRequests("a", "nobody");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, mcu::ControlError::Kind::kNotFound);
  EXPECT_TRUE(server_->RemoveParticipant("a", added->participant_id));
}

INSTANTIATE_TEST_SUITE_P(Modes, H323WithEngine,
                         ::testing::Values(EngineCase{"FastStartPcmuH264",
                                                      {.fast_start = true, .tunnelling = true},
                                                      codecs::CodecId::kPcmu,
                                                      codecs::CodecId::kH264},
                                           EngineCase{"TunnelledPcmaH264",
                                                      {.fast_start = false, .tunnelling = true},
                                                      codecs::CodecId::kPcma,
                                                      codecs::CodecId::kH264},
                                           EngineCase{"SeparateH245PcmuH264",
                                                      {.fast_start = false, .tunnelling = false},
                                                      codecs::CodecId::kPcmu,
                                                      codecs::CodecId::kH264},
                                           EngineCase{"FastStartPcmuH263",
                                                      {.fast_start = true, .tunnelling = true},
                                                      codecs::CodecId::kPcmu,
                                                      codecs::CodecId::kH263},
                                           EngineCase{"FastStartPcmuH261",
                                                      {.fast_start = true, .tunnelling = true},
                                                      codecs::CodecId::kPcmu,
                                                      codecs::CodecId::kH261},
                                           EngineCase{"TunnelledPcmaH261",
                                                      {.fast_start = false, .tunnelling = true},
                                                      codecs::CodecId::kPcma,
                                                      codecs::CodecId::kH261}),
                         [](const ::testing::TestParamInfo<EngineCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace tessera::signaling::h323

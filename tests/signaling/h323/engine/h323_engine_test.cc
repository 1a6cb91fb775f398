// Tessera calls itself over H.323 with the real conference engine: one server (mcu::Server,
// its network threads and media workers, real RTP sockets) with two rooms, each with a demo
// participant so there is moving media without any sender; room "a" dials room "b" through
// its own H.323 listener in each H.245 mode (fast start, tunnelled, separate H.245
// connection). Each room then receives the other's mix: RTP audio (G.711) and video
// (H.264, or H.263 or H.261 when that is all the endpoints offer) arrives, is accepted (not
// dropped for a wrong payload type) and the video decodes, in both directions.
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>

#include "engine_server.h"

namespace tessera::signaling::h323 {
namespace {

using namespace std::chrono_literals;
using engine_test::EngineCase;
using engine_test::EngineServer;
using engine_test::Flow;
using engine_test::FlowOf;

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

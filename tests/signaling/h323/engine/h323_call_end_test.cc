// How an H.323 call ends, with the real engine (engine_server.h): room "a" dials room "b",
// then the caller hangs up, the callee hangs up, the caller's TCP connection drops without
// RELEASE COMPLETE (as a crashed room system's would), or the operator kicks the caller
// (KickParticipant: the caller releases with normal clearing). Each way, both participants
// leave their rooms, their RTP ports are released (they can be bound again), and the rooms
// are unaffected: their demo participants stay and a new call between them carries media
// again.
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>

#include "engine_server.h"

namespace tessera::signaling::h323 {
namespace {

using namespace std::chrono_literals;

enum class Ending { kCallerHangsUp, kCalleeHangsUp, kCallerDropsTcp, kCallerKickedByTheOperator };

struct EndCase {
  const char* name;
  Ending ending;
};

// Whether UDP `port` on 127.0.0.1 is free (nothing bound to it).
bool PortFree(uint16_t port) {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket socket(io);
  boost::system::error_code ec;
  socket.open(boost::asio::ip::udp::v4(), ec);
  if (ec) return false;
  socket.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

class H323CallEnds : public engine_test::EngineServer, public ::testing::WithParamInterface<EndCase> {
 protected:
  void SetUp() override {
    H323ConferenceOptions options;
    options.on_call_ended = [this](uint64_t id, const CallEnd& end) { ends_.emplace_back(id, end); };  // control thread
    StartServer({"", {}, codecs::CodecId::kPcmu, codecs::CodecId::kH264}, "", std::move(options));
  }

  // How call `id` ended, as its leg saw it (read on the control thread).
  std::optional<CallEnd> EndOf(uint64_t id) {
    return OnControl([&]() -> std::optional<CallEnd> {
      for (const auto& [call, end] : ends_)
        if (call == id) return end;
      return std::nullopt;
    });
  }

  std::shared_ptr<H323Connection> DialAndWaitForMedia() {
    const std::string target = "h323:4000@127.0.0.1:" + std::to_string(endpoint_->port());
    auto placed = OnControl([&] { return conference_->DialOut(*endpoint_, "a", target, DialMode{}); });
    EXPECT_TRUE(placed) << placed.error();
    if (!placed) return nullptr;
    const engine_test::Flow a0 = engine_test::FlowOf(*server_->conferences().room("a"));
    const engine_test::Flow b0 = engine_test::FlowOf(*server_->conferences().room("b"));
    const bool flowing = WaitFor(
        [&](const engine_test::Flow& a, const engine_test::Flow& b) {
          return a.audio_packets >= a0.audio_packets + 50 && b.audio_packets >= b0.audio_packets + 50 &&
                 a.frames_decoded >= a0.frames_decoded + 5 && b.frames_decoded >= b0.frames_decoded + 5;
        },
        20s);
    EXPECT_TRUE(flowing) << "no media both ways";
    return flowing ? *placed : nullptr;
  }

  size_t Participants(const std::string& room) {
    auto list = server_->ListParticipants(room);
    return list ? list->size() : 0;
  }
  // The room's H.323 participant (the call's), or "".
  std::string H323Participant(const std::string& room) {
    auto list = server_->ListParticipants(room);
    if (list)
      for (const mcu::ParticipantInfo& p : *list)
        if (p.protocol == "h323") return p.id;
    return {};
  }

  std::vector<std::pair<uint64_t, CallEnd>> ends_;  // control thread
};

TEST_P(H323CallEnds, BothParticipantsLeaveTheirPortsAreFreedAndTheRoomsCarryOn) {
  auto call = DialAndWaitForMedia();
  ASSERT_TRUE(call);
  ASSERT_EQ(Participants("a"), 2u);
  ASSERT_EQ(Participants("b"), 2u);
  // Each side's view of the other's RTP ports: b's from the caller, a's from the callee.
  const auto seen = OnControl([&] {
    std::vector<uint16_t> ports;
    uint64_t callee = 0;
    for (uint64_t id : conference_->call_ids())
      if (id != call->id()) callee = id;
    for (const auto& c : {call, conference_->connection(callee)}) {
      if (!c) continue;
      const CallMedia& m = c->call().media();
      for (const auto& address : {m.audio.remote_rtp, m.video.remote_rtp})
        if (address) ports.push_back(address->port);
    }
    return std::make_pair(callee, ports);
  });
  const uint64_t callee_id = seen.first;
  const std::vector<uint16_t> ports = seen.second;
  ASSERT_NE(callee_id, 0u);
  ASSERT_EQ(ports.size(), 4u) << "audio and video RTP of both participants";
  for (uint16_t port : ports)
    EXPECT_FALSE(PortFree(port)) << "port " << port << " should be in use during the call";

  const std::string kicked = H323Participant("a");
  ASSERT_FALSE(kicked.empty());
  OnControl([&] {
    switch (GetParam().ending) {
      case Ending::kCallerHangsUp:
        return call->Hangup({});
      case Ending::kCalleeHangsUp:
        return conference_->connection(callee_id)->Hangup({});
      case Ending::kCallerDropsTcp:
        return call->AbortForTest();
      case Ending::kCallerKickedByTheOperator:
        // As the control API does, on the control thread; the leg hangs up in a task of its own.
        EXPECT_TRUE(server_->KickParticipant("a", kicked));
        return;
    }
  });

  EXPECT_TRUE(WaitUntil([&] { return OnControl([&] { return conference_->active_calls(); }) == 0; }, 15s))
      << "a leg is still up";
  EXPECT_TRUE(WaitUntil([&] { return Participants("a") == 1 && Participants("b") == 1; }, 10s))
      << "only the demo participants stay: a has " << Participants("a") << ", b has " << Participants("b");
  EXPECT_TRUE(WaitUntil(
      [&] {
        for (uint16_t port : ports)
          if (!PortFree(port)) return false;
        return true;
      },
      10s))
      << "an RTP port of the call is still bound";
  EXPECT_EQ(OnControl([&] { return endpoint_->connections(); }), 0u) << "a TCP connection is left";
  if (GetParam().ending == Ending::kCallerKickedByTheOperator) {
    // The caller released the call itself, with normal clearing; the callee was told so.
    const auto caller_end = EndOf(call->id());
    const auto callee_end = EndOf(callee_id);
    ASSERT_TRUE(caller_end && callee_end);
    EXPECT_EQ(caller_end->who, CallEnd::Who::kLocal);
    EXPECT_EQ(caller_end->reason.cause, q850::kNormalClearing);
    EXPECT_EQ(caller_end->reason.detail, "removed by the operator");
    EXPECT_EQ(callee_end->who, CallEnd::Who::kRemote);
    EXPECT_EQ(callee_end->reason.cause, q850::kNormalClearing);
  }

  // The rooms carry on: the same call again carries media both ways.
  auto again = DialAndWaitForMedia();
  ASSERT_TRUE(again);
  OnControl([&] { again->Hangup({}); });
}

INSTANTIATE_TEST_SUITE_P(Ways, H323CallEnds,
                         ::testing::Values(EndCase{"CallerHangsUp", Ending::kCallerHangsUp},
                                           EndCase{"CalleeHangsUp", Ending::kCalleeHangsUp},
                                           EndCase{"CallerDropsTcp", Ending::kCallerDropsTcp},
                                           EndCase{"CallerKickedByTheOperator", Ending::kCallerKickedByTheOperator}),
                         [](const ::testing::TestParamInfo<EndCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace tessera::signaling::h323

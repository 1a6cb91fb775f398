// Tessera calls itself over H.323 on loopback: one endpoint (A) dials out for a room, the
// other (B) takes the call into its room, both through H323Conference and a
// ConferenceControl double, with real TCP sockets. Each H.245 mode is covered (fast start,
// tunnelled, separate H.245 connection); the rooms must end up with send/receive audio and
// video streams pointing at each other's ports, DTMF must reach a PIN room, and every way a
// call ends must take the participants out.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <map>
#include <utility>

#include "support/fake_conference.h"
#include "tessera/base/log.h"
#include "tessera/signaling/h323/h323_conference.h"
#include "tessera/signaling/h323/q931_ies.h"
#include "tessera/signaling/h323/tpkt.h"

namespace tessera::signaling::h323 {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// Distinct ports per participant (the double's own are the same for everyone), and a PIN
// dialogue: the PIN is "2468".
class Conference : public testing::FakeConference {
 public:
  explicit Conference(uint16_t base) : base_(base) {}
  Result<mcu::ParticipantResult, mcu::ControlError> AddParticipant(std::string_view room,
                                                                   const mcu::ParticipantRequest& request) override {
    auto r = FakeConference::AddParticipant(room, request);
    if (r) {
      for (auto& s : r->streams) {
        s.local_rtp_port = static_cast<uint16_t>(s.local_rtp_port - 50000 + base_ + 10 * (participants.size() - 1));
        s.local_rtcp_port = static_cast<uint16_t>(s.local_rtp_port + 1);
      }
    }
    return r;
  }
  Result<bool, mcu::ControlError> CheckPin(std::string_view, std::string_view pin) const override {
    return pin == "2468";
  }
  Result<void, mcu::ControlError> PlayPrompt(std::string_view, std::string_view, mcu::Prompt) override { return {}; }
  Result<std::string, mcu::ControlError> TakeDigits(std::string_view, std::string_view) override {
    return std::string();
  }
  Result<void, mcu::ControlError> AdmitParticipant(std::string_view, std::string_view id) override {
    admitted.push_back(std::string(id));
    return {};
  }
  // The core's keyframe requests, as the engine's PLI/FIR for the participant's video counts them.
  Result<uint32_t, mcu::ControlError> TakeKeyframeRequests(std::string_view, std::string_view id) override {
    ++keyframe_polls;
    return std::exchange(keyframes_asked[std::string(id)], 0u);
  }
  const mcu::ParticipantRequest* LastUpdate() const {
    for (auto it = calls.rbegin(); it != calls.rend(); ++it)
      if (it->method == "update") return &it->request;
    return nullptr;
  }
  std::vector<std::string> admitted;
  std::map<std::string, uint32_t> keyframes_asked;
  int keyframe_polls = 0;

 private:
  uint16_t base_;
};

mcu::RoomSummary Room(std::string id, std::vector<std::string> aliases = {}) {
  mcu::RoomSummary r;
  r.id = std::move(id);
  r.name = r.id;
  r.aliases = std::move(aliases);
  r.max_participants = 10;
  return r;
}

bool Flowing(const mcu::ParticipantRequest* r) {
  if (!r || r->streams.size() != 2) return false;
  for (const auto& s : r->streams)
    if (!s.send || !s.receive || s.remote_rtp_port == 0) return false;
  return true;
}

struct Side {
  Side(asio::io_context& io, uint16_t base)
      : conference(base), gateway(conference, io, {}), endpoint(io, Options(), gateway) {}
  static H323EndpointOptions Options() {
    H323EndpointOptions o;
    o.listen_host = "127.0.0.1";
    o.listen_port = 0;
    o.call.setup_timeout = 2000ms;
    o.first_message_timeout = 1000ms;
    return o;
  }
  Conference conference;
  H323Conference gateway;
  H323Endpoint endpoint;
};

class H323Loopback : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("H323_TEST_DEBUG")) {
      log::SetLevel(log::Level::kDebug);
      log::SetDebugTags(log::kAllTags);
    }
    a_.conference.rooms = {Room("out")};
    b_.conference.rooms = {Room("1000", {"sales"}), Room("pin", {"4711"})};
    b_.conference.rooms[1].has_pin = true;
    ASSERT_TRUE(a_.endpoint.Start());
    ASSERT_TRUE(b_.endpoint.Start());
  }
  // Runs the loop until `done` holds (bounded).
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.run_one_for(20ms);
    }
    return true;
  }
  std::string Target(const std::string& alias) {
    return "h323:" + alias + "@127.0.0.1:" + std::to_string(b_.endpoint.port());
  }
  std::shared_ptr<H323Connection> Dial(const std::string& alias, DialMode mode) {
    auto c = a_.gateway.DialOut(a_.endpoint, "out", Target(alias), mode);
    EXPECT_TRUE(c) << (c ? "" : c.error());
    return c ? *c : nullptr;
  }
  void ExpectMediaCrossed() {
    const mcu::ParticipantRequest* a = a_.conference.LastUpdate();
    const mcu::ParticipantRequest* b = b_.conference.LastUpdate();
    ASSERT_TRUE(Flowing(a) && Flowing(b));
    const auto& a_add = a_.conference.calls.front();
    ASSERT_EQ(a_add.method, "add");
    // B sends to A's ports (A's participant was the first added there: base 40000) and back.
    EXPECT_EQ(b->streams[0].remote_rtp_port, 40000);
    EXPECT_EQ(b->streams[1].remote_rtp_port, 40002);
    EXPECT_EQ(a->streams[0].remote_rtp_port, 42000);
    EXPECT_EQ(a->streams[1].remote_rtp_port, 42002);
    EXPECT_EQ(a->streams[0].remote_address, "127.0.0.1");
    for (const auto* r : {a, b}) {
      EXPECT_EQ(r->streams[0].kind, mcu::MediaKind::kAudio);
      EXPECT_EQ(r->streams[1].kind, mcu::MediaKind::kVideo);
      EXPECT_EQ(r->streams[1].format.codec, codecs::CodecId::kH264);
      EXPECT_EQ(r->protocol, "h323");
    }
    // One audio format both ways: what A sends is what B sends.
    EXPECT_EQ(a->streams[0].format.codec, b->streams[0].format.codec);
    EXPECT_EQ(a->streams[0].payload_type, b->streams[0].payload_type);
  }

  asio::io_context io_;
  Side a_{io_, 40000};
  Side b_{io_, 42000};
};

class H323Modes : public H323Loopback, public ::testing::WithParamInterface<DialMode> {};

TEST_P(H323Modes, DialOutToOwnDialInOpensAudioAndVideoBothWaysAndHangsUpCleanly) {
  auto call = Dial("sales", GetParam());
  ASSERT_TRUE(call);
  ASSERT_TRUE(RunUntil([&] { return Flowing(a_.conference.LastUpdate()) && Flowing(b_.conference.LastUpdate()); }));
  ExpectMediaCrossed();
  ASSERT_EQ(b_.conference.participants.size(), 1u);
  EXPECT_EQ(b_.conference.calls.front().room, "1000");  // the alias found the room
  // videoFastUpdatePicture from B's side reaches A's room as a keyframe request.
  EXPECT_EQ(a_.conference.Count("keyframe"), 0u);
  call->RequestKeyframe();  // A asks B
  ASSERT_TRUE(RunUntil([&] { return b_.conference.Count("keyframe") == 1; }));

  call->Hangup({});
  ASSERT_TRUE(RunUntil([&] {
    return a_.conference.participants.empty() && b_.conference.participants.empty() && a_.endpoint.connections() == 0 &&
           b_.endpoint.connections() == 0;
  }));
  EXPECT_EQ(a_.gateway.active_calls(), 0u);
  EXPECT_EQ(b_.gateway.active_calls(), 0u);
}

INSTANTIATE_TEST_SUITE_P(AllH245Modes, H323Modes,
                         ::testing::Values(DialMode{.fast_start = true, .tunnelling = true},
                                           DialMode{.fast_start = false, .tunnelling = true},
                                           DialMode{.fast_start = false, .tunnelling = false}),
                         [](const auto& param_info) {
                           return std::string(param_info.param.fast_start ? "FastStart" : "SlowStart") +
                                  (param_info.param.tunnelling ? "Tunnelled" : "SeparateH245");
                         });

TEST_F(H323Loopback, TheCoresKeyframeRequestsBecomeVideoFastUpdatePictureToThePeer) {
  auto call = Dial("1000", DialMode{.fast_start = false, .tunnelling = true});
  ASSERT_TRUE(RunUntil([&] { return Flowing(a_.conference.LastUpdate()) && Flowing(b_.conference.LastUpdate()); }));
  // A's leg polls the core while B's video comes in; nothing asked, nothing sent.
  const int polls = a_.conference.keyframe_polls;
  ASSERT_TRUE(RunUntil([&] { return a_.conference.keyframe_polls >= polls + 2; }));
  EXPECT_EQ(b_.conference.Count("keyframe"), 0u);
  // A's engine sent a PLI for B's video: B hears videoFastUpdatePicture and asks its room.
  a_.conference.keyframes_asked[a_.conference.participants.at(0)] = 1;
  ASSERT_TRUE(RunUntil([&] { return b_.conference.Count("keyframe") == 1; }));
  EXPECT_EQ(b_.conference.calls.back().method, "keyframe");
  EXPECT_EQ(b_.conference.calls.back().participant, b_.conference.participants.at(0));
  // Taken once: later polls find nothing more to send.
  const int after = a_.conference.keyframe_polls;
  ASSERT_TRUE(RunUntil([&] { return a_.conference.keyframe_polls >= after + 2; }));
  EXPECT_EQ(b_.conference.Count("keyframe"), 1u);
  call->Hangup({});
  ASSERT_TRUE(RunUntil([&] { return a_.conference.participants.empty() && b_.conference.participants.empty(); }));
}

TEST_F(H323Loopback, DigitsFromUserInputIndicationOpenAPinRoom) {
  auto call = Dial("4711", DialMode{.fast_start = false, .tunnelling = true});
  ASSERT_TRUE(RunUntil([&] { return Flowing(b_.conference.LastUpdate()); }));
  EXPECT_TRUE(b_.conference.calls.front().request.lobby);
  for (char d : std::string("2468#"))
    call->SendDigit(d);
  ASSERT_TRUE(RunUntil([&] { return b_.conference.admitted.size() == 1; }));
  EXPECT_EQ(b_.conference.admitted[0], b_.conference.participants.at(0));
  call->Hangup({});
  ASSERT_TRUE(RunUntil([&] { return b_.conference.participants.empty(); }));
}

TEST_F(H323Loopback, AnAbruptTcpCloseRemovesBothParticipants) {
  auto call = Dial("1000", DialMode{.fast_start = true, .tunnelling = false});
  ASSERT_TRUE(RunUntil([&] { return Flowing(b_.conference.LastUpdate()); }));
  call->AbortForTest();
  ASSERT_TRUE(RunUntil([&] {
    return a_.conference.participants.empty() && b_.conference.participants.empty() && b_.endpoint.connections() == 0;
  }));
}

TEST_F(H323Loopback, TheCalleeHangingUpEndsTheCallersParticipantToo) {
  auto call = Dial("1000", DialMode{.fast_start = false, .tunnelling = true});
  ASSERT_TRUE(RunUntil([&] { return Flowing(a_.conference.LastUpdate()); }));
  b_.endpoint.Stop();  // releases every call of B
  ASSERT_TRUE(RunUntil([&] { return a_.conference.participants.empty() && b_.conference.participants.empty(); }));
  EXPECT_TRUE(call->call().ended());
}

// Records what an outgoing call sees.
struct Recorder : H323CallEvents {
  void OnCallEnded(const CallEnd& e) override { end = e; }
  std::optional<CallEnd> end;
};

TEST_F(H323Loopback, AnUnknownRoomIsReleasedWithUnallocatedNumber) {
  Recorder recorder;
  LocalMedia local{{"127.0.0.1", 30000}, {"127.0.0.1", 30001}, std::nullopt, std::nullopt};
  auto call = a_.endpoint.Dial({"127.0.0.1", b_.endpoint.port(), "no-such-room"}, local, {}, &recorder);
  ASSERT_TRUE(RunUntil([&] { return recorder.end.has_value(); }));
  EXPECT_EQ(recorder.end->who, CallEnd::Who::kRemote);
  EXPECT_EQ(recorder.end->reason.cause, q850::kUnallocatedNumber);
  EXPECT_EQ(recorder.end->reason.reason, h225::ReleaseCompleteReason::Tag::calledPartyNotRegistered);
  EXPECT_EQ(b_.conference.Count("add"), 0u);
}

TEST_F(H323Loopback, AFullRoomIsReleasedAsBusy) {
  b_.conference.rooms[0].participants = 10;
  Recorder recorder;
  LocalMedia local{{"127.0.0.1", 30000}, {"127.0.0.1", 30001}, std::nullopt, std::nullopt};
  a_.endpoint.Dial({"127.0.0.1", b_.endpoint.port(), "1000"}, local, {}, &recorder);
  ASSERT_TRUE(RunUntil([&] { return recorder.end.has_value(); }));
  EXPECT_EQ(recorder.end->reason.cause, q850::kUserBusy);
}

TEST_F(H323Loopback, APeerThatNeverAnswersTimesOut) {
  // A listener that accepts and says nothing.
  asio::ip::tcp::acceptor silent(io_, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket peer(io_);
  silent.async_accept(peer, [](const boost::system::error_code&) {});
  Recorder recorder;
  LocalMedia local{{"127.0.0.1", 30000}, {"127.0.0.1", 30001}, std::nullopt, std::nullopt};
  a_.endpoint.Dial({"127.0.0.1", silent.local_endpoint().port(), "1000"}, local, {}, &recorder);
  ASSERT_TRUE(RunUntil([&] { return recorder.end.has_value(); }, 5000ms));
  EXPECT_EQ(recorder.end->who, CallEnd::Who::kLocal);
  EXPECT_EQ(recorder.end->reason.cause, q850::kNoAnswer);
}

// A raw client on B's port.
class RawClient {
 public:
  RawClient(asio::io_context& io, uint16_t port) : socket_(io) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  void Write(const std::vector<uint8_t>& bytes) { asio::write(socket_, asio::buffer(bytes)); }
  // Reads until EOF (bounded by the test's loop): everything B sent.
  std::vector<uint8_t> ReadAll(asio::io_context& io) {
    std::vector<uint8_t> all;
    bool done = false;
    std::function<void()> next = [&] {
      socket_.async_read_some(asio::buffer(buffer_), [&](const boost::system::error_code& ec, size_t n) {
        if (ec) {
          done = true;
          return;
        }
        all.insert(all.end(), buffer_.begin(), buffer_.begin() + n);
        next();
      });
    };
    next();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done && std::chrono::steady_clock::now() < deadline)
      io.run_one_for(20ms);
    EXPECT_TRUE(done) << "the connection was not closed";
    return all;
  }

 private:
  asio::ip::tcp::socket socket_;
  std::array<uint8_t, 4096> buffer_{};
};

TEST_F(H323Loopback, GarbageOnTheCallSignallingPortClosesTheConnection) {
  RawClient client(io_, b_.endpoint.port());
  const std::string http = "GET / HTTP/1.0\r\n\r\n";
  client.Write(std::vector<uint8_t>(http.begin(), http.end()));
  EXPECT_TRUE(client.ReadAll(io_).empty());
  EXPECT_EQ(b_.endpoint.counters().framing_errors, 1u);
  EXPECT_EQ(b_.conference.Count("add"), 0u);
}

TEST_F(H323Loopback, ASetupWhosePerDoesNotDecodeIsReleasedWithInvalidContents) {
  Q931Message setup;
  setup.call_reference = 77;
  setup.message_type = static_cast<uint8_t>(Q931MessageType::kSetup);
  setup.Set(q931_ie::kBearerCapability, EncodeBearerCapability({}));
  setup.Set(q931_ie::kUserUser, {0x05, 0x20, 0xFF, 0xFF, 0xFF});  // a setup whose PER runs out
  auto payload = SerializeQ931(setup);
  ASSERT_TRUE(payload);
  std::vector<uint8_t> frame;
  ASSERT_TRUE(AppendTpkt(*payload, frame));
  RawClient client(io_, b_.endpoint.port());
  client.Write(frame);
  const std::vector<uint8_t> reply = client.ReadAll(io_);
  auto parsed = ParseTpkt(reply);
  ASSERT_EQ(parsed.status, TpktStatus::kFrame);
  auto q931 = ParseQ931(parsed.payload);
  ASSERT_TRUE(q931);
  EXPECT_EQ(q931->type(), Q931MessageType::kReleaseComplete);
  EXPECT_EQ(q931->call_reference, 77);
  EXPECT_TRUE(q931->from_destination);
  const auto* cause_ie = q931->Find(q931_ie::kCause);
  ASSERT_NE(cause_ie, nullptr);
  EXPECT_EQ(DecodeCause(cause_ie->contents)->value, q850::kInvalidIeContents);
}

TEST_F(H323Loopback, ASilentConnectionIsClosedAfterTheFirstMessageTimeout) {
  RawClient client(io_, b_.endpoint.port());
  EXPECT_TRUE(client.ReadAll(io_).empty());
  EXPECT_EQ(b_.endpoint.counters().silent_closed, 1u);
}

TEST(H323DialTarget, ParsesTheThreeAddressForms) {
  auto a = ParseDialTarget("192.0.2.7");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "192.0.2.7");
  EXPECT_EQ(a->port, 1720);
  auto b = ParseDialTarget("192.0.2.7:1820");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, 1820);
  auto c = ParseDialTarget("h323:room42@192.0.2.7");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->alias, "room42");
  auto d = ParseDialTarget("[2001:db8::1]:1721");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "2001:db8::1");
  EXPECT_EQ(d->port, 1721);
  EXPECT_FALSE(ParseDialTarget("example.com"));
  EXPECT_FALSE(ParseDialTarget("192.0.2.7:0"));
  EXPECT_FALSE(ParseDialTarget("@192.0.2.7"));
}

TEST(H323DialTarget, AnH245SuffixChoosesTheModeAndAnUnknownOneIsRefused) {
  auto none = ParseDialTarget("h323:room42@192.0.2.7:1721");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->mode);
  auto separate = ParseDialTarget("h323:room42@192.0.2.7:1721;h245=separate");
  ASSERT_TRUE(separate);
  EXPECT_EQ(separate->alias, "room42");
  EXPECT_EQ(separate->port, 1721);
  ASSERT_TRUE(separate->mode);
  EXPECT_FALSE(separate->mode->fast_start);
  EXPECT_FALSE(separate->mode->tunnelling);
  auto tunnelled = ParseDialTarget("192.0.2.7;h245=tunnelled");
  ASSERT_TRUE(tunnelled && tunnelled->mode);
  EXPECT_FALSE(tunnelled->mode->fast_start);
  EXPECT_TRUE(tunnelled->mode->tunnelling);
  auto fast = ParseDialTarget("[2001:db8::1]:1721;h245=fast-start");
  ASSERT_TRUE(fast && fast->mode);
  EXPECT_EQ(fast->host, "2001:db8::1");
  EXPECT_TRUE(fast->mode->fast_start && fast->mode->tunnelling);
  EXPECT_FALSE(ParseDialTarget("192.0.2.7;h245=slow"));
  EXPECT_FALSE(ParseDialTarget("192.0.2.7;mode=separate"));
  EXPECT_FALSE(ParseDialTarget("192.0.2.7;"));
}

}  // namespace
}  // namespace tessera::signaling::h323

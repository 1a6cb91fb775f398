// H245Session driven directly: two sessions wired back to back (as two terminals), and single
// messages in states where H.245 says what to do.
#include <gtest/gtest.h>

#include <deque>

#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/h323/h245_session.h"

namespace tessera::signaling::h323 {
namespace {

using namespace std::chrono_literals;
using Message = h245::MultimediaSystemControlMessage;
using Clock = H245Session::Clock;

struct Terminal : H245Session::Listener {
  explicit Terminal(H245Options o) : session(*this, std::move(o)) {}
  void SendH245(const Message& m) override {
    // Through the codec, as on the wire.
    auto bytes = asn1::EncodePer(m);
    ASSERT_TRUE(bytes) << bytes.error().ToString();
    out.push_back(std::move(*bytes));
  }
  void OnH245Capabilities(const RemoteCapabilities& c) override { caps = c; }
  void OnH245MasterSlave(bool m) override { master = m; }
  std::optional<ChannelAnswer> OnH245ChannelOffered(const IncomingChannel& in) override {
    offered.push_back(in);
    if (refuse_channels) return std::nullopt;
    return ChannelAnswer{{"127.0.0.1", 6000}, {"127.0.0.1", 6001}};
  }
  void OnH245ChannelAcked(const ChannelAck& a) override { acked.push_back(a); }
  void OnH245ChannelRejected(uint16_t n) override { rejected.push_back(n); }
  void OnH245ChannelClosed(uint16_t n, bool outgoing) override { closed.push_back({n, outgoing}); }
  void OnH245FastUpdate() override { ++fast_updates; }
  void OnH245FlowControl(int64_t bps) override { bitrate = bps; }
  void OnH245UserInput(char d) override { digits.push_back(d); }
  void OnH245RoundTrip(std::chrono::milliseconds) override { ++round_trips; }
  void OnH245EndSession() override { ++end_sessions; }
  void OnH245Failure(const std::string& r) override { failures.push_back(r); }

  H245Session session;
  std::deque<std::vector<uint8_t>> out;
  std::optional<RemoteCapabilities> caps;
  std::optional<bool> master;
  std::vector<IncomingChannel> offered;
  std::vector<ChannelAck> acked;
  std::vector<uint16_t> rejected;
  std::vector<std::pair<uint16_t, bool>> closed;
  int fast_updates = 0, round_trips = 0, end_sessions = 0;
  int64_t bitrate = -1;
  std::string digits;
  std::vector<std::string> failures;
  bool refuse_channels = false;
};

H245Options Options(uint16_t terminal_type, uint32_t seed) {
  H245Options o;
  o.terminal_type = terminal_type;
  o.random_seed = seed;
  return o;
}

// Delivers everything queued both ways until quiet.
void Pump(Terminal& a, Terminal& b, Clock::time_point now = Clock::now()) {
  for (int guard = 0; guard < 1000 && (!a.out.empty() || !b.out.empty()); ++guard) {
    if (!a.out.empty()) {
      auto m = std::move(a.out.front());
      a.out.pop_front();
      b.session.Receive(m, now);
    }
    if (!b.out.empty()) {
      auto m = std::move(b.out.front());
      b.out.pop_front();
      a.session.Receive(m, now);
    }
  }
}

TEST(H245Session, AnMcuIsMasterOverATerminalAndBothLearnTheOthersCapabilities) {
  Terminal mcu(Options(190, 7)), terminal(Options(50, 9));
  mcu.session.Start(Clock::now());
  terminal.session.Start(Clock::now());
  Pump(mcu, terminal);
  ASSERT_TRUE(mcu.master && terminal.master);
  EXPECT_TRUE(*mcu.master);
  EXPECT_FALSE(*terminal.master);
  ASSERT_TRUE(mcu.caps);
  EXPECT_FALSE(mcu.caps->audio.empty());
  EXPECT_FALSE(mcu.caps->video.empty());
  EXPECT_EQ(mcu.caps->telephone_event_payload_type, 101);
  EXPECT_TRUE(mcu.session.capabilities_sent_acked());
  EXPECT_TRUE(terminal.session.capabilities_sent_acked());
  EXPECT_FALSE(mcu.session.NextTimeout());  // every procedure finished: no timer left
}

TEST(H245Session, TwoMcusDecideByTheirRandomNumbersAndDisagreeNever) {
  for (uint32_t seed = 1; seed < 40; ++seed) {
    Terminal a(Options(190, seed)), b(Options(190, seed * 7919 + 3));
    a.session.Start(Clock::now());
    b.session.Start(Clock::now());
    Pump(a, b);
    ASSERT_TRUE(a.master && b.master) << seed;
    EXPECT_NE(*a.master, *b.master) << seed;
  }
}

TEST(H245Session, IdenticalNumbersAreRetriedAndGiveUpAfterN100) {
  // The same seed gives the same numbers every time: the determination can never succeed.
  Terminal a(Options(190, 5)), b(Options(190, 5));
  a.session.Start(Clock::now());
  b.session.Start(Clock::now());
  Pump(a, b);
  EXPECT_FALSE(a.master);
  ASSERT_FALSE(a.failures.empty());
  EXPECT_NE(a.failures[0].find("identical numbers"), std::string::npos);
}

TEST(H245Session, ChannelsOpenBothWaysAndCloseWithAcks) {
  Terminal a(Options(190, 1)), b(Options(60, 2));
  a.session.Start(Clock::now());
  b.session.Start(Clock::now());
  Pump(a, b);
  OutgoingChannel audio;
  audio.kind = mcu::MediaKind::kAudio;
  audio.format = {.codec = codecs::CodecId::kPcma, .clock_rate = 8000, .channels = 1};
  audio.payload_type = 8;
  audio.local_rtcp = {"127.0.0.1", 5001};
  auto number = a.session.OpenChannel(audio, Clock::now());
  ASSERT_TRUE(number);
  Pump(a, b);
  ASSERT_EQ(b.offered.size(), 1u);
  EXPECT_EQ(b.offered[0].format.codec, codecs::CodecId::kPcma);
  EXPECT_EQ(b.offered[0].payload_type, 8);
  EXPECT_EQ(b.offered[0].session_id, 1);
  ASSERT_TRUE(b.offered[0].remote_rtcp);
  EXPECT_EQ(b.offered[0].remote_rtcp->port, 5001);
  ASSERT_EQ(a.acked.size(), 1u);
  EXPECT_EQ(a.acked[0].remote_rtp, (MediaAddress{"127.0.0.1", 6000}));
  EXPECT_EQ(a.session.open_outgoing(), 1u);
  EXPECT_EQ(b.session.open_incoming(), 1u);

  a.session.CloseChannel(*number, Clock::now());
  Pump(a, b);
  EXPECT_EQ(a.session.open_outgoing(), 0u);
  EXPECT_EQ(b.session.open_incoming(), 0u);
  ASSERT_EQ(b.closed.size(), 1u);
  EXPECT_FALSE(b.closed[0].second);
}

TEST(H245Session, ARefusedChannelIsRejectedAndReportedToTheOpener) {
  Terminal a(Options(190, 1)), b(Options(60, 2));
  b.refuse_channels = true;
  OutgoingChannel video;
  video.kind = mcu::MediaKind::kVideo;
  video.format = codecs::DefaultVideoCapabilities()[1];
  video.payload_type = 109;
  video.local_rtcp = {"127.0.0.1", 5003};
  auto number = a.session.OpenChannel(video, Clock::now());
  Pump(a, b);
  ASSERT_EQ(a.rejected.size(), 1u);
  EXPECT_EQ(a.rejected[0], *number);
  ASSERT_EQ(b.offered.size(), 1u);
  EXPECT_EQ(b.offered[0].format.codec, codecs::CodecId::kH264);
  EXPECT_EQ(b.offered[0].payload_type, 109);
}

TEST(H245Session, CommandsAndIndicationsReachTheOtherSide) {
  Terminal a(Options(190, 1)), b(Options(60, 2));
  a.session.SendFastUpdate(2);
  a.session.SendFlowControl(2, 384000);
  a.session.SendUserInput('7', false);
  a.session.SendUserInput('#', true);
  a.session.SendRoundTripDelay(Clock::now());
  Pump(a, b);
  EXPECT_EQ(b.fast_updates, 1);
  EXPECT_EQ(b.bitrate, 384000);
  EXPECT_EQ(b.digits, "7#");
  EXPECT_EQ(a.round_trips, 1);
  a.session.EndSession();
  Pump(a, b);
  EXPECT_EQ(b.end_sessions, 1);
  EXPECT_TRUE(b.session.ended());  // answered with its own endSessionCommand
}

TEST(H245Session, AnswersOutOfStateAreCountedAndIgnored) {
  Terminal a(Options(190, 1));
  Message ack;
  ack.set_response().set_openLogicalChannelAck().forwardLogicalChannelNumber = 9;
  a.session.Receive(ack, Clock::now());
  Message msd_ack;
  msd_ack.set_response().set_masterSlaveDeterminationAck().decision.set_master();
  a.session.Receive(msd_ack, Clock::now());
  EXPECT_EQ(a.session.counters().out_of_state, 2u);
  EXPECT_TRUE(a.out.empty());
  EXPECT_FALSE(a.master);
}

TEST(H245Session, UndecodablePdusAreDroppedAndUnknownRequestsNotUnderstood) {
  Terminal a(Options(190, 1));
  const std::vector<uint8_t> garbage{0xFF, 0xFF, 0xFF};
  a.session.Receive(garbage, Clock::now());
  EXPECT_EQ(a.session.counters().undecodable, 1u);
  Message mode;
  mode.set_request().set_maintenanceLoopRequest();
  a.session.Receive(mode, Clock::now());
  ASSERT_EQ(a.out.size(), 1u);
  auto reply = asn1::DecodePer<Message>(a.out.front());
  ASSERT_TRUE(reply);
  ASSERT_TRUE(reply->indication());
  EXPECT_EQ(reply->indication()->tag(), h245::IndicationMessage::Tag::functionNotUnderstood);
}

TEST(H245Session, APeerThatNeverAnswersFailsTheCapabilityExchangeAtT101) {
  H245Options o = Options(190, 1);
  o.t101 = 1000ms;
  o.t106 = 5000ms;
  Terminal a(o);
  const auto t0 = Clock::now();
  a.session.Start(t0);
  ASSERT_TRUE(a.session.NextTimeout());
  EXPECT_EQ(*a.session.NextTimeout(), t0 + 1000ms);
  a.session.OnTimer(t0 + 999ms);
  EXPECT_TRUE(a.failures.empty());
  a.session.OnTimer(t0 + 1000ms);
  ASSERT_EQ(a.failures.size(), 1u);
  EXPECT_NE(a.failures[0].find("T101"), std::string::npos);
  a.session.OnTimer(t0 + 5000ms);  // then T106: MasterSlaveDeterminationRelease
  EXPECT_EQ(a.failures.size(), 2u);
}

}  // namespace
}  // namespace tessera::signaling::h323

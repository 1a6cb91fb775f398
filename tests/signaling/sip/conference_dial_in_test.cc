// Incoming SIP calls through ConferenceDialIn to a ConferenceControl double, seen from a
// raw UDP client: room lookup and refusals with their Warning and Retry-After, the answer
// to a real baresip offer, late offer, re-INVITE hold/resume and video removal, INFO
// keyframe requests and DTMF, and the participant removed on BYE and on CANCEL.
#include "tessera/signaling/sip/conference_dial_in.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>

#include "rfc4475_messages.h"
#include "sdp/real_offers.h"
#include "support/fake_conference.h"
#include "tessera/signaling/sdp/session_description.h"
#include "tessera/signaling/sip/parser.h"
#include "ua_harness.h"

namespace tessera::signaling::sip {
namespace {

using ::testing::HasSubstr;
using Kind = mcu::ControlError::Kind;
namespace asio = boost::asio;

std::string Lf(std::string_view sdp) {
  std::string out;
  for (char c : sdp) {
    if (c == '\n' && (out.empty() || out.back() != '\r')) out += '\r';
    out += c;
  }
  return out;
}

class ConferenceDialInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    control_.rooms = {{"1000", "Demo", {"demo"}, false, false, false, 0, 0},
                      {"2000", "Board", {}, true, false, false, 0, 0},
                      {"3000", "Pin", {}, false, true, false, 0, 0},
                      {"4000", "Full", {}, false, false, false, 2, 2}};
    options_.on_dtmf = [this](const std::string&, const std::string& id, const DtmfEvent& e) {
      dtmf_ += id + ":" + e.digit + " ";
    };
    dial_in_ = std::make_unique<ConferenceDialIn>(control_, options_);
    ua_ = h_.Make(testing::LoopbackUa(), *dial_in_);
    client_.open(asio::ip::udp::v4());
    client_.bind({asio::ip::make_address("127.0.0.1"), 0});
    server_ = {asio::ip::make_address("127.0.0.1"), ua_->transport().port(TransportType::kUdp)};
  }
  void TearDown() override {
    ua_.reset();
    dial_in_.reset();
  }

  Message Exchange(const std::string& text) {
    client_.send_to(asio::buffer(text), server_);
    std::array<char, 65536> buf;
    while (true) {
      size_t n = 0;
      asio::ip::udp::endpoint from;
      client_.async_receive_from(asio::buffer(buf), from, [&](auto, size_t len) { n = len; });
      if (!h_.Pump([&] { return n > 0; })) {
        ADD_FAILURE() << "no response to:\n" << text;
        return {};
      }
      auto m = ParseMessage(std::string_view(buf.data(), n));
      EXPECT_TRUE(m) << m.error().reason;
      if (m && m->status >= 200) return *m;
    }
  }
  void Send(const std::string& text) {
    client_.send_to(asio::buffer(text), server_);
    h_.Drain();
  }
  // A request in the call `call_id`; `to_tag` once the dialog exists.
  std::string Request(const std::string& method, const std::string& user, int cseq, const std::string& extra = {},
                      const std::string& body = {}, const std::string& to_tag = {}, std::string branch = {}) {
    if (branch.empty()) branch = "z9hG4bKdi" + std::to_string(++branch_);
    return testing::Crlf(method + " sip:" + user + "@127.0.0.1 SIP/2.0\n" + "Via: SIP/2.0/UDP 127.0.0.1:" +
                         std::to_string(client_.local_endpoint().port()) + ";branch=" + branch +
                         ";rport\nMax-Forwards: 70\nFrom: \"Room A\" <sip:alice@127.0.0.1>;tag=c1\nTo: <sip:" + user +
                         "@127.0.0.1>" + (to_tag.empty() ? "" : ";tag=" + to_tag) + "\nCall-ID: " + call_id_ +
                         "\nCSeq: " + std::to_string(cseq) + " " + method +
                         "\nContact: <sip:alice@127.0.0.1:" + std::to_string(client_.local_endpoint().port()) + ">\n" +
                         extra + "Content-Length: " + std::to_string(body.size()) + "\n\n") +
           body;
  }
  Message Invite(const std::string& user, const std::string& sdp) {
    call_id_ = "dialin-" + std::to_string(++calls_);
    invite_branch_ = "z9hG4bKinv" + std::to_string(calls_);
    return Exchange(
        Request("INVITE", user, 1, sdp.empty() ? "" : "Content-Type: application/sdp\n", sdp, {}, invite_branch_));
  }
  void Ack(const Message& ok, const std::string& user, const std::string& body = {}) {
    Send(
        Request("ACK", user, 1, body.empty() ? "" : "Content-Type: application/sdp\n", body, std::string(ok.to.Tag())));
  }

  testing::UaHarness h_;
  signaling::testing::FakeConference control_;
  ConferenceDialInOptions options_;
  std::unique_ptr<ConferenceDialIn> dial_in_;
  std::unique_ptr<UserAgent> ua_;
  asio::ip::udp::socket client_{h_.io};
  asio::ip::udp::endpoint server_;
  std::string call_id_, invite_branch_, dtmf_;
  int calls_ = 0, branch_ = 0;
};

// (Without an io_context in the options, as here, PIN rooms are refused; with one they
// open a lobby: sipp_binary_test.cc drives that against the real engine.)
TEST_F(ConferenceDialInTest, UnknownLockedPinAndFullRoomsAreRefused) {
  const std::string sdp = Lf(sdp::testing::kSippOffer);
  const Message unknown = Invite("9999", sdp);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.reason, "Room Not Found");
  EXPECT_EQ(Invite("2000", sdp).status, 403);
  const Message pin = Invite("3000", sdp);
  EXPECT_EQ(pin.status, 403);
  EXPECT_THAT(*pin.GetHeader("Warning"), HasSubstr("PIN rooms are not enabled on this server"));
  const Message full = Invite("4000", sdp);
  EXPECT_EQ(full.status, 503);
  EXPECT_EQ(*full.GetHeader("Retry-After"), "5");
  EXPECT_EQ(control_.Count("add"), 0u);
}

TEST_F(ConferenceDialInTest, AnOfferWithNothingUsableGets488WithAWarningSayingWhy) {
  const std::string g729 =
      Lf("v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
         "m=audio 5000 RTP/AVP 18\na=rtpmap:18 G729/8000\n");
  const Message r = Invite("1000", g729);
  EXPECT_EQ(r.status, 488);
  EXPECT_THAT(*r.GetHeader("Warning"), HasSubstr("399 tessera \"no usable media stream: m=audio (#1): no common "
                                                 "audio codec (offered: G729/8000)\""));
  EXPECT_EQ(control_.Count("add"), 0u);
}

TEST_F(ConferenceDialInTest, TheCoresRefusalsMapToSipStatuses) {
  struct Case {
    Kind kind;
    int status;
  };
  for (const Case& c : {Case{Kind::kNotFound, 404}, Case{Kind::kForbidden, 403}, Case{Kind::kUnavailable, 503},
                        Case{Kind::kBadRequest, 488}, Case{Kind::kInternal, 500}, Case{Kind::kConflict, 500}}) {
    control_.add_error = mcu::ControlError{c.kind, "the conference engine is not running in this build"};
    const Message r = Invite("demo", Lf(sdp::testing::kSippOffer));
    EXPECT_EQ(r.status, c.status);
    EXPECT_THAT(*r.GetHeader("Warning"), HasSubstr("conference engine is not running"));
    EXPECT_EQ(r.GetHeader("Retry-After") != nullptr, c.status == 503);
  }
  EXPECT_EQ(dial_in_->active_calls(), 0u);
}

TEST_F(ConferenceDialInTest, BaresipOfferJoinsTheRoomAndByeRemovesTheParticipant) {
  const Message ok = Invite("demo", Lf(sdp::testing::kBaresipOffer));
  ASSERT_EQ(ok.status, 200);
  ASSERT_EQ(control_.Count("add"), 1u);
  const auto& add = control_.calls[0];
  EXPECT_EQ(add.room, "1000");  // the alias resolved by FindRoom
  EXPECT_EQ(add.request.protocol, "sip");
  EXPECT_EQ(add.request.display_name, "Room A");
  EXPECT_EQ(add.request.remote, "sip:alice@127.0.0.1");
  ASSERT_EQ(add.request.streams.size(), 2u);
  EXPECT_EQ(add.request.streams[1].payload_type, 97);  // H.264 mode 1
  auto answer = sdp::ParseSdp(ok.body);
  ASSERT_TRUE(answer) << ok.body;
  ASSERT_EQ(answer->media.size(), 2u);
  EXPECT_EQ(answer->media[0].port, 50000);
  EXPECT_EQ(answer->media[1].formats, std::vector<std::string>{"97"});
  Ack(ok, "demo");
  EXPECT_EQ(dial_in_->active_calls(), 1u);
  EXPECT_EQ(Exchange(Request("BYE", "demo", 2, {}, {}, std::string(ok.to.Tag()))).status, 200);
  h_.Drain();
  EXPECT_EQ(control_.Count("remove"), 1u);
  EXPECT_TRUE(control_.participants.empty());
  EXPECT_EQ(dial_in_->active_calls(), 0u);
}

TEST_F(ConferenceDialInTest, ReinvitesHoldResumeAndDropVideoThroughUpdateParticipant) {
  const std::string offer = Lf(sdp::testing::kSippOffer);
  const Message ok = Invite("1000", offer);
  ASSERT_EQ(ok.status, 200);
  Ack(ok, "1000");
  const std::string tag(ok.to.Tag());

  // Each new offer carries a new o= version (RFC 3264 §8): an unchanged one is a refresh.
  auto version = [](std::string sdp, int v) {
    sdp.replace(sdp.find("2353687637"), 10, std::to_string(v));
    return sdp;
  };
  std::string hold = version(offer, 2);
  for (size_t p; (p = hold.find("a=sendrecv")) != std::string::npos;)
    hold.replace(p, 10, "a=sendonly");
  const Message held = Exchange(Request("INVITE", "1000", 2, "Content-Type: application/sdp\n", hold, tag));
  ASSERT_EQ(held.status, 200);
  Send(Request("ACK", "1000", 2, {}, {}, tag));
  ASSERT_EQ(control_.Count("update"), 1u);
  EXPECT_FALSE(control_.calls.back().request.streams[0].send);
  EXPECT_TRUE(control_.calls.back().request.streams[0].receive);
  EXPECT_THAT(held.body, HasSubstr("a=recvonly"));
  EXPECT_THAT(held.body, HasSubstr("o=tessera 1 2 IN IP4"));  // a new version of our SDP

  std::string no_video = version(offer, 3);
  no_video.replace(no_video.find("m=video 6002"), 12, "m=video 0");
  const Message dropped = Exchange(Request("INVITE", "1000", 3, "Content-Type: application/sdp\n", no_video, tag));
  ASSERT_EQ(dropped.status, 200);
  Send(Request("ACK", "1000", 3, {}, {}, tag));
  ASSERT_EQ(control_.Count("update"), 2u);
  EXPECT_EQ(control_.calls.back().request.streams[1].remote_rtp_port, 0);
  EXPECT_TRUE(control_.calls.back().request.streams[0].send);
  EXPECT_THAT(dropped.body, HasSubstr("m=video 0 "));

  // An unusable re-offer leaves the session as it was.
  const std::string g729 =
      Lf("v=0\no=- 1 2 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
         "m=audio 6000 RTP/AVP 18\nm=video 0 RTP/AVP 96\n");
  const Message refused = Exchange(Request("INVITE", "1000", 4, "Content-Type: application/sdp\n", g729, tag));
  EXPECT_EQ(refused.status, 488);
  EXPECT_THAT(*refused.GetHeader("Warning"), HasSubstr("no common audio codec"));
  Send(Request("ACK", "1000", 4, {}, {}, tag));
  EXPECT_EQ(control_.Count("update"), 2u);
  EXPECT_EQ(control_.participants.size(), 1u);
}

TEST_F(ConferenceDialInTest, InfoKeyframeRequestsAndDtmfReachTheirConsumers) {
  const Message ok = Invite("1000", Lf(sdp::testing::kSippOffer));
  ASSERT_EQ(ok.status, 200);
  Ack(ok, "1000");
  const std::string tag(ok.to.Tag());
  EXPECT_EQ(Exchange(Request("INFO", "1000", 2, "Content-Type: application/media_control+xml\n",
                             "<media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder>"
                             "</vc_primitive></media_control>",
                             tag))
                .status,
            200);
  EXPECT_EQ(control_.Count("keyframe"), 1u);
  EXPECT_EQ(control_.calls.back().participant, "p1");
  EXPECT_EQ(Exchange(Request("INFO", "1000", 3, "Content-Type: application/dtmf-relay\n",
                             "Signal=7\r\nDuration=160\r\n", tag))
                .status,
            200);
  EXPECT_EQ(dtmf_, "p1:7 ");
}

TEST_F(ConferenceDialInTest, LateOfferGetsOurOfferAndTheAnswerInTheAckUpdatesTheParticipant) {
  const Message ok = Invite("1000", "");
  ASSERT_EQ(ok.status, 200);
  ASSERT_EQ(control_.Count("add"), 1u);
  EXPECT_EQ(control_.calls[0].request.streams.size(), 2u);
  EXPECT_EQ(control_.calls[0].request.streams[0].remote_rtp_port, 0);
  auto offer = sdp::ParseSdp(ok.body);
  ASSERT_TRUE(offer) << ok.body;
  ASSERT_EQ(offer->media.size(), 2u);
  EXPECT_EQ(offer->media[0].port, 50000);
  const std::string answer =
      Lf("v=0\no=sipp 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
         "m=audio 6000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\nm=video 6002 RTP/AVP 96\na=rtpmap:96 H264/90000\n"
         "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1\n");
  Ack(ok, "1000", answer);
  ASSERT_EQ(control_.Count("update"), 1u);
  const auto& streams = control_.calls.back().request.streams;
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].format.codec, codecs::CodecId::kPcmu);
  EXPECT_EQ(streams[0].remote_rtp_port, 6000);
  EXPECT_TRUE(streams[0].send);
  EXPECT_EQ(streams[1].payload_type, 96);
}

TEST_F(ConferenceDialInTest, AnUnusableLateAnswerEndsTheCallAndTheParticipant) {
  const Message ok = Invite("1000", "");
  ASSERT_EQ(ok.status, 200);
  const std::string answer =
      Lf("v=0\no=x 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n"
         "m=audio 0 RTP/AVP 0\nm=video 0 RTP/AVP 96\n");
  Ack(ok, "1000", answer);
  ASSERT_TRUE(h_.Pump([&] { return control_.Count("remove") == 1; }));
  EXPECT_EQ(dial_in_->active_calls(), 0u);
}

TEST_F(ConferenceDialInTest, CancelBeforeTheAnswerNeverAddsAndCancelAfterIsTooLate) {
  // The dial-in answers at once, so a CANCEL finds the call answered: the 200 stands, and
  // the caller's BYE then removes the participant.
  const Message ok = Invite("1000", Lf(sdp::testing::kSippOffer));
  ASSERT_EQ(ok.status, 200);
  std::string cancel = Request("CANCEL", "1000", 1, {}, {}, {}, invite_branch_);
  EXPECT_EQ(Exchange(cancel).status, 200);
  Ack(ok, "1000");
  EXPECT_EQ(control_.participants.size(), 1u);
  EXPECT_EQ(Exchange(Request("BYE", "1000", 2, {}, {}, std::string(ok.to.Tag()))).status, 200);
  h_.Drain();
  EXPECT_TRUE(control_.participants.empty());
}

// The core removes a participant on its own (a kick, its room deleted): with an
// io_context, ConferenceDialIn registered the "sip" call ender, which hangs the call up
// with BYE later on that thread (not inside the core's call); the call's own end then finds
// the participant gone. The ender goes with the adapter, and a task it posted late does
// nothing.
TEST_F(ConferenceDialInTest, TheCoresCallEnderHangsTheCallUpWithByeAndGoesWithTheAdapter) {
  EXPECT_FALSE(control_.enders.contains("sip")) << "registered without an io_context";
  ua_.reset();
  dial_in_.reset();
  options_.io = &h_.io;
  dial_in_ = std::make_unique<ConferenceDialIn>(control_, options_);
  ua_ = h_.Make(testing::LoopbackUa(), *dial_in_);
  server_ = {asio::ip::make_address("127.0.0.1"), ua_->transport().port(TransportType::kUdp)};
  ASSERT_TRUE(control_.enders.contains("sip"));

  const Message ok = Invite("1000", Lf(sdp::testing::kSippOffer));
  ASSERT_EQ(ok.status, 200);
  Ack(ok, "1000");
  ASSERT_EQ(control_.participants.size(), 1u);
  const std::string id = control_.participants.front();
  // As ConferenceManager::KickParticipant does: out of the core first, then the ender.
  ASSERT_TRUE(control_.RemoveParticipant("1000", id));
  control_.enders.at("sip")("1000", id, "removed by the operator");
  EXPECT_EQ(dial_in_->active_calls(), 1u) << "hung up inside the core's call";

  std::array<char, 65536> buf;
  size_t n = 0;
  client_.async_receive_from(asio::buffer(buf), server_, [&](auto, size_t len) { n = len; });
  ASSERT_TRUE(h_.Pump([&] { return n > 0; })) << "no BYE";
  auto bye = ParseMessage(std::string_view(buf.data(), n));
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->method, Method::kBye);
  ASSERT_TRUE(h_.Pump([&] { return dial_in_->active_calls() == 0; }));
  EXPECT_EQ(control_.Count("remove"), 2u) << "the kick's, then the call's own, which found nobody";

  const auto ender = control_.enders.at("sip");
  ua_.reset();
  dial_in_.reset();
  EXPECT_FALSE(control_.enders.contains("sip"));
  ender("1000", id, "late");  // a core that copied the ender before it was removed
  h_.Drain();
  EXPECT_EQ(control_.Count("remove"), 2u);
}

TEST_F(ConferenceDialInTest, ParticipantsOfCallsStillUpAreRemovedWhenTheUserAgentStops) {
  const Message ok = Invite("1000", Lf(sdp::testing::kSippOffer));
  ASSERT_EQ(ok.status, 200);
  Ack(ok, "1000");
  ASSERT_EQ(control_.participants.size(), 1u);
  ua_->Stop();
  h_.Drain();
  EXPECT_TRUE(control_.participants.empty());
}

}  // namespace
}  // namespace tessera::signaling::sip

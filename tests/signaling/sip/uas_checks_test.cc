// What every UAS must check before it does anything (RFC 3261 §8.2), seen from a raw UDP
// client: OPTIONS, unsupported URI schemes, extensions, bodies, methods, unknown dialogs,
// loops, too-short session intervals, malformed SDP, CANCEL without INVITE — including the
// RFC 4475 application-layer torture messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>

#include "rfc4475_messages.h"
#include "support/fake_conference.h"
#include "tessera/signaling/sip/conference_dial_in.h"
#include "tessera/signaling/sip/parser.h"
#include "ua_harness.h"

namespace tessera::signaling::sip {
namespace {

using ::testing::HasSubstr;
namespace asio = boost::asio;

class UasChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ua_ = h_.Make(testing::LoopbackUa(), handler_);
    client_.open(asio::ip::udp::v4());
    client_.bind({asio::ip::make_address("127.0.0.1"), 0});
    server_ = {asio::ip::make_address("127.0.0.1"), ua_->transport().port(TransportType::kUdp)};
  }
  // Sends a request and returns the first final response (skipping 100 Trying).
  Message Exchange(std::string text) {
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
  std::string Request(std::string method, std::string extra = {}, std::string body = {},
                      std::string uri = "sip:1000@127.0.0.1") {
    static int n = 0;
    const std::string branch = "z9hG4bKchk" + std::to_string(++n);
    return testing::Crlf(method + " " + uri + " SIP/2.0\n" + "Via: SIP/2.0/UDP 127.0.0.1:" +
                         std::to_string(client_.local_endpoint().port()) + ";branch=" + branch +
                         ";rport\nMax-Forwards: 70\nFrom: <sip:probe@127.0.0.1>;tag=c1\nTo: <sip:1000@127.0.0.1>\n"
                         "Call-ID: " +
                         branch + "\nCSeq: 1 " + method + "\nContact: <sip:probe@127.0.0.1>\n" + extra +
                         "Content-Length: " + std::to_string(body.size()) + "\n\n") +
           body;
  }

  testing::UaHarness h_;
  testing::ScriptedHandler handler_;
  std::unique_ptr<UserAgent> ua_;
  asio::ip::udp::socket client_{h_.io};
  asio::ip::udp::endpoint server_;
};

TEST_F(UasChecksTest, OptionsIsAnsweredWithCapabilities) {
  const Message r = Exchange(Request("OPTIONS"));
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(*r.GetHeader("Allow"), HasSubstr("INVITE"));
  EXPECT_THAT(*r.GetHeader("Allow"), HasSubstr("UPDATE"));
  EXPECT_EQ(*r.GetHeader("Accept"), "application/sdp");
  EXPECT_TRUE(r.HasOptionTag("Supported", "timer"));
  EXPECT_TRUE(r.HasOptionTag("Supported", "100rel"));
  EXPECT_FALSE(r.to.Tag().empty());
  EXPECT_EQ(*r.GetHeader("Server"), "Tessera");
}

TEST_F(UasChecksTest, ZeroMaxForwardsOptionsIsStillAnsweredByAnEndpoint) {
  auto msg = testing::Torture("zeromf").bytes;
  msg.replace(msg.find("host1.example.com"), 17, "127.0.0.1:" + std::to_string(client_.local_endpoint().port()));
  msg.replace(msg.find("kdjuw2349i"), 10, "kdjuw2349i;rport");
  EXPECT_EQ(Exchange(msg).status, 200);
}

TEST_F(UasChecksTest, UnknownUriSchemeIs416) {
  auto msg = testing::Torture("unkscm").bytes;
  msg.replace(msg.find("SIP/2.0/TCP host9.example.com"), 29,
              "SIP/2.0/UDP 127.0.0.1:" + std::to_string(client_.local_endpoint().port()));
  msg.replace(msg.find("kdjuw39234"), 10, "kdjuw39234;rport");
  EXPECT_EQ(Exchange(msg).status, 416);
}

TEST_F(UasChecksTest, UnknownRequiredExtensionIs420ListingIt) {
  const Message r = Exchange(Request("OPTIONS", "Require: nothingSupportsThis, timer\n"));
  EXPECT_EQ(r.status, 420);
  EXPECT_EQ(*r.GetHeader("Unsupported"), "nothingSupportsThis");
}

TEST_F(UasChecksTest, UnknownBodyTypeIs415WithAccept) {
  const Message r = Exchange(Request("INVITE", "Content-Type: application/unknownformat\n", "<audio/>"));
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(*r.GetHeader("Accept"), "application/sdp");
  EXPECT_TRUE(handler_.calls.empty());
}

TEST_F(UasChecksTest, MalformedSdpIs400NamingTheLine) {
  const Message r = Exchange(Request("INVITE", "Content-Type: application/sdp\n", "v=0\r\no=broken\r\n"));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.reason, HasSubstr("Malformed SDP: line 2: o="));
}

TEST_F(UasChecksTest, InviteWithoutContactIs400) {
  std::string msg = Request("INVITE");
  msg.erase(msg.find("Contact:"), std::string("Contact: <sip:probe@127.0.0.1>\r\n").size());
  EXPECT_EQ(Exchange(msg).reason, "Missing Contact header");
}

TEST_F(UasChecksTest, MethodsWeDoNotServeAre405OrUnknownOnes501) {
  Message r = Exchange(Request("REGISTER"));
  EXPECT_EQ(r.status, 405);
  EXPECT_THAT(*r.GetHeader("Allow"), HasSubstr("OPTIONS"));
  r = Exchange(Request("FROBNICATE"));
  EXPECT_EQ(r.status, 501);
  EXPECT_NE(r.GetHeader("Allow"), nullptr);
}

TEST_F(UasChecksTest, RequestsForUnknownDialogsAre481) {
  std::string bye = Request("BYE");
  bye.replace(bye.find("To: <sip:1000@127.0.0.1>"), 24, "To: <sip:1000@127.0.0.1>;tag=nope");
  EXPECT_EQ(Exchange(bye).status, 481);
  EXPECT_EQ(Exchange(Request("CANCEL")).status, 481);
}

TEST_F(UasChecksTest, TooShortSessionIntervalIs422WithMinSe) {
  const Message r = Exchange(Request("INVITE", "Session-Expires: 30\nSupported: timer\n"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(*r.GetHeader("Min-SE"), "90");
}

TEST_F(UasChecksTest, MergedRequestIsALoop) {
  handler_.on_call = [](Call& c) { c.Ring(); };
  const std::string first = Request("INVITE");
  client_.send_to(asio::buffer(first), server_);
  ASSERT_TRUE(h_.Pump([&] { return handler_.calls.size() == 1; }));
  std::string second = first;
  second.replace(second.find("branch=z9hG4bKchk"), 17, "branch=z9hG4bKfork");
  EXPECT_EQ(Exchange(second).status, 482);
}

TEST_F(UasChecksTest, CancelAnswers200AndTheInvite487) {
  handler_.on_call = [](Call& c) { c.Ring(); };
  const std::string invite = Request("INVITE");
  client_.send_to(asio::buffer(invite), server_);
  ASSERT_TRUE(h_.Pump([&] { return handler_.calls.size() == 1; }));
  std::string cancel = invite;
  cancel.replace(cancel.find("INVITE sip"), 6, "CANCEL");
  cancel.replace(cancel.find("1 INVITE"), 8, "1 CANCEL");
  const Message r = Exchange(cancel);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.cseq.method, "CANCEL");
  // The INVITE's 487 follows (with retransmissions until our ACK; we do not send one).
  std::array<char, 65536> buf;
  bool got487 = false;
  while (!got487) {
    size_t n = 0;
    asio::ip::udp::endpoint from;
    client_.async_receive_from(asio::buffer(buf), from, [&](auto, size_t len) { n = len; });
    ASSERT_TRUE(h_.Pump([&] { return n > 0; }));
    auto m = ParseMessage(std::string_view(buf.data(), n));
    got487 = m && m->status == 487;
  }
  ASSERT_TRUE(h_.Pump([&] { return handler_.observers[0]->ended(); }));
  EXPECT_EQ(handler_.observers[0]->end->reason, CallEnd::Reason::kCancelled);
}

TEST_F(UasChecksTest, InfoCarriesDtmfAndKeyframeRequests) {
  handler_.on_call = [](Call& c) { c.Answer(testing::TestSdp("mcu", 20000)); };
  const std::string invite = Request("INVITE", "Content-Type: application/sdp\n", testing::TestSdp("probe", 30000));
  const Message ok = Exchange(invite);
  ASSERT_EQ(ok.status, 200);
  const std::string to = "To: <sip:1000@127.0.0.1>;tag=" + std::string(ok.to.Tag());
  auto in_dialog = [&](std::string method, int cseq, std::string extra, std::string body) {
    std::string m = Request(method, extra, body);
    m.replace(m.find("To: <sip:1000@127.0.0.1>"), 24, to);
    m.replace(m.find("Call-ID: z9hG4bKchk"), std::string("Call-ID: z9hG4bKchk").size() + 2, "Call-ID: " + ok.call_id);
    m.replace(m.find("CSeq: 1 "), 8, "CSeq: " + std::to_string(cseq) + " ");
    return m;
  };
  // The ACK (no response expected).
  std::string ack = in_dialog("ACK", 1, "", "");
  client_.send_to(asio::buffer(ack), server_);
  ASSERT_TRUE(h_.Pump([&] { return handler_.calls[0]->state() == CallState::kConfirmed; }));
  EXPECT_EQ(
      Exchange(in_dialog("INFO", 2, "Content-Type: application/dtmf-relay\n", "Signal=4\r\nDuration=160\r\n")).status,
      200);
  EXPECT_EQ(Exchange(in_dialog("INFO", 3, "Content-Type: application/dtmf\n", "2")).status, 200);
  EXPECT_EQ(Exchange(in_dialog("INFO", 4, "Content-Type: application/media_control+xml\n",
                               "<media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder>"
                               "</vc_primitive></media_control>"))
                .status,
            200);
  EXPECT_EQ(Exchange(in_dialog("INFO", 5, "Content-Type: text/plain\n", "hello")).status, 415);
  EXPECT_EQ(Exchange(in_dialog("INFO", 5, "", "")).status, 500);  // CSeq not above the last one
  EXPECT_EQ(handler_.observers[0]->digits, "42");
  EXPECT_EQ(handler_.observers[0]->events.back(), "keyframe");
  EXPECT_EQ(Exchange(in_dialog("BYE", 7, "", "")).status, 200);
  EXPECT_EQ(handler_.observers[0]->end->reason, CallEnd::Reason::kRemoteHangup);
}

// Incoming calls find rooms by Request-URI user, or by To user when a PBX routes the call
// to our registered contact; with no conference engine the core refuses with 503.
class DialInTest : public UasChecksTest {
 protected:
  void SetUp() override {
    control_.rooms = {{"1000", "", {"demo"}, false, false, false, 0, 0}, {"2000", "", {}, true, false, false, 0, 0}};
    control_.add_error =
        mcu::ControlError{mcu::ControlError::Kind::kUnavailable, "the conference engine is not running"};
    ua_ = h_.Make(testing::LoopbackUa(), dial_in_);
    client_.open(asio::ip::udp::v4());
    client_.bind({asio::ip::make_address("127.0.0.1"), 0});
    server_ = {asio::ip::make_address("127.0.0.1"), ua_->transport().port(TransportType::kUdp)};
  }
  void TearDown() override { ua_.reset(); }
  signaling::testing::FakeConference control_;
  ConferenceDialIn dial_in_{control_};
};

TEST_F(DialInTest, RoomsAreFoundByRequestUriUserEscapedAliasOrToUser) {
  const std::string sdp = testing::TestSdp("probe", 30000);
  auto invite = [&](std::string uri, std::string to_user) {
    std::string m = Request("INVITE", "Content-Type: application/sdp\n", sdp, uri);
    m.replace(m.find("To: <sip:1000@127.0.0.1>"), 24, "To: <sip:" + to_user + "@127.0.0.1>");
    return Exchange(m);
  };
  EXPECT_EQ(invite("sip:9999@127.0.0.1", "9999").status, 404);
  EXPECT_EQ(invite("sip:2000@127.0.0.1", "2000").status, 403);
  const Message busy = invite("sip:%64emo@127.0.0.1", "demo");  // escaped alias
  EXPECT_EQ(busy.status, 503);
  EXPECT_THAT(*busy.GetHeader("Warning"), HasSubstr("conference engine is not running"));
  EXPECT_EQ(invite("sip:tessera@127.0.0.1", "1000").status, 503);  // via a PBX: the To user
  ASSERT_EQ(control_.Count("add"), 2u);
  EXPECT_EQ(control_.calls[0].room, "1000");
  EXPECT_EQ(control_.calls[1].room, "1000");
}

}  // namespace
}  // namespace tessera::signaling::sip

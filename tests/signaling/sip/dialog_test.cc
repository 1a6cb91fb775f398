// Dialogs (RFC 3261 §12), session-timer decisions (RFC 4028) and INFO DTMF bodies: the pure
// logic under the INVITE sessions.
#include "tessera/signaling/sip/dialog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rfc4475_messages.h"
#include "tessera/signaling/sip/dtmf.h"
#include "tessera/signaling/sip/parser.h"
#include "tessera/signaling/sip/session_timer.h"
#include "tessera/signaling/sip/transaction.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;

Message Parse(const std::string& text) {
  auto m = ParseMessage(testing::Crlf(text));
  EXPECT_TRUE(m) << m.error().reason;
  return m ? *m : Message{};
}

const char* kInviteViaProxies = R"(INVITE sip:1000@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1
Via: SIP/2.0/UDP 192.0.2.9:5062;branch=z9hG4bKa
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
From: "Alice" <sip:alice@example.com>;tag=a1
To: <sip:1000@192.0.2.1>
Call-ID: d1
CSeq: 10 INVITE
Contact: <sip:alice@192.0.2.9:5062>
Content-Length: 0

)";

NameAddr Contact(const char* uri) {
  NameAddr c;
  c.uri = *ParseUri(uri);
  return c;
}

TEST(Dialog, UasDialogKeepsTheRouteSetInOrderAndBuildsLooseRoutedRequests) {
  auto d = Dialog::FromRequest(Parse(kInviteViaProxies), "b1", Contact("sip:tessera@192.0.2.1"));
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->id().call_id, "d1");
  EXPECT_EQ(d->id().local_tag, "b1");
  EXPECT_EQ(d->id().remote_tag, "a1");
  EXPECT_EQ(d->remote_seq(), 10u);
  ASSERT_EQ(d->route_set().size(), 2u);
  EXPECT_EQ(d->route_set()[0].uri.host, "p1.example.com");
  EXPECT_EQ(d->NextHop().host, "p1.example.com");

  const Message bye = d->CreateRequest(Method::kBye);
  EXPECT_EQ(bye.request_uri.ToString(), "sip:alice@192.0.2.9:5062");  // the remote target
  ASSERT_EQ(bye.route.size(), 2u);
  EXPECT_EQ(bye.route[1].uri.host, "p2.example.com");
  EXPECT_EQ(bye.from.Tag(), "b1");
  EXPECT_EQ(bye.to.Tag(), "a1");
  EXPECT_EQ(bye.to.PlainDisplayName(), "Alice");
  EXPECT_EQ(bye.cseq.method, "BYE");
  const uint32_t first = bye.cseq.number;
  EXPECT_EQ(d->CreateRequest(Method::kInfo).cseq.number, first + 1);
  EXPECT_EQ(d->CreateRequest(Method::kAck, 77).cseq.number, 77u);  // ACK reuses the INVITE's
}

TEST(Dialog, UacDialogReversesRecordRouteAndTakesTheTarget) {
  Message request = Parse(R"(INVITE sip:1000@mcu.example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx
From: <sip:tessera@192.0.2.1>;tag=t1
To: <sip:1000@mcu.example.com>
Call-ID: d2
CSeq: 4 INVITE
Contact: <sip:tessera@192.0.2.1>
Content-Length: 0

)");
  Message ok = MakeResponse(request, 200, {}, "r1");
  ok.record_route = {Contact("sip:p2.example.com;lr"), Contact("sip:p1.example.com;lr")};
  ok.contact = {Contact("sip:room@192.0.2.50:5070")};
  auto d = Dialog::FromResponse(request, ok, Contact("sip:tessera@192.0.2.1"));
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->state(), Dialog::State::kConfirmed);
  EXPECT_EQ(d->id().local_tag, "t1");
  EXPECT_EQ(d->id().remote_tag, "r1");
  EXPECT_EQ(d->route_set().front().uri.host, "p1.example.com");
  EXPECT_EQ(d->remote_target().ToString(), "sip:room@192.0.2.50:5070");
  EXPECT_EQ(d->CreateRequest(Method::kBye).cseq.number, 5u);
  EXPECT_FALSE(Dialog::FromResponse(request, MakeResponse(request, 180), Contact("sip:x@y")));  // no To tag
}

TEST(Dialog, StrictRouteBecomesTheRequestUri) {
  Message invite = Parse(kInviteViaProxies);
  invite.record_route = {Contact("sip:strict.example.com"), Contact("sip:p2.example.com;lr")};
  auto d = Dialog::FromRequest(invite, "b1", Contact("sip:tessera@192.0.2.1"));
  ASSERT_TRUE(d);
  const Message bye = d->CreateRequest(Method::kBye);
  EXPECT_EQ(bye.request_uri.host, "strict.example.com");
  ASSERT_EQ(bye.route.size(), 2u);
  EXPECT_EQ(bye.route[1].uri.ToString(), "sip:alice@192.0.2.9:5062");  // target last (§12.2.1.1)
}

TEST(Dialog, RefusesOutOfOrderRequestsAndRefreshesTheTarget) {
  auto d = Dialog::FromRequest(Parse(kInviteViaProxies), "b1", Contact("sip:tessera@192.0.2.1"));
  ASSERT_TRUE(d);
  Message reinvite = Parse(kInviteViaProxies);
  reinvite.cseq.number = 9;
  EXPECT_FALSE(d->AcceptRemoteCSeq(reinvite));
  reinvite.cseq.number = 11;
  reinvite.contact = {Contact("sip:alice@192.0.2.99:6000")};
  EXPECT_TRUE(d->AcceptRemoteCSeq(reinvite));
  d->RefreshTarget(reinvite);
  EXPECT_EQ(d->remote_target().host, "192.0.2.99");
  EXPECT_FALSE(Dialog::FromRequest(
      Parse(std::string(kInviteViaProxies).replace(std::string(kInviteViaProxies).find("Contact:"), 42, "")), "b",
      Contact("sip:x@y")));
}

Message WithHeaders(std::initializer_list<std::pair<const char*, const char*>> headers) {
  Message m = Parse(kInviteViaProxies);
  for (auto [n, v] : headers)
    m.AddHeader(n, v);
  return m;
}

TEST(SessionTimer, UasHonoursTheRequestedIntervalAndRefresher) {
  const SessionTimerSettings settings{1800s, 90s};
  auto d = DecideAsUas(WithHeaders({{"Supported", "timer"}, {"Session-Expires", "600;refresher=uas"}}), settings);
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->seconds, 600u);
  EXPECT_TRUE(d.we_refresh);
  EXPECT_FALSE(d.require_timer);
  EXPECT_EQ(d.response->ToString(), "600;refresher=uas");
}

TEST(SessionTimer, UasShortensLongIntervalsButNeverBelowMinSe) {
  auto d =
      DecideAsUas(WithHeaders({{"Supported", "timer"}, {"Session-Expires", "7200"}, {"Min-SE", "3600"}}), {1800s, 90s});
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->seconds, 3600u);
  EXPECT_EQ(d.response->refresher, Refresher::kUac);  // the caller supports timers: it refreshes
  EXPECT_TRUE(d.require_timer);
}

TEST(SessionTimer, TooSmallIntervalIsRejectedWith422) {
  auto d = DecideAsUas(WithHeaders({{"Session-Expires", "30"}}), {1800s, 90s});
  EXPECT_TRUE(d.reject_422);
  EXPECT_EQ(d.min_se, 90u);
}

TEST(SessionTimer, UasStartsATimerItselfWhenTheCallerHasNone) {
  auto plain = DecideAsUas(WithHeaders({}), {1800s, 90s});
  ASSERT_TRUE(plain.response);
  EXPECT_EQ(plain.response->refresher, Refresher::kUas);  // a caller without timer support cannot refresh
  EXPECT_TRUE(plain.we_refresh);
  auto off = DecideAsUas(WithHeaders({}), {0s, 90s});
  EXPECT_FALSE(off.response);
}

TEST(SessionTimer, UacReadsTheRefresherFromThe2xx) {
  Message ok = Message::Response(200, "");
  EXPECT_FALSE(ReadAsUac(ok));
  ok.AddHeader("Session-Expires", "1800;refresher=uas");
  EXPECT_FALSE(ReadAsUac(ok)->we_refresh);
  ok.SetHeader("x", "90");
  EXPECT_TRUE(ReadAsUac(ok)->we_refresh);  // no refresher parameter: the UAC refreshes
  EXPECT_EQ(RefreshAfter(90), 45s);
  EXPECT_EQ(ExpireAfter(90), 60s);      // 90 - min(32, 30)
  EXPECT_EQ(ExpireAfter(1800), 1768s);  // 1800 - 32
  EXPECT_FALSE(ParseSessionExpires("0"));
  EXPECT_FALSE(ParseSessionExpires("abc"));
}

TEST(Dtmf, ParsesDtmfRelayBodies) {
  EXPECT_EQ(ParseDtmfRelay("Signal=5\r\nDuration=160\r\n"), (DtmfEvent{'5', 160ms}));
  EXPECT_EQ(ParseDtmfRelay("Signal= *\nDuration= 250"), (DtmfEvent{'*', 250ms}));
  EXPECT_EQ(ParseDtmfRelay("signal=11\r\n"), (DtmfEvent{'#', 0ms}));  // RFC 4733 event code
  EXPECT_EQ(ParseDtmfRelay("Signal=d\r\nDuration=100\r\n"), (DtmfEvent{'D', 100ms}));
  EXPECT_FALSE(ParseDtmfRelay("Signal=X\r\n"));
  EXPECT_FALSE(ParseDtmfRelay("Duration=100\r\n"));
  EXPECT_FALSE(ParseDtmfRelay(""));
}

TEST(Dtmf, ParsesApplicationDtmfAndPictureFastUpdate) {
  EXPECT_EQ(ParseDtmf("7"), (DtmfEvent{'7', 0ms}));
  EXPECT_EQ(ParseDtmf("#\r\n"), (DtmfEvent{'#', 0ms}));
  EXPECT_FALSE(ParseDtmf("77"));
  EXPECT_TRUE(IsPictureFastUpdate(
      R"(<?xml version="1.0" encoding="utf-8" ?><media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder></vc_primitive></media_control>)"));
  EXPECT_FALSE(IsPictureFastUpdate("<media_control></media_control>"));
}

}  // namespace
}  // namespace tessera::signaling::sip

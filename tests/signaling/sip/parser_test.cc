// Parser and serializer behaviour beyond the RFC 4475 set: compact forms, folding, lists,
// limits, stream framing and the messages we build ourselves.
#include "tessera/signaling/sip/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rfc4475_messages.h"
#include "tessera/testing/paths.h"

namespace tessera::signaling::sip {
namespace {

using testing::Crlf;
using ::testing::HasSubstr;

const std::string kInvite = Crlf(R"(INVITE sip:1000@192.0.2.10 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.20:5080;branch=z9hG4bK776asdhds;rport
Max-Forwards: 70
To: <sip:1000@192.0.2.10>
From: "Alice" <sip:alice@192.0.2.20:5080>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@192.0.2.20:5080>
Supported: timer, 100rel
Allow: INVITE, ACK, CANCEL, BYE, OPTIONS
Session-Expires: 1800;refresher=uac
Content-Type: application/sdp
Content-Length: 5

v=0
)");

TEST(SipParser, ParsesATypicalInvite) {
  auto msg = ParseMessage(kInvite);
  ASSERT_TRUE(msg) << msg.error().reason;
  EXPECT_TRUE(msg->is_request);
  EXPECT_EQ(msg->method, Method::kInvite);
  EXPECT_EQ(msg->request_uri.user, "1000");
  EXPECT_EQ(msg->via[0].port, 5080);
  EXPECT_TRUE(msg->via[0].params.Has("rport"));
  EXPECT_EQ(msg->via[0].SentBy(), "192.0.2.20:5080");
  EXPECT_EQ(msg->from.PlainDisplayName(), "Alice");
  EXPECT_EQ(msg->cseq.number, 314159u);
  EXPECT_TRUE(msg->HasOptionTag("Supported", "100rel"));
  EXPECT_TRUE(msg->HasOptionTag("supported", "TIMER"));
  EXPECT_FALSE(msg->HasOptionTag("Require", "timer"));
  EXPECT_EQ(msg->GetHeaderList("Allow").size(), 5u);
  EXPECT_EQ(*msg->GetHeader("x"), "1800;refresher=uac");  // compact form of Session-Expires
  EXPECT_EQ(msg->body, "v=0\r\n");
}

TEST(SipParser, ExpandsCompactHeaderNames) {
  const std::string text = Crlf(R"(OPTIONS sip:x@h SIP/2.0
v: SIP/2.0/TCP h:5060;branch=z9hG4bKa
f: <sip:a@h>;tag=1
t: <sip:x@h>
i: id1
CSeq: 1 OPTIONS
m: <sip:a@h>
k: timer
c: text/plain
l: 2

hi)");
  auto msg = ParseMessage(text);
  ASSERT_TRUE(msg) << msg.error().reason;
  EXPECT_EQ(msg->call_id, "id1");
  EXPECT_EQ(msg->contact.size(), 1u);
  EXPECT_EQ(msg->content_type, "text/plain");
  EXPECT_TRUE(msg->HasOptionTag("Supported", "timer"));
  EXPECT_EQ(msg->headers[0].name, "Supported");
  EXPECT_EQ(msg->body, "hi");
}

TEST(SipParser, CollectsViasAndContactsAcrossLinesAndCommas) {
  const std::string text = Crlf(R"(SIP/2.0 200 OK
Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070;branch=z9hG4bK2
Via: SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bK3;received=2001:db8::10;rport=40000
From: <sip:a@h>;tag=1
To: <sip:x@h>;tag=2
Call-ID: id2
CSeq: 7 INVITE
Contact: "Doe, John" <sip:j@h>;q=0.5, <sip:k@h>
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
Content-Length: 0

)");
  auto msg = ParseMessage(text);
  ASSERT_TRUE(msg) << msg.error().reason;
  ASSERT_EQ(msg->via.size(), 3u);
  EXPECT_EQ(msg->via[1].port, 5070);
  EXPECT_EQ(msg->via[2].host, "[2001:db8::9]");
  EXPECT_EQ(msg->via[2].params.Get("received"), "2001:db8::10");
  EXPECT_EQ(msg->via[2].params.Get("rport"), "40000");
  EXPECT_EQ(msg->via[2].SentBy(), "[2001:db8::9]:5061");
  ASSERT_EQ(msg->contact.size(), 2u);
  EXPECT_EQ(msg->contact[0].PlainDisplayName(), "Doe, John");
  ASSERT_EQ(msg->record_route.size(), 2u);
  EXPECT_EQ(msg->record_route[1].uri.host, "p2.example.com");
}

TEST(SipParser, AcceptsBareLineFeedsAndLeadingEmptyLines) {
  std::string text =
      "\r\n\r\nOPTIONS sip:x@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\nFrom: <sip:a@h>;tag=1\n"
      "To: <sip:x@h>\nCall-ID: c\nCSeq: 2 OPTIONS\nContent-Length: 0\n\n";
  auto msg = ParseMessage(text);
  ASSERT_TRUE(msg) << msg.error().reason;
  EXPECT_EQ(msg->method, Method::kOptions);
}

TEST(SipParser, RefusesWhatItCannotUnderstand) {
  const std::string base =
      "Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:x@h>\r\n"
      "Call-ID: c\r\nCSeq: 2 OPTIONS\r\n";
  struct Case {
    std::string text;
    int status;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"", 400, "Empty message"},
      {"\r\n\r\n", 400, "Empty message"},
      {"OPTIONS sip:x@h SIP/2.0\r\n" + base + "Max-Forwards: 70", 400, "Missing empty line"},
      // A datagram whose last header line ends the packet without the empty line is tolerated.
      {"OPTIONS sip:x@h SIP/2.0\r\n" + base, 0, ""},
      {"OPTIONS sip:x@h SIP/2.0\r\n" + base + "Content-Length: 0\r\n\r\n", 0, ""},
      {"OPTIONS sip:x@h\r\n" + base + "\r\n", 400, "Malformed Request-Line"},
      {"OPTIONS sip:x@h HTTP/1.1\r\n" + base + "\r\n", 400, "expected SIP/2.0"},
      {"OPTIONS sip:x@h SIP/3.0\r\n" + base + "\r\n", 505, "Version Not Supported"},
      {"OPTIONS sip:x@h SIP/2.0\r\nBroken header line\r\n" + base + "\r\n", 400, "missing ':'"},
      {"OPTIONS sip:x@h SIP/2.0\r\nBad Name: x\r\n" + base + "\r\n", 400, "Malformed header name"},
      {"OPTIONS sip:x@h SIP/2.0\r\n" + base + "Max-Forwards: 256\r\n\r\n", 400, "Malformed Max-Forwards"},
      {"OPTIONS sip:x@h SIP/2.0\r\n" + base + "Content-Type: sdp\r\n\r\n", 400, "Malformed Content-Type"},
      {"OPTIONS sip:x@h SIP/2.0\r\n" + base + "Contact: *, <sip:a@b>\r\n\r\n", 400, "'*' must be the only"},
      {"OPTIONS sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nVia: SIP/2.0/UDP\r\n", 400, "Malformed Via"},
      {"OPTIONS sip:x@h SIP/2.0\r\nCall-ID: a b\r\n" + base + "\r\n", 400, "Malformed Call-ID"},
      {"OPTIONS sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h;rport=x\r\n" + base + "\r\n", 400, "invalid rport"},
      {"SIP/2.0 20 OK\r\n" + base + "\r\n", 400, "3 digits"},
      {"SIP/2.0 099 Low\r\n" + base + "\r\n", 400, "100-699"},
      {"GARBAGE\x01\x02\r\n\r\n", 400, "Malformed Request-Line"},
  };
  for (const Case& c : cases) {
    auto msg = ParseMessage(c.text);
    if (c.status == 0) {
      EXPECT_TRUE(msg) << c.text << "\n" << msg.error().reason;
      continue;
    }
    ASSERT_FALSE(msg) << c.text;
    EXPECT_EQ(msg.error().status, c.status) << c.text;
    EXPECT_THAT(msg.error().reason, HasSubstr(c.reason)) << c.text;
  }
}

TEST(SipParser, OversizedMessageIs513AndKeepsTheEnvelope) {
  std::string text = kInvite;
  text.insert(text.find("Content-Type"), "X-Padding: " + std::string(70000, 'a') + "\r\n");
  auto msg = ParseMessage(text);
  ASSERT_FALSE(msg);
  EXPECT_EQ(msg.error().status, 513);
  EXPECT_THAT(msg.error().reason, HasSubstr("Message Too Large"));
  EXPECT_EQ(msg.error().raw_call_id, "a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(msg.error().method, "INVITE");
}

TEST(SipParser, LimitsTheNumberOfHeadersAndValues) {
  std::string many = "OPTIONS sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\n";
  for (int i = 0; i < 300; ++i)
    many += "X-H: 1\r\n";
  many += "\r\n";
  auto msg = ParseMessage(many);
  ASSERT_FALSE(msg);
  EXPECT_THAT(msg.error().reason, HasSubstr("Too many headers"));

  std::string vias = "OPTIONS sip:x@h SIP/2.0\r\nVia: ";
  for (int i = 0; i < 70; ++i)
    vias += std::string(i ? ", " : "") + "SIP/2.0/UDP h;branch=z9hG4bK" + std::to_string(i);
  vias += "\r\n\r\n";
  msg = ParseMessage(vias);
  ASSERT_FALSE(msg);
  EXPECT_THAT(msg.error().reason, HasSubstr("Too many values in Via"));
}

TEST(SipParser, ErrorReasonsArePrintable) {
  auto msg = ParseMessage("OPTIONS sip:x@h\x01\x7f SIP/2.0\r\n\r\n");
  ASSERT_FALSE(msg);
  for (char c : msg.error().reason) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    EXPECT_LT(static_cast<unsigned char>(c), 0x7f);
  }
}

TEST(SipSerializer, WritesCanonicalHeadersAndComputesContentLength) {
  Message m = Message::Request(Method::kOptions, *ParseUri("sip:1000@192.0.2.1"));
  Via via;
  via.host = "192.0.2.2";
  via.port = 5060;
  via.params.Set("branch", "z9hG4bKabc");
  via.params.Set("rport");
  m.via.push_back(via);
  m.max_forwards = 70;
  m.from.uri = *ParseUri("sip:tessera@192.0.2.2");
  m.from.SetDisplayName("Tessera \"MCU\"");
  m.from.params.Set("tag", "x1");
  m.to.uri = *ParseUri("sip:1000@192.0.2.1");
  m.call_id = "abc@192.0.2.2";
  m.cseq = {1, "OPTIONS"};
  m.AddHeader("Accept", "application/sdp");
  m.content_type = "text/plain";
  m.body = "hello";
  EXPECT_EQ(m.ToString(),
            "OPTIONS sip:1000@192.0.2.1 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKabc;rport\r\n"
            "Max-Forwards: 70\r\n"
            "From: \"Tessera \\\"MCU\\\"\" <sip:tessera@192.0.2.2>;tag=x1\r\n"
            "To: <sip:1000@192.0.2.1>\r\n"
            "Call-ID: abc@192.0.2.2\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "Accept: application/sdp\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 5\r\n"
            "\r\n"
            "hello");
  auto back = ParseMessage(m.ToString());
  ASSERT_TRUE(back) << back.error().reason;
  EXPECT_EQ(back->from.PlainDisplayName(), "Tessera \"MCU\"");
  EXPECT_EQ(back->via, m.via);
}

TEST(SipSerializer, ResponseStatusLineUsesTheDefaultReason) {
  Message r = Message::Response(486, "");
  EXPECT_THAT(r.ToString(), ::testing::StartsWith("SIP/2.0 486 Busy Here\r\n"));
}

TEST(SipMessage, HeaderEditingKeepsCanonicalNames) {
  Message m;
  m.AddHeader("Supported", "timer");
  m.AddHeader("k", "100rel");
  EXPECT_EQ(m.GetHeaderList("Supported").size(), 2u);
  m.SetHeader("supported", "path");
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.headers[0].name, "Supported");
  m.RemoveHeader("K");
  EXPECT_TRUE(m.headers.empty());
}

TEST(StreamFramer, SplitsBackToBackMessagesAndPartialReads) {
  const std::string two = kInvite + kInvite;
  StreamFramer framer;
  // Feed one byte at a time: every prefix must be handled.
  int messages = 0;
  for (char c : two) {
    framer.Append(std::string_view(&c, 1));
    for (auto f = framer.Next(); f.status != StreamFramer::Status::kNeedMore; f = framer.Next()) {
      ASSERT_EQ(f.status, StreamFramer::Status::kMessage);
      EXPECT_EQ(f.message, kInvite);
      auto msg = ParseMessage(f.message, {}, /*stream=*/true);
      EXPECT_TRUE(msg) << msg.error().reason;
      ++messages;
    }
  }
  EXPECT_EQ(messages, 2);
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(StreamFramer, AnswersKeepAlivePingsAndSkipsPongs) {
  StreamFramer framer;
  framer.Append("\r\n\r\n");
  EXPECT_EQ(framer.Next().status, StreamFramer::Status::kPing);
  framer.Append("\r\n" + kInvite);
  EXPECT_EQ(framer.Next().status, StreamFramer::Status::kMessage);
  EXPECT_EQ(framer.Next().status, StreamFramer::Status::kNeedMore);
}

TEST(StreamFramer, MissingContentLengthIsAFramingError) {
  StreamFramer framer;
  framer.Append("OPTIONS sip:x@h SIP/2.0\r\nCall-ID: abc\r\nCSeq: 1 OPTIONS\r\n\r\n");
  auto f = framer.Next();
  ASSERT_EQ(f.status, StreamFramer::Status::kError);
  EXPECT_EQ(f.error.status, 400);
  EXPECT_THAT(f.error.reason, HasSubstr("Missing Content-Length"));
  EXPECT_EQ(f.error.raw_call_id, "abc");
}

TEST(StreamFramer, OversizedHeadersOrBodyAre513) {
  StreamFramer framer(1024);
  framer.Append("OPTIONS sip:x@h SIP/2.0\r\nContent-Length: 5000\r\n\r\n");
  auto f = framer.Next();
  ASSERT_EQ(f.status, StreamFramer::Status::kError);
  EXPECT_EQ(f.error.status, 513);

  StreamFramer endless(1024);
  endless.Append("OPTIONS sip:x@h SIP/2.0\r\nX: " + std::string(2000, 'a'));
  f = endless.Next();
  ASSERT_EQ(f.status, StreamFramer::Status::kError);
  EXPECT_EQ(f.error.status, 513);
}

}  // namespace
}  // namespace tessera::signaling::sip

namespace tessera::signaling::sip {
namespace {

// Messages captured from baresip, linphonec, SIPp and a Kamailio dispatcher on loopback
// (the fuzz seed corpus): every one must parse, and survive a write/parse round trip.
TEST(SipParser, ParsesEveryMessageCapturedFromRealPeers) {
  const auto dir = tessera::testing::SourceDir() / "tests/fuzz/corpus/sip_message";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("rfc4475-")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto msg = ParseMessage(bytes);
    ASSERT_TRUE(msg) << name << ": " << msg.error().reason;
    auto again = ParseMessage(msg->ToString());
    ASSERT_TRUE(again) << name << ": " << again.error().reason;
    EXPECT_EQ(again->contact, msg->contact) << name;
    EXPECT_EQ(again->record_route, msg->record_route) << name;
    ++parsed;
  }
  EXPECT_GE(parsed, 30);
}

}  // namespace
}  // namespace tessera::signaling::sip

namespace tessera::signaling::sip {
namespace {

// A peer trickling a large header block one byte at a time must cost linear work, not a
// rescan of everything buffered on every read (found while fuzzing the framer).
TEST(StreamFramer, ByteByByteHeadersAreScannedOnce) {
  StreamFramer framer(65535);
  std::string headers = "OPTIONS sip:x@h SIP/2.0\r\n";
  while (headers.size() < 60000)
    headers += "X-Padding: " + std::string(100, 'a') + "\r\n";
  const std::string message = headers + "Content-Length: 0\r\n\r\n";
  int frames = 0;
  for (char c : message) {
    framer.Append(std::string_view(&c, 1));
    for (auto f = framer.Next(); f.status != StreamFramer::Status::kNeedMore; f = framer.Next()) {
      ASSERT_EQ(f.status, StreamFramer::Status::kMessage);
      EXPECT_EQ(f.message.size(), message.size());
      ++frames;
    }
  }
  EXPECT_EQ(frames, 1);
  EXPECT_LT(framer.scanned_bytes_for_test(), 5 * message.size());  // a rescan per byte: ~30000x
}

}  // namespace
}  // namespace tessera::signaling::sip

// RFC 4475 torture messages: valid ones parse with the values the RFC describes; invalid
// ones are refused with the status and a reason phrase naming the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rfc4475_messages.h"
#include "tessera/signaling/sip/parser.h"

namespace tessera::signaling::sip {
namespace {

using ::testing::HasSubstr;
using testing::Torture;
using testing::TortureMessage;

class TortureValid : public ::testing::TestWithParam<TortureMessage> {};
class TortureInvalid : public ::testing::TestWithParam<TortureMessage> {};

std::vector<TortureMessage> Select(bool valid) {
  std::vector<TortureMessage> out;
  for (const auto& m : testing::TortureMessages()) {
    if (m.valid == valid) out.push_back(m);
  }
  return out;
}

TEST_P(TortureValid, ParsesAndSerializesToAnEquivalentMessage) {
  auto msg = ParseMessage(GetParam().bytes);
  ASSERT_TRUE(msg) << GetParam().name << ": " << msg.error().reason;
  // What we write must parse again to the same typed values.
  auto again = ParseMessage(msg->ToString());
  ASSERT_TRUE(again) << again.error().reason << "\n" << msg->ToString();
  EXPECT_EQ(again->via, msg->via);
  EXPECT_EQ(again->from, msg->from);
  EXPECT_EQ(again->to, msg->to);
  EXPECT_EQ(again->call_id, msg->call_id);
  EXPECT_EQ(again->cseq, msg->cseq);
  EXPECT_EQ(again->contact, msg->contact);
  EXPECT_EQ(again->headers, msg->headers);
  EXPECT_EQ(again->body, msg->body);
}

struct ExpectedError {
  const char* name;
  int status;
  const char* reason;
};

const ExpectedError kExpected[] = {
    {"badinv01", 400, "Malformed Via header: empty parameter"},
    {"clerr", 400, "Content-Length larger than the message body"},
    {"ncl", 400, "Malformed Content-Length header"},
    {"scalar02", 400, "Malformed CSeq header: sequence number out of range"},
    {"scalarlg", 400, "Malformed CSeq header"},
    {"quotbal", 400, "Malformed To header: unterminated quoted display name"},
    {"ltgtruri", 400, "Malformed Request-URI"},
    {"lwsruri", 400, "Malformed Request-Line"},
    {"lwsstart", 400, "Malformed Request-Line"},
    {"trws", 400, "Malformed Request-Line"},
    {"escruri", 400, "Malformed Request-URI: URI headers"},
    {"regbadct", 400, "Malformed Contact header: a URI with headers must be enclosed in <>"},
    {"badaspec", 400, "Malformed To header: whitespace"},
    {"baddn", 400, "Malformed From header: display name with special characters must be quoted"},
    {"badvers", 505, "Version Not Supported"},
    {"mismatch01", 400, "CSeq method does not match the request method"},
    {"mismatch02", 400, "CSeq method does not match the request method"},
    {"bigcode", 400, "Malformed Status-Line"},
    {"insuf", 400, "Missing From header"},
    {"multi01", 400, "Multiple CSeq header"},
    {"mcl01", 400, "Multiple Content-Length header"},
};

TEST_P(TortureInvalid, IsRefusedWithAReasonNamingTheProblem) {
  const TortureMessage& m = GetParam();
  auto msg = ParseMessage(m.bytes);
  ASSERT_FALSE(msg) << m.name << " parsed but is invalid";
  const ExpectedError* expected = nullptr;
  for (const auto& e : kExpected) {
    if (std::string_view(e.name) == m.name) expected = &e;
  }
  ASSERT_NE(expected, nullptr) << "no expectation for " << m.name;
  EXPECT_EQ(msg.error().status, expected->status);
  EXPECT_THAT(msg.error().reason, HasSubstr(expected->reason));
}

std::string Name(const ::testing::TestParamInfo<TortureMessage>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Rfc4475, TortureValid, ::testing::ValuesIn(Select(true)), Name);
INSTANTIATE_TEST_SUITE_P(Rfc4475, TortureInvalid, ::testing::ValuesIn(Select(false)), Name);

TEST(Rfc4475, ShortTortuousInviteHasItsFoldedAndCompactValues) {
  auto msg = ParseMessage(Torture("wsinv").bytes);
  ASSERT_TRUE(msg) << msg.error().reason;
  EXPECT_EQ(msg->method, Method::kInvite);
  EXPECT_EQ(msg->request_uri.user, "vivekg");
  EXPECT_TRUE(msg->request_uri.params.Has("unknownparam"));
  EXPECT_EQ(msg->to.Tag(), "1918181833n");
  EXPECT_EQ(msg->from.display_name, R"(J Rosenberg \\\")");
  EXPECT_EQ(msg->from.PlainDisplayName(), R"(J Rosenberg \")");
  EXPECT_EQ(msg->from.Tag(), "98asjd8");
  EXPECT_EQ(msg->max_forwards, 68u);
  EXPECT_EQ(msg->cseq.number, 9u);
  EXPECT_EQ(msg->cseq.method, "INVITE");
  ASSERT_EQ(msg->via.size(), 3u);
  EXPECT_EQ(msg->via[0].transport, "UDP");
  EXPECT_EQ(msg->via[0].host, "192.0.2.2");
  EXPECT_EQ(msg->via[0].Branch(), "390skdjuw");
  EXPECT_FALSE(msg->via[0].HasRfc3261Branch());
  EXPECT_EQ(msg->via[1].transport, "TCP");
  EXPECT_EQ(msg->via[1].host, "spindle.example.com");
  EXPECT_EQ(msg->via[1].Branch(), "z9hG4bK9ikj8");
  EXPECT_EQ(msg->via[2].host, "192.168.255.111");
  EXPECT_EQ(msg->via[2].Branch(), "z9hG4bK30239");
  ASSERT_NE(msg->GetHeader("Subject"), nullptr);
  EXPECT_EQ(*msg->GetHeader("subject"), "");
  ASSERT_NE(msg->GetHeader("NewFangledHeader"), nullptr);
  EXPECT_EQ(*msg->GetHeader("NewFangledHeader"), "newfangled value continued newfangled value");
  EXPECT_EQ(*msg->GetHeader("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
  ASSERT_EQ(msg->route.size(), 1u);
  EXPECT_TRUE(msg->route[0].uri.LooseRouting());
  ASSERT_EQ(msg->contact.size(), 1u);
  EXPECT_EQ(msg->contact[0].display_name, R"(Quoted string \"\")");
  EXPECT_EQ(msg->contact[0].params.Get("newparam"), "newvalue");
  EXPECT_TRUE(msg->contact[0].params.Has("secondparam"));
  EXPECT_EQ(msg->contact[0].params.Get("q"), "0.33");
  EXPECT_EQ(msg->MediaType(), "application/sdp");
  EXPECT_EQ(msg->body.size(), 150u);
}

TEST(Rfc4475, WideRangeOfValidCharactersIsKeptExactly) {
  auto msg = ParseMessage(Torture("intmeth").bytes);
  ASSERT_TRUE(msg) << msg.error().reason;
  EXPECT_EQ(msg->method, Method::kUnknown);
  EXPECT_EQ(msg->method_name, "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(msg->request_uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(msg->request_uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(msg->request_uri.host, "example.com");
  EXPECT_EQ(msg->to.PlainDisplayName(), std::string("BEL:\x07 NUL:") + std::string(1, '\0') + " DEL:\x7f");
  EXPECT_EQ(msg->from.display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(msg->from.Tag(), "_token~1'+`*%!-.");
  EXPECT_TRUE(msg->from.params.Has("fromParam''~+*_!.-%"));
  EXPECT_EQ(msg->call_id, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(msg->via[0].Branch(), "z9hG4bK-.!%66*_+`'~");
  ASSERT_NE(msg->GetHeader("extensionHeader-!.%*+_`'~"), nullptr);
  EXPECT_EQ(*msg->GetHeader("extensionHeader-!.%*+_`'~"), "\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB");
}

TEST(Rfc4475, EscapesAreDecodedOnlyWhereTheGrammarAllowsThem) {
  auto esc01 = ParseMessage(Torture("esc01").bytes);
  ASSERT_TRUE(esc01) << esc01.error().reason;
  EXPECT_EQ(esc01->request_uri.UnescapedUser(), "sips:user@example.com");
  EXPECT_EQ(esc01->to.uri.UnescapedUser(), "user");
  EXPECT_EQ(esc01->from.uri.UnescapedUser(), "I have spaces");
  EXPECT_EQ(esc01->contact[0].uri.UnescapedUser(), "caller");
  EXPECT_EQ(esc01->contact[0].uri.params.Get("n%61me"), "v%61lue%25%34%31");
  EXPECT_EQ(Unescape("v%61lue%25%34%31"), "value%41");  // never unescaped twice

  auto escnull = ParseMessage(Torture("escnull").bytes);
  ASSERT_TRUE(escnull) << escnull.error().reason;
  EXPECT_EQ(escnull->to.uri.UnescapedUser(), std::string("null-\0-null", 11));
  ASSERT_EQ(escnull->contact.size(), 2u);
  EXPECT_EQ(escnull->contact[1].uri.UnescapedUser(), std::string(2, '\0'));

  auto esc02 = ParseMessage(Torture("esc02").bytes);
  ASSERT_TRUE(esc02) << esc02.error().reason;
  EXPECT_EQ(esc02->method, Method::kUnknown);
  EXPECT_EQ(esc02->to.display_name, "%Z%45");
  EXPECT_EQ(esc02->contact.size(), 2u);  // C%6Fntact is another header
  EXPECT_NE(esc02->GetHeader("C%6Fntact"), nullptr);
}

TEST(Rfc4475, LongRequestKeepsAllVias) {
  auto msg = ParseMessage(Torture("longreq").bytes);
  ASSERT_TRUE(msg) << msg.error().reason;
  ASSERT_EQ(msg->via.size(), 34u);
  EXPECT_EQ(msg->via[0].host, "sip33.example.com");
  EXPECT_EQ(msg->via[33].params.Get("received"), "192.0.2.5");
  EXPECT_EQ(msg->to.uri.port, 6000);
  EXPECT_EQ(msg->to.uri.params.size(), 3u);
  EXPECT_EQ(msg->from.params.size(), 3u);
}

TEST(Rfc4475, DatagramIgnoresOctetsAfterContentLength) {
  auto msg = ParseMessage(Torture("dblreq").bytes);
  ASSERT_TRUE(msg) << msg.error().reason;
  EXPECT_EQ(msg->method, Method::kRegister);
  EXPECT_TRUE(msg->body.empty());
}

TEST(Rfc4475, UserPartMayHoldSemicolons) {
  auto msg = ParseMessage(Torture("semiuri").bytes);
  ASSERT_TRUE(msg) << msg.error().reason;
  EXPECT_EQ(msg->request_uri.UnescapedUser(), "user;par=u@example.net");
  EXPECT_TRUE(msg->request_uri.params.empty());
  EXPECT_EQ(msg->GetHeaderList("Accept").size(), 6u);
}

TEST(Rfc4475, ResponsesWithUnusualOrMissingReasonParse) {
  auto unreason = ParseMessage(Torture("unreason").bytes);
  ASSERT_TRUE(unreason) << unreason.error().reason;
  EXPECT_EQ(unreason->status, 200);
  EXPECT_THAT(unreason->reason, ::testing::StartsWith("= 2**3 * 5**2 \xD0\xBD"));
  auto noreason = ParseMessage(Torture("noreason").bytes);
  ASSERT_TRUE(noreason) << noreason.error().reason;
  EXPECT_EQ(noreason->status, 100);
  EXPECT_EQ(noreason->reason, "");
}

TEST(Rfc4475, ContactParametersBelongToTheHeaderUnlessBracketed) {
  auto c1 = ParseMessage(Torture("cparam01").bytes);
  ASSERT_TRUE(c1) << c1.error().reason;
  EXPECT_TRUE(c1->contact[0].params.Has("unknownparam"));
  EXPECT_FALSE(c1->contact[0].uri.params.Has("unknownparam"));
  auto c2 = ParseMessage(Torture("cparam02").bytes);
  ASSERT_TRUE(c2) << c2.error().reason;
  EXPECT_TRUE(c2->contact[0].uri.params.Has("unknownparam"));
  EXPECT_FALSE(c2->contact[0].params.Has("unknownparam"));
}

TEST(Rfc4475, UnknownSchemesParseAsOpaqueUris) {
  auto novelsc = ParseMessage(Torture("novelsc").bytes);
  ASSERT_TRUE(novelsc) << novelsc.error().reason;
  EXPECT_EQ(novelsc->request_uri.scheme, UriScheme::kOther);
  EXPECT_EQ(novelsc->request_uri.scheme_text, "soap.beep");
  auto unksm2 = ParseMessage(Torture("unksm2").bytes);
  ASSERT_TRUE(unksm2) << unksm2.error().reason;
  EXPECT_EQ(unksm2->to.uri.scheme_text, "isbn");
  EXPECT_EQ(unksm2->from.uri.opaque, "//www.example.com");
  EXPECT_EQ(unksm2->contact[0].uri.scheme_text, "name");
}

TEST(Rfc4475, Rfc2543RequestWithoutContentLengthTakesTheRestOfTheDatagram) {
  auto msg = ParseMessage(Torture("inv2543").bytes);
  ASSERT_TRUE(msg) << msg.error().reason;
  EXPECT_FALSE(msg->via[0].params.Has("branch"));
  EXPECT_FALSE(msg->max_forwards.has_value());
  EXPECT_THAT(msg->body, ::testing::StartsWith("v=0\r\n"));
  EXPECT_THAT(msg->body, ::testing::EndsWith("RTP/AVP 0\r\n"));
  EXPECT_TRUE(msg->to.params.Has("user"));  // addr-spec: ";user=phone" is a header parameter
}

TEST(Rfc4475, ErrorsCarryTheEnvelopeForAStatelessResponse) {
  auto msg = ParseMessage(Torture("mismatch01").bytes);
  ASSERT_FALSE(msg);
  const ParseError& e = msg.error();
  EXPECT_TRUE(e.is_request);
  EXPECT_EQ(e.method, "OPTIONS");
  ASSERT_EQ(e.raw_via.size(), 1u);
  EXPECT_EQ(e.raw_via[0], "SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw");
  EXPECT_EQ(e.raw_call_id, "mismatch01.dj0234sxdfl3");
  EXPECT_EQ(e.raw_cseq, "8 INVITE");
  EXPECT_EQ(e.raw_from, "sip:caller@example.net;tag=34525");
  EXPECT_EQ(e.raw_to, "sip:j.user@example.com");
}

}  // namespace
}  // namespace tessera::signaling::sip

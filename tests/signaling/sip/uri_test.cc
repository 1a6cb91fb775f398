#include "tessera/signaling/sip/uri.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tessera::signaling::sip {
namespace {

using ::testing::HasSubstr;

TEST(SipUri, ParsesEveryComponent) {
  auto uri = ParseUri("sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr;maddr=239.255.255.1?subject=hi&x=%20y");
  ASSERT_TRUE(uri) << uri.error();
  EXPECT_EQ(uri->scheme, UriScheme::kSips);
  EXPECT_EQ(uri->user, "alice");
  EXPECT_EQ(uri->password, "secret");
  EXPECT_EQ(uri->host, "[2001:db8::1]");
  EXPECT_EQ(uri->HostWithoutBrackets(), "2001:db8::1");
  EXPECT_EQ(uri->port, 5061);
  EXPECT_EQ(uri->TransportParam(), "tcp");
  EXPECT_TRUE(uri->LooseRouting());
  EXPECT_EQ(uri->params.Get("maddr"), "239.255.255.1");
  ASSERT_EQ(uri->headers.size(), 2u);
  EXPECT_EQ(uri->headers[1].second, "%20y");
}

TEST(SipUri, PrintsBackWhatItParsed) {
  for (const char* text : {"sip:1000@192.0.2.1", "sip:192.0.2.1:5080;transport=udp", "sips:room@mcu.example.com;lr",
                           "sip:%61lice@example.com?Route=%3Csip:x%3E", "tel:+1-201-555-0123", "sip:a:b@h"}) {
    auto uri = ParseUri(text);
    ASSERT_TRUE(uri) << text << ": " << uri.error();
    EXPECT_EQ(uri->ToString(), text);
  }
}

TEST(SipUri, SchemeIsCaseInsensitive) {
  auto uri = ParseUri("SIP:bob@Example.COM");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->scheme, UriScheme::kSip);
  EXPECT_EQ(uri->ToString(), "sip:bob@Example.COM");
  EXPECT_EQ(uri->HostWithoutBrackets(), "example.com");
}

TEST(SipUri, RejectsMalformedUrisWithAReason) {
  struct Case {
    const char* text;
    const char* error;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"sip:", "missing host"},
           {"sip:@host", "empty user part"},
           {"sip:user@host:99999", "invalid port"},
           {"sip:user@host:port", "invalid port"},
           {"sip:user@ho st", "whitespace"},
           {"sip:user@[::1", "unterminated IPv6"},
           {"sip:user@host;=x", "empty URI parameter"},
           {"sip:user@host;a=", "invalid value of URI parameter 'a'"},
           {"sip:us%zzer@host", "invalid character in user part"},
           {"sip:user@host?novalue", "malformed URI header"},
           {"nocolon", "missing scheme"},
           {"1sip:x", "invalid URI scheme"},
           {"sip:user@-host", "invalid host"},
       }) {
    auto uri = ParseUri(c.text);
    ASSERT_FALSE(uri) << c.text;
    EXPECT_THAT(uri.error(), HasSubstr(c.error)) << c.text;
  }
}

TEST(SipUri, HeadersCanBeRefused) {
  auto uri = ParseUri("sip:a@b?x=y", /*allow_headers=*/false);
  ASSERT_FALSE(uri);
  EXPECT_THAT(uri.error(), HasSubstr("not allowed"));
}

TEST(SipUri, EquivalenceFollowsRfc3261Section19_1_4) {
  auto eq = [](const char* a, const char* b) { return UriEquivalent(*ParseUri(a), *ParseUri(b)); };
  EXPECT_TRUE(eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
  EXPECT_TRUE(eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
  EXPECT_TRUE(eq("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                 "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
  EXPECT_FALSE(eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
  EXPECT_FALSE(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
  EXPECT_FALSE(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
  EXPECT_FALSE(eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
}

TEST(ParamList, LooksUpCaseInsensitivelyAndEdits) {
  ParamList p;
  p.Set("Tag", "abc");
  p.Set("lr");
  EXPECT_EQ(p.Get("tag"), "abc");
  EXPECT_EQ(p.Get("LR"), "");
  EXPECT_FALSE(p.Get("x"));
  p.Set("TAG", "def");
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p.Get("tag"), "def");
  p.Remove("tag");
  std::string out;
  p.AppendTo(out);
  EXPECT_EQ(out, ";lr");
}

}  // namespace
}  // namespace tessera::signaling::sip

// Digest authentication: the RFC 2617 and RFC 7616 test vectors, challenge/credential
// parsing, and the authenticator round trip (accept, wrong password, stale, replay, forgery).
#include "tessera/signaling/sip/digest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tessera/signaling/sip/digest_authenticator.h"
#include "tessera/signaling/sip/parser.h"

namespace tessera::signaling::sip {
namespace {

using ::testing::HasSubstr;

TEST(Digest, MatchesTheRfc2617Example) {
  DigestInput in;
  in.username = "Mufasa";
  in.realm = "testrealm@host.com";
  in.password = "Circle Of Life";
  in.method = "GET";
  in.uri = "/dir/index.html";
  in.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  in.nc = "00000001";
  in.cnonce = "0a4f113b";
  in.qop = "auth";
  EXPECT_EQ(ComputeDigestResponse(in), "6629fae49393a05397450978507c4ef1");
}

TEST(Digest, MatchesTheRfc7616ExamplesForMd5AndSha256) {
  DigestInput in;
  in.username = "Mufasa";
  in.realm = "http-auth@example.org";
  in.password = "Circle of Life";
  in.method = "GET";
  in.uri = "/dir/index.html";
  in.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  in.nc = "00000001";
  in.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  in.qop = "auth";
  in.algorithm = DigestAlgorithm::kMd5;
  EXPECT_EQ(ComputeDigestResponse(in), "8ca523f5e9506fed4657c9700eebdbec");
  in.algorithm = DigestAlgorithm::kSha256;
  EXPECT_EQ(ComputeDigestResponse(in), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(Digest, ParsesChallengesFromRegistrars) {
  auto c = ParseDigestChallenge(
      R"(Digest realm="asterisk", nonce="1c6e1ca4", algorithm=SHA-256, qop="auth,auth-int", opaque="x\"y", stale=TRUE)");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->realm, "asterisk");
  EXPECT_EQ(c->nonce, "1c6e1ca4");
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kSha256);
  EXPECT_TRUE(c->offers_qop_auth());
  EXPECT_EQ(c->opaque, "x\"y");
  EXPECT_TRUE(c->stale);

  auto sipp = ParseDigestChallenge(R"(Digest realm="sipp.example", nonce="47ad12f9")");
  ASSERT_TRUE(sipp);
  EXPECT_EQ(sipp->algorithm, DigestAlgorithm::kMd5);
  EXPECT_FALSE(sipp->offers_qop_auth());

  for (const char* bad : {"Basic realm=\"x\"", "Digest", "Digest realm=\"x\"", "Digest nonce=\"abc", "Digest nonce",
                          "Digest nonce=1, algorithm=SHA-1"}) {
    EXPECT_FALSE(ParseDigestChallenge(bad)) << bad;
  }
}

TEST(Digest, BuildsAnAuthorizationThatParsesBackAndVerifies) {
  DigestChallenge c;
  c.realm = "pbx";
  c.nonce = "abc";
  c.opaque = "op";
  c.qop = {"auth"};
  const std::string value =
      BuildDigestAuthorization(c, "tessera", "s3cret", "REGISTER", "sip:pbx.example.com", "cn", 2);
  auto creds = ParseDigestCredentials(value);
  ASSERT_TRUE(creds) << creds.error();
  EXPECT_EQ(creds->username, "tessera");
  EXPECT_EQ(creds->nc, "00000002");
  EXPECT_EQ(creds->qop, "auth");
  EXPECT_EQ(creds->opaque, "op");
  EXPECT_EQ(creds->algorithm, "MD5");
  DigestInput in{DigestAlgorithm::kMd5, false, "tessera",  "pbx", "s3cret", "REGISTER",
                 "sip:pbx.example.com", "abc", "00000002", "cn",  "auth"};
  EXPECT_EQ(creds->response, ComputeDigestResponse(in));

  // Without qop the RFC 2069 form is used: no cnonce, no nc.
  c.qop.clear();
  const std::string legacy = BuildDigestAuthorization(c, "u", "p", "INVITE", "sip:x", "cn", 1);
  EXPECT_THAT(legacy, ::testing::Not(HasSubstr("nc=")));
  EXPECT_THAT(legacy, ::testing::Not(HasSubstr("cnonce")));
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest()
      : auth_({.realm = "tessera", .users = {{"room-1", "pa55"}}, .nonce_lifetime = std::chrono::seconds(60)},
              [this] { return now_; }) {}

  Message Invite(std::string_view authorization) {
    std::string text =
        "INVITE sip:1000@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKa\r\nFrom: <sip:a@b>;tag=1\r\n"
        "To: <sip:1000@192.0.2.1>\r\nCall-ID: c1\r\nCSeq: 2 INVITE\r\n";
    if (!authorization.empty()) text += "Authorization: " + std::string(authorization) + "\r\n";
    text += "Content-Length: 0\r\n\r\n";
    auto m = ParseMessage(text);
    EXPECT_TRUE(m) << m.error().reason;
    return *m;
  }

  std::string Answer(const std::string& challenge, std::string_view password, uint32_t nc = 1,
                     std::string_view uri = "sip:1000@192.0.2.1") {
    auto c = ParseDigestChallenge(challenge);
    EXPECT_TRUE(c);
    return BuildDigestAuthorization(*c, "room-1", password, "INVITE", uri, "cnonce1", nc);
  }

  DigestAuthenticator::Clock::time_point now_{std::chrono::hours(1000)};
  DigestAuthenticator auth_;
};

TEST_F(AuthenticatorTest, ChallengesWithSha256FirstThenMd5) {
  const auto challenges = auth_.Challenges();
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(ParseDigestChallenge(challenges[0])->algorithm, DigestAlgorithm::kSha256);
  EXPECT_EQ(ParseDigestChallenge(challenges[1])->algorithm, DigestAlgorithm::kMd5);
  EXPECT_NE(ParseDigestChallenge(challenges[0])->nonce, ParseDigestChallenge(challenges[1])->nonce);
  EXPECT_EQ(auth_.Verify(Invite("")).verdict, DigestAuthenticator::Verdict::kNoCredentials);
}

TEST_F(AuthenticatorTest, AcceptsTheRightPasswordWithEitherAlgorithm) {
  const auto challenges = auth_.Challenges();
  for (const std::string& c : challenges) {
    const auto outcome = auth_.Verify(Invite(Answer(c, "pa55")));
    EXPECT_EQ(outcome.verdict, DigestAuthenticator::Verdict::kAccepted) << outcome.reason;
    EXPECT_EQ(outcome.username, "room-1");
  }
}

TEST_F(AuthenticatorTest, RejectsWrongPasswordUnknownUserAndWrongUri) {
  const auto c = auth_.Challenges()[0];
  auto outcome = auth_.Verify(Invite(Answer(c, "wrong")));
  EXPECT_EQ(outcome.verdict, DigestAuthenticator::Verdict::kRejected);
  EXPECT_EQ(outcome.reason, "wrong password");

  auto parsed = ParseDigestChallenge(c);
  outcome =
      auth_.Verify(Invite(BuildDigestAuthorization(*parsed, "nobody", "pa55", "INVITE", "sip:1000@192.0.2.1", "x", 1)));
  EXPECT_EQ(outcome.reason, "unknown user");

  outcome = auth_.Verify(Invite(Answer(c, "pa55", 1, "sip:2000@192.0.2.1")));
  EXPECT_EQ(outcome.reason, "uri does not match the Request-URI");
}

TEST_F(AuthenticatorTest, ExpiredNonceIsStaleAndForgedNonceIsRejected) {
  const auto c = auth_.Challenges()[1];
  now_ += std::chrono::seconds(61);
  EXPECT_EQ(auth_.Verify(Invite(Answer(c, "pa55"))).verdict, DigestAuthenticator::Verdict::kStale);
  EXPECT_THAT(auth_.Challenges(true)[0], HasSubstr("stale=true"));

  DigestChallenge forged = *ParseDigestChallenge(c);
  forged.nonce[5] = forged.nonce[5] == 'a' ? 'b' : 'a';
  const auto outcome =
      auth_.Verify(Invite(BuildDigestAuthorization(forged, "room-1", "pa55", "INVITE", "sip:1000@192.0.2.1", "x", 1)));
  EXPECT_EQ(outcome.verdict, DigestAuthenticator::Verdict::kRejected);
  EXPECT_EQ(outcome.reason, "nonce not issued by us");
}

TEST_F(AuthenticatorTest, ReplayedNonceCountIsRejected) {
  const auto c = auth_.Challenges()[0];
  EXPECT_EQ(auth_.Verify(Invite(Answer(c, "pa55", 1))).verdict, DigestAuthenticator::Verdict::kAccepted);
  EXPECT_EQ(auth_.Verify(Invite(Answer(c, "pa55", 1))).reason, "nonce count replayed");
  EXPECT_EQ(auth_.Verify(Invite(Answer(c, "pa55", 2))).verdict, DigestAuthenticator::Verdict::kAccepted);
}

}  // namespace
}  // namespace tessera::signaling::sip

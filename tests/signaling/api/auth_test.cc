// Bearer tokens with roles on the router: 401 without or with a wrong token, 403 with a
// read-only token on an operator route, 429 once an address failed too often, and the
// token file made at first start with mode 0600 (and refused when others can read it).
#include "tessera/signaling/api/auth.h"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "tessera/testing/temp_dir.h"

namespace tessera::signaling::api {
namespace {

using ::testing::HasSubstr;
namespace field = boost::beast::http;

constexpr char kOperator[] = "operator-secret-0123456789";
constexpr char kReader[] = "reader-secret-0123456789";

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() : auth_({{"ops", kOperator, Role::kOperator}, {"grafana", kReader, Role::kReadOnly}}, 3) {
    router_.SetAuthorizer(auth_.AsAuthorizer());
    auto ok = [](const http::Request&, const http::PathParams&) { return http::JsonResponse(http::Status::ok, {}); };
    router_.Add(http::Verb::get, "/healthz", ok, http::Access::kPublic);
    router_.Add(http::Verb::get, "/api/v1/rooms", ok, http::Access::kRead);
    router_.Add(http::Verb::post, "/api/v1/rooms", ok, http::Access::kOperate);
  }
  http::Response Send(http::Verb verb, const std::string& target, const std::string& authorization,
                      const char* from = "192.0.2.1") {
    http::Request r{verb, target, 11};
    if (!authorization.empty()) r.set(field::field::authorization, authorization);
    return router_.Route(r, boost::asio::ip::make_address(from));
  }

  TokenAuth auth_;
  http::Router router_;
};

TEST_F(AuthTest, PublicRoutesNeedNoToken) {
  EXPECT_EQ(Send(http::Verb::get, "/healthz", "").result(), http::Status::ok);
}

TEST_F(AuthTest, AMissingTokenIs401WithAChallenge) {
  const http::Response r = Send(http::Verb::get, "/api/v1/rooms", "");
  EXPECT_EQ(r.result(), http::Status::unauthorized);
  EXPECT_EQ(r[field::field::www_authenticate], "Bearer realm=\"tessera\"");
  EXPECT_EQ(Send(http::Verb::get, "/api/v1/rooms", "Basic b3BzOnNlY3JldA==").result(), http::Status::unauthorized);
}

TEST_F(AuthTest, AWrongTokenIs401AndNeverEchoed) {
  const http::Response r = Send(http::Verb::get, "/api/v1/rooms", "Bearer operator-secret-0123456780");
  EXPECT_EQ(r.result(), http::Status::unauthorized);
  EXPECT_THAT(std::string(r[field::field::www_authenticate]), HasSubstr("invalid_token"));
  EXPECT_THAT(r.body(), ::testing::Not(HasSubstr("operator-secret")));
  // A prefix of a valid token is not valid.
  EXPECT_EQ(Send(http::Verb::get, "/api/v1/rooms", "Bearer operator-secret").result(), http::Status::unauthorized);
}

TEST_F(AuthTest, RolesDecideWhatATokenMayDo) {
  EXPECT_EQ(Send(http::Verb::get, "/api/v1/rooms", std::string("Bearer ") + kReader).result(), http::Status::ok);
  const http::Response r = Send(http::Verb::post, "/api/v1/rooms", std::string("Bearer ") + kReader);
  EXPECT_EQ(r.result(), http::Status::forbidden);
  EXPECT_THAT(r.body(), HasSubstr("\\\"grafana\\\" is read-only"));
  EXPECT_EQ(Send(http::Verb::post, "/api/v1/rooms", std::string("bearer ") + kOperator).result(), http::Status::ok);
}

TEST_F(AuthTest, AnAddressThatFailsTooOftenIsRefusedEvenWithAGoodToken) {
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(Send(http::Verb::get, "/api/v1/rooms", "Bearer wrong-token-number-x").result(),
              http::Status::unauthorized);
  const http::Response r = Send(http::Verb::get, "/api/v1/rooms", std::string("Bearer ") + kOperator);
  EXPECT_EQ(r.result(), http::Status::too_many_requests);
  EXPECT_EQ(r[field::field::retry_after], "60");
  // Another address is not affected.
  EXPECT_EQ(Send(http::Verb::get, "/api/v1/rooms", std::string("Bearer ") + kOperator, "192.0.2.2").result(),
            http::Status::ok);
}

TEST(TokenAuthWithoutTokens, EveryProtectedRouteIs401AndSaysWhy) {
  TokenAuth auth({}, 10);
  http::Request r{http::Verb::get, "/api/v1/rooms", 11};
  r.set(field::field::authorization, "Bearer anything-at-all-really");
  auto refused = auth.Check(r, http::Access::kRead, boost::asio::ip::make_address("127.0.0.1"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result(), http::Status::unauthorized);
  EXPECT_THAT(refused->body(), HasSubstr("no API tokens are configured"));
}

TEST(TokenFile, IsCreatedWithARandomTokenReadableOnlyByItsOwner) {
  tessera::testing::TempDir dir;
  const auto path = dir.path() / "sub" / "token";
  auto first = LoadOrCreateTokenFile(path);
  ASSERT_TRUE(first) << first.error();
  EXPECT_GE(first->size(), 40u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = LoadOrCreateTokenFile(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
  tessera::testing::TempDir other;
  auto second = LoadOrCreateTokenFile(other.path() / "token");
  ASSERT_TRUE(second);
  EXPECT_NE(*second, *first);
}

TEST(TokenFile, AFileOthersCanReadIsRefused) {
  tessera::testing::TempDir dir;
  const auto path = dir.WriteFile("token", "a-token-that-is-long-enough\n");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto r = LoadOrCreateTokenFile(path);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error(), HasSubstr("chmod 600"));
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto ok = LoadOrCreateTokenFile(path);
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(*ok, "a-token-that-is-long-enough");
}

}  // namespace
}  // namespace tessera::signaling::api

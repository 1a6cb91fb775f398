#include "tessera/signaling/http/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tessera::signaling::http {
namespace {

Request MakeRequest(Verb verb, std::string target) {
  Request r{verb, target, 11};
  return r;
}

Response Text(std::string body) {
  Response r{Status::ok, 11};
  r.body() = std::move(body);
  return r;
}

TEST(Router, MatchesLiteralAndCapturedSegments) {
  Router router;
  router.Add(Verb::get, "/api/v1/rooms", [](const Request&, const PathParams&) { return Text("list"); });
  router.Add(Verb::get, "/api/v1/rooms/{room}/participants/{id}",
             [](const Request&, const PathParams& p) { return Text(p.at("room") + "/" + p.at("id")); });
  EXPECT_EQ(router.Route(MakeRequest(Verb::get, "/api/v1/rooms")).body(), "list");
  EXPECT_EQ(router.Route(MakeRequest(Verb::get, "/api/v1/rooms/1000/participants/7?x=1")).body(), "1000/7");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.Add(Verb::get, "/healthz", [](const Request&, const PathParams&) { return Text("ok"); });
  router.Add(Verb::delete_, "/healthz", [](const Request&, const PathParams&) { return Text("gone"); });
  EXPECT_EQ(router.Route(MakeRequest(Verb::get, "/nope")).result(), Status::not_found);
  const Response r = router.Route(MakeRequest(Verb::post, "/healthz"));
  EXPECT_EQ(r.result(), Status::method_not_allowed);
  EXPECT_EQ(r[boost::beast::http::field::allow], "GET, DELETE");
  EXPECT_THAT(r.body(), ::testing::HasSubstr("method POST not allowed"));
}

TEST(Router, HeadIsServedByGet) {
  Router router;
  router.Add(Verb::get, "/healthz", [](const Request&, const PathParams&) { return Text("ok"); });
  EXPECT_EQ(router.Route(MakeRequest(Verb::head, "/healthz")).result(), Status::ok);
}

}  // namespace
}  // namespace tessera::signaling::http

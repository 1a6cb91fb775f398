// POST/GET/DELETE /api/v1/rooms/{room}/endpoints through the router, with a
// ConferenceControl double in place of the conference engine: every error mapping, and
// the success path up to the SDP answer.
#include "tessera/signaling/api/endpoints_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sdp/real_offers.h"
#include "support/fake_conference.h"
#include "tessera/signaling/sdp/session_description.h"

namespace tessera::signaling::api {
namespace {

using ::testing::HasSubstr;
using Kind = mcu::ControlError::Kind;

class EndpointsApiTest : public ::testing::Test {
 protected:
  EndpointsApiTest() {
    control_.rooms = {{"1000", "Demo", {"demo"}, false, false, false, 0, 0},
                      {"2000", "Board", {}, true, false, false, 0, 0},
                      {"3000", "Secure", {}, false, false, true, 0, 0}};
    api_.Register(router_);
  }
  http::Response Send(http::Verb verb, std::string target, std::string body = {},
                      std::string content_type = "application/sdp") {
    http::Request r{verb, target, 11};
    if (!content_type.empty()) r.set(boost::beast::http::field::content_type, content_type);
    r.body() = std::move(body);
    r.prepare_payload();
    return router_.Route(r);
  }
  static std::string ErrorMessage(const http::Response& r) {
    EXPECT_EQ(r[boost::beast::http::field::content_type], "application/json");
    return nlohmann::json::parse(r.body())["error"]["message"].get<std::string>();
  }

  testing::FakeConference control_;
  EndpointsApi api_{control_};
  http::Router router_;
};

TEST_F(EndpointsApiTest, AnFfmpegOfferIsAnsweredWith201AndALocation) {
  const auto r = Send(http::Verb::post, "/api/v1/rooms/demo/endpoints", sdp::testing::kFfmpegOffer);
  ASSERT_EQ(r.result(), http::Status::created) << r.body();
  EXPECT_EQ(r[boost::beast::http::field::content_type], "application/sdp");
  EXPECT_EQ(r[boost::beast::http::field::location], "/api/v1/rooms/1000/endpoints/p1");
  auto answer = sdp::ParseSdp(r.body());
  ASSERT_TRUE(answer) << r.body();
  ASSERT_EQ(answer->media.size(), 2u);
  EXPECT_EQ(answer->media[0].media, "video");
  EXPECT_EQ(answer->media[0].port, 50000);
  EXPECT_EQ(answer->media[1].port, 50002);
  ASSERT_EQ(control_.Count("add"), 1u);
  const auto& request = control_.calls[0].request;
  EXPECT_EQ(control_.calls[0].room, "1000");
  EXPECT_EQ(request.protocol, "rtp");
  EXPECT_EQ(request.remote, "127.0.0.1");
  EXPECT_EQ(request.streams[0].remote_rtp_port, 41002);

  const auto got = Send(http::Verb::get, "/api/v1/rooms/1000/endpoints/p1");
  EXPECT_EQ(got.result(), http::Status::ok);
  EXPECT_EQ(got.body(), r.body());
  EXPECT_EQ(Send(http::Verb::delete_, "/api/v1/rooms/demo/endpoints/p1").result(), http::Status::no_content);
  EXPECT_EQ(control_.Count("remove"), 1u);
  EXPECT_TRUE(control_.participants.empty());
  EXPECT_EQ(Send(http::Verb::delete_, "/api/v1/rooms/1000/endpoints/p1").result(), http::Status::not_found);
  EXPECT_EQ(Send(http::Verb::get, "/api/v1/rooms/1000/endpoints/p1").result(), http::Status::not_found);
}

TEST_F(EndpointsApiTest, ContentTypeOtherThanSdpIs415) {
  const auto r = Send(http::Verb::post, "/api/v1/rooms/1000/endpoints", sdp::testing::kFfmpegOffer, "text/plain");
  EXPECT_EQ(r.result(), http::Status::unsupported_media_type);
  EXPECT_THAT(ErrorMessage(r), HasSubstr("application/sdp"));
  EXPECT_EQ(Send(http::Verb::post, "/api/v1/rooms/1000/endpoints", sdp::testing::kFfmpegOffer, "").result(),
            http::Status::unsupported_media_type);
  // Parameters and case do not matter.
  EXPECT_EQ(Send(http::Verb::post, "/api/v1/rooms/1000/endpoints", sdp::testing::kFfmpegOffer,
                 "Application/SDP; charset=utf-8")
                .result(),
            http::Status::created);
  EXPECT_EQ(control_.Count("add"), 1u);
}

TEST_F(EndpointsApiTest, UnknownRoomIs404AndLockedRoomIs403) {
  const auto unknown = Send(http::Verb::post, "/api/v1/rooms/9999/endpoints", sdp::testing::kFfmpegOffer);
  EXPECT_EQ(unknown.result(), http::Status::not_found);
  EXPECT_THAT(ErrorMessage(unknown), HasSubstr("no room '9999'"));
  const auto locked = Send(http::Verb::post, "/api/v1/rooms/2000/endpoints", sdp::testing::kFfmpegOffer);
  EXPECT_EQ(locked.result(), http::Status::forbidden);
  EXPECT_THAT(ErrorMessage(locked), HasSubstr("locked"));
  EXPECT_EQ(control_.Count("add"), 0u);
}

TEST_F(EndpointsApiTest, UnparsableOrUnusableOffersAre400WithTheReason) {
  const auto garbage = Send(http::Verb::post, "/api/v1/rooms/1000/endpoints", "hello");
  EXPECT_EQ(garbage.result(), http::Status::bad_request);
  EXPECT_THAT(ErrorMessage(garbage), HasSubstr("invalid SDP: line 1"));
  const std::string g729 =
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 18\r\n";
  const auto unusable = Send(http::Verb::post, "/api/v1/rooms/1000/endpoints", g729);
  EXPECT_EQ(unusable.result(), http::Status::bad_request);
  EXPECT_THAT(ErrorMessage(unusable), HasSubstr("no common audio codec (offered: G729/8000)"));
  // The room wants SRTP: ffmpeg's plain RTP offer cannot join it.
  const auto plain = Send(http::Verb::post, "/api/v1/rooms/3000/endpoints", sdp::testing::kFfmpegOffer);
  EXPECT_EQ(plain.result(), http::Status::bad_request);
  EXPECT_THAT(ErrorMessage(plain), HasSubstr("requires SRTP"));
  EXPECT_EQ(control_.Count("add"), 0u);
}

TEST_F(EndpointsApiTest, AnSdpLargerThanTheParserTakesIs413) {
  std::string big = sdp::testing::kFfmpegOffer;
  while (big.size() <= 65535)
    big += "a=x-padding:0123456789012345678901234567890123456789\r\n";
  EXPECT_EQ(Send(http::Verb::post, "/api/v1/rooms/1000/endpoints", big).result(), http::Status::payload_too_large);
}

TEST_F(EndpointsApiTest, ControlErrorsMapToHttpStatuses) {
  struct Case {
    Kind kind;
    http::Status status;
  };
  for (const Case& c :
       {Case{Kind::kNotFound, http::Status::not_found}, Case{Kind::kForbidden, http::Status::forbidden},
        Case{Kind::kUnavailable, http::Status::service_unavailable}, Case{Kind::kBadRequest, http::Status::bad_request},
        Case{Kind::kConflict, http::Status::conflict}, Case{Kind::kInternal, http::Status::internal_server_error}}) {
    control_.add_error = mcu::ControlError{c.kind, "because"};
    const auto r = Send(http::Verb::post, "/api/v1/rooms/1000/endpoints", sdp::testing::kSippOffer);
    EXPECT_EQ(r.result(), c.status);
    EXPECT_EQ(ErrorMessage(r), "because");
    EXPECT_EQ(r.count(boost::beast::http::field::retry_after), c.kind == Kind::kUnavailable ? 1u : 0u);
  }
  control_.add_error = mcu::ControlError{Kind::kUnavailable, "the room is full"};
  EXPECT_EQ(Send(http::Verb::post, "/api/v1/rooms/1000/endpoints",
                 sdp::testing::kSippOffer)[boost::beast::http::field::retry_after],
            "5");
}

TEST_F(EndpointsApiTest, EndpointsAreFoundOnlyUnderTheirOwnRoom) {
  ASSERT_EQ(Send(http::Verb::post, "/api/v1/rooms/1000/endpoints", sdp::testing::kSippOffer).result(),
            http::Status::created);
  EXPECT_EQ(Send(http::Verb::get, "/api/v1/rooms/3000/endpoints/p1").result(), http::Status::not_found);
  EXPECT_EQ(Send(http::Verb::delete_, "/api/v1/rooms/3000/endpoints/p1").result(), http::Status::not_found);
  EXPECT_EQ(Send(http::Verb::get, "/api/v1/rooms/demo/endpoints/p1").result(), http::Status::ok);
  EXPECT_EQ(Send(http::Verb::put, "/api/v1/rooms/1000/endpoints/p1").result(), http::Status::method_not_allowed);
}

}  // namespace
}  // namespace tessera::signaling::api

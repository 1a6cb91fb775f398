// docs/openapi.yaml and the router agree: every documented (path, method) is routed and
// every route is documented, with the same access (public only where `security: []`).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "support/fake_conference.h"
#include "tessera/signaling/api/endpoints_api.h"
#include "tessera/signaling/api/event_hub.h"
#include "tessera/signaling/api/events_api.h"
#include "tessera/signaling/api/health_api.h"
#include "tessera/signaling/api/metrics_api.h"
#include "tessera/signaling/api/rooms_api.h"
#include "tessera/signaling/api/streams_api.h"
#include "tessera/testing/paths.h"

namespace tessera::signaling::api {
namespace {

struct Operation {
  std::string method;  // lower case, as in OpenAPI
  std::string path;
  bool is_public = false;
  auto operator<=>(const Operation& o) const { return std::tie(method, path) <=> std::tie(o.method, o.path); }
  bool operator==(const Operation& o) const { return method == o.method && path == o.path; }
};

std::ostream& operator<<(std::ostream& os, const Operation& o) {
  return os << o.method << " " << o.path;
}

// The operations under `paths:`: paths at two spaces of indentation, methods at four, and
// `security: []` at six marking a public operation. The document is written in that
// block style (the test fails loudly if it is not: no operations found).
std::vector<Operation> DocumentedOperations(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<Operation> ops;
  std::string line, path;
  bool in_paths = false;
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head", "options"};
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ') break;  // the next top-level key
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    const std::string text = line.substr(indent);
    if (indent == 2 && text.starts_with("/") && text.ends_with(":"))
      path = text.substr(0, text.size() - 1);
    else if (indent == 4 && text.ends_with(":") && kMethods.contains(text.substr(0, text.size() - 1)))
      ops.push_back({text.substr(0, text.size() - 1), path});
    else if (indent == 6 && text == "security: []" && !ops.empty())
      ops.back().is_public = true;
  }
  return ops;
}

std::string MethodName(http::Verb verb) {
  std::string name(boost::beast::http::to_string(verb));
  for (char& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

TEST(OpenApi, EveryDocumentedRouteIsRoutedAndEveryRouteIsDocumented) {
  testing::FakeConference control;
  boost::asio::io_context io;
  http::Router router;
  RegisterHealthRoutes(router, control);
  RegisterMetricsRoutes(router, control);
  EndpointsApi endpoints(control);
  endpoints.Register(router);
  RoomsApi rooms(control);
  rooms.Register(router);
  StreamsApi streams(control, {"/nonexistent/rec", "/nonexistent/hls"});
  streams.Register(router);
  EventsApi events(std::make_shared<EventHub>(io, 16), router);
  events.Register(router);

  std::vector<Operation> routed;
  for (const http::Router::RouteInfo& r : router.Routes())
    routed.push_back({MethodName(r.method), r.pattern, r.access == http::Access::kPublic});
  std::vector<Operation> documented = DocumentedOperations(tessera::testing::SourceDir() / "docs" / "openapi.yaml");
  ASSERT_GT(documented.size(), 20u) << "docs/openapi.yaml is not in the expected block style";
  std::sort(routed.begin(), routed.end());
  std::sort(documented.begin(), documented.end());
  std::vector<Operation> undocumented, unrouted;
  std::set_difference(routed.begin(), routed.end(), documented.begin(), documented.end(),
                      std::back_inserter(undocumented));
  std::set_difference(documented.begin(), documented.end(), routed.begin(), routed.end(), std::back_inserter(unrouted));
  EXPECT_THAT(undocumented, ::testing::IsEmpty()) << "routes missing from docs/openapi.yaml";
  EXPECT_THAT(unrouted, ::testing::IsEmpty()) << "documented but not routed";
  // The same operations are public in both (only /healthz).
  for (const Operation& r : routed) {
    auto d = std::find(documented.begin(), documented.end(), r);
    if (d != documented.end()) {
      EXPECT_EQ(r.is_public, d->is_public) << r;
    }
  }
}

TEST(OpenApi, QueryParametersAreFoundByName) {
  EXPECT_EQ(http::QueryParam("/api/v1/events?since=42", "since"), "42");
  EXPECT_EQ(http::QueryParam("/x?a=1&since=7&b", "since"), "7");
  EXPECT_EQ(http::QueryParam("/x?sincere=1", "since"), std::nullopt);
  EXPECT_EQ(http::QueryParam("/x?since", "since"), "");
  EXPECT_EQ(http::QueryParam("/x", "since"), std::nullopt);
}

}  // namespace
}  // namespace tessera::signaling::api

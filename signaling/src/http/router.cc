#include "tessera/signaling/http/router.h"

#include <boost/beast/http/verb.hpp>

#include <string>

namespace tessera::signaling::http {
namespace {

template <typename Out>
void SplitPath(std::string_view path, Out& out) {
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
}

}  // namespace

void Router::Add(Verb method, std::string_view pattern, Handler handler, Access access) {
  Route_ route{method, std::string(pattern), {}, std::move(handler), access};
  SplitPath(pattern, route.segments);
  routes_.push_back(std::move(route));
}

bool Router::Match(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
                   PathParams& params) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      if (path[i].empty()) return false;
      params[p.substr(1, p.size() - 2)] = std::string(path[i]);
    } else if (p != path[i]) {
      return false;
    }
  }
  return true;
}

std::optional<Response> Router::Authorize(const Request& request, Access access,
                                          const boost::asio::ip::address& remote) const {
  if (!authorizer_ || access == Access::kPublic) return std::nullopt;
  return authorizer_(request, access, remote);
}

std::vector<Router::RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const Route_& r : routes_)
    out.push_back({r.method, r.pattern, r.access});
  return out;
}

std::optional<std::string_view> QueryParam(std::string_view target, std::string_view name) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

Response Router::Route(const Request& request, const boost::asio::ip::address& remote) const {
  std::string_view target(request.target().data(), request.target().size());
  const size_t query = target.find('?');
  const std::string_view path = target.substr(0, query);
  std::vector<std::string_view> segments;
  SplitPath(path, segments);

  std::string allow;
  for (const Route_& route : routes_) {
    PathParams params;
    if (!Match(route.segments, segments, params)) continue;
    // HEAD is answered by the GET handler; the server drops the body.
    const bool method_ok =
        route.method == request.method() || (request.method() == Verb::head && route.method == Verb::get);
    if (method_ok) {
      // Authentication before anything about the resource is revealed.
      if (auto refused = Authorize(request, route.access, remote)) return std::move(*refused);
      return route.handler(request, params);
    }
    if (!allow.empty()) allow += ", ";
    allow += std::string(boost::beast::http::to_string(route.method));
  }
  if (!allow.empty()) {
    Response response = ErrorResponse(Status::method_not_allowed, "method " + std::string(request.method_string()) +
                                                                      " not allowed here; allowed: " + allow);
    response.set(boost::beast::http::field::allow, allow);
    return response;
  }
  return ErrorResponse(Status::not_found, "no such resource: " + std::string(path));
}

}  // namespace tessera::signaling::http

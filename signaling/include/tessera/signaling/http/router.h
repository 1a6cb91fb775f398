#pragma once
// Router: maps (method, path pattern) to a handler. Patterns are literal segments and
// "{name}" captures: "/api/v1/rooms/{room}/participants/{id}". A path that matches no
// pattern gets 404; one that matches with another method gets 405 with an Allow header.
//
// Thread safety: routes are added before the server starts; Route() is then const and may
// run on any thread.

#include <boost/asio/ip/address.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/signaling/http/types.h"

namespace tessera::signaling::http {

using PathParams = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<Response(const Request&, const PathParams&)>;

// Who may call a route: anyone (/healthz), any valid token, or an operator's token.
enum class Access : uint8_t { kPublic, kRead, kOperate };

// Decides whether `request` from `remote` may use a route of `access`: nullopt lets it
// through, a response (401, 403, 429) refuses it. Set by the API (api/auth.h).
using Authorizer = std::function<std::optional<Response>(const Request& request, Access access,
                                                         const boost::asio::ip::address& remote)>;

class Router {
 public:
  struct RouteInfo {
    Verb method;
    std::string pattern;
    Access access;
  };

  // Routes added without an access level need an operator's token once an authorizer is set.
  void Add(Verb method, std::string_view pattern, Handler handler, Access access = Access::kOperate);
  void SetAuthorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
  // Without an authorizer every route is open (unit tests of handlers).
  Response Route(const Request& request, const boost::asio::ip::address& remote = {}) const;
  // The check Route() makes, for other entry points (the WebSocket upgrade).
  std::optional<Response> Authorize(const Request& request, Access access,
                                    const boost::asio::ip::address& remote) const;
  // Every route, in the order added (the OpenAPI test compares them with the document).
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route_ {
    Verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{x}" entries capture
    Handler handler;
    Access access;
  };
  static bool Match(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
                    PathParams& params);

  std::vector<Route_> routes_;
  Authorizer authorizer_;
};

// The value of query parameter `name` in `target` ("/x?since=5&a=b"), undecoded; nullopt
// when absent.
std::optional<std::string_view> QueryParam(std::string_view target, std::string_view name);

}  // namespace tessera::signaling::http

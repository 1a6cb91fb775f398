#pragma once
// Router: maps (method, path pattern) to a handler. Patterns are literal segments and
// "{name}" captures: "/api/v1/rooms/{room}/participants/{id}". A path that matches no
// pattern gets 404; one that matches with another method gets 405 with an Allow header.
//
// Thread safety: routes are added before the server starts; Route() is then const and may
// run on any thread.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/signaling/http/types.h"

namespace tessera::signaling::http {

using PathParams = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<Response(const Request&, const PathParams&)>;

class Router {
 public:
  void Add(Verb method, std::string_view pattern, Handler handler);
  Response Route(const Request& request) const;

 private:
  struct Route_ {
    Verb method;
    std::vector<std::string> segments;  // "{x}" entries capture
    Handler handler;
  };
  static bool Match(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
                    PathParams& params);

  std::vector<Route_> routes_;
};

}  // namespace tessera::signaling::http

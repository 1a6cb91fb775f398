#include "tessera/signaling/api/health_api.h"

#include <nlohmann/json.hpp>

namespace tessera::signaling::api {

void RegisterHealthRoutes(http::Router& router, const mcu::ConferenceControl& control) {
  router.Add(
      http::Verb::get, "/healthz",
      [&control](const http::Request&, const http::PathParams&) {
        const mcu::ServerInfo info = control.GetServerInfo();
        nlohmann::json libraries = nlohmann::json::object();
        for (const auto& [name, version] : info.libraries)
          libraries[name] = version;
        return http::JsonResponse(http::Status::ok,
                                  {{"status", "ok"},
                                   {"name", info.name},
                                   {"version", info.version},
                                   {"uptime_seconds", std::chrono::duration<double>(info.uptime).count()},
                                   {"libraries", libraries}});
      },
      http::Access::kPublic);  // load balancers probe it without a token
}

}  // namespace tessera::signaling::api

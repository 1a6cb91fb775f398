// The tessera executable: parse flags, load the config, wire the core (mcu) to the control
// plane (signaling), run until SIGINT/SIGTERM. Everything else lives in the libraries.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command_line.h"
#include "tessera/base/cpu_features.h"
#include "tessera/base/log.h"
#include "tessera/base/version.h"
#include "tessera/codecs/library_versions.h"
#include "tessera/mcu/config.h"
#include "tessera/mcu/server.h"
#include "tessera/signaling/api/health_api.h"
#include "tessera/signaling/http/http_server.h"

namespace {

constexpr tessera::log::Component kLog{"main"};

int PrintConfigErrors(const tessera::mcu::ConfigErrors& errors) {
  for (const auto& e : errors)
    fmt::print(stderr, "tessera: config error: {}\n", e.ToString());
  return tessera::app::kExitBadConfig;
}

int RunServer(const tessera::app::CommandLine& cl, tessera::mcu::Config config) {
  using namespace tessera;
  mcu::Server server(std::move(config));
  const mcu::Config& c = server.config();

  signaling::http::Router router;
  signaling::api::RegisterHealthRoutes(router, server);
  signaling::http::HttpServer http(server.control_context(), {.host = c.http.listen.host, .port = c.http.listen.port},
                                   router);
  if (auto listening = http.Listen(); !listening) {
    fmt::print(stderr, "tessera: {}\n", listening.error());
    return app::kExitStartupFailure;
  }
  server.OnShutdown([&http] { http.Stop(); });

  TLOG_INFO(kLog, "tessera {} started with {} ({} room(s)); CPU: {}", kVersion, cl.config_path, c.rooms.size(),
            GetCpuFeatures().ToString());
  server.Run();
  return app::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tessera;
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto cl = app::ParseCommandLine(args);
  if (!cl) {
    fmt::print(stderr, "tessera: {}\n", cl.error());
    return app::kExitBadConfig;
  }
  if (cl->help) {
    fmt::print("{}", app::Usage());
    return app::kExitOk;
  }
  if (cl->version) {
    fmt::print("tessera {}\n", kVersion);
    for (const auto& [name, version] : codecs::CodecLibraryVersions())
      fmt::print("  {} {}\n", name, version);
    fmt::print("  cpu: {}\n", GetCpuFeatures().ToString());
    return app::kExitOk;
  }

  auto config = mcu::LoadConfigFile(cl->config_path);
  if (!config) return PrintConfigErrors(config.error());
  if (cl->check_only) {
    fmt::print("{}: configuration is valid ({} room(s), {} rung(s))\n", cl->config_path, config->rooms.size(),
               config->rungs.size());
    return app::kExitOk;
  }

  log::Init({.level = cl->log_level.value_or(config->log.level),
             .debug_tags = cl->debug_tags.value_or(config->log.debug_tags)});
  return RunServer(*cl, std::move(*config));
}

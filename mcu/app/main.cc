// The tessera executable: parse flags, load the config, wire the core (mcu) to the control
// plane (signaling), run until SIGINT/SIGTERM. Everything else lives in the libraries.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/post.hpp>

#include "command_line.h"
#include "tessera/base/cpu_features.h"
#include "tessera/base/log.h"
#include "tessera/base/version.h"
#include "tessera/codecs/library_versions.h"
#include "tessera/mcu/config.h"
#include "tessera/mcu/server.h"
#include "tessera/signaling/api/auth.h"
#include "tessera/signaling/api/endpoints_api.h"
#include "tessera/signaling/api/event_hub.h"
#include "tessera/signaling/api/events_api.h"
#include "tessera/signaling/api/h323_dialer.h"
#include "tessera/signaling/api/health_api.h"
#include "tessera/signaling/h323/h323_conference.h"
#include "tessera/signaling/h323/h323_endpoint.h"
#include "tessera/signaling/api/metrics_api.h"
#include "tessera/signaling/api/rooms_api.h"
#include "tessera/signaling/api/sip_dialer.h"
#include "tessera/signaling/api/streams_api.h"
#include "tessera/signaling/http/http_server.h"
#include "tessera/signaling/sip/conference_dial_in.h"
#include "tessera/signaling/sip/user_agent.h"

namespace {

constexpr tessera::log::Component kLog{"main"};

int PrintConfigErrors(const tessera::mcu::ConfigErrors& errors) {
  for (const auto& e : errors)
    fmt::print(stderr, "tessera: config error: {}\n", e.ToString());
  return tessera::app::kExitBadConfig;
}

// Config::sip (validated by the config parser) as the SIP user agent's options. Fails only
// on registration URIs the SIP grammar refuses; the error names the key.
tessera::Result<tessera::signaling::sip::UserAgentOptions, std::string> SipOptions(const tessera::mcu::Config& c) {
  using namespace tessera::signaling::sip;
  const tessera::mcu::SipSection& sip = c.sip;
  UserAgentOptions o;
  auto listen = [](const std::optional<tessera::mcu::ListenAddress>& a,
                   std::string key) -> std::optional<ListenEndpoint> {
    if (!a) return std::nullopt;
    return ListenEndpoint{a->host, a->port, std::move(key)};
  };
  o.transport.udp = listen(sip.udp, "sip.udp");
  o.transport.tcp = listen(sip.tcp, "sip.tcp");
  o.transport.tls = listen(sip.tls, "sip.tls");
  o.transport.tls_certificate_file = sip.tls_certificate;
  o.transport.tls_private_key_file = sip.tls_private_key;
  o.transport.tls_verify_server = sip.tls_verify_server;
  o.transport.public_address = sip.public_address;
  o.transport.requests_per_second_per_source = static_cast<uint32_t>(sip.requests_per_second_per_source);
  o.transport.idle_timeout = std::chrono::seconds(sip.connection_idle_timeout_s);
  o.transactions.timers = {std::chrono::milliseconds(sip.timer_t1_ms), std::chrono::milliseconds(sip.timer_t2_ms),
                           std::chrono::milliseconds(sip.timer_t4_ms)};
  o.user_agent = fmt::format("Tessera/{}", tessera::kVersion);
  o.session_timer = {std::chrono::seconds(sip.session_expires_s), std::chrono::seconds(sip.min_se_s)};
  if (!sip.auth.users.empty()) {
    DigestAuthenticatorOptions auth;
    auth.realm = sip.auth.realm;
    auth.nonce_lifetime = std::chrono::seconds(sip.auth.nonce_lifetime_s);
    for (const auto& u : sip.auth.users)
      auth.users.push_back({u.username, u.password});
    o.authentication = std::move(auth);
    o.max_auth_failures_per_minute = static_cast<uint32_t>(sip.auth.max_failures_per_minute);
  }
  for (const auto& c : sip.credentials)
    o.credentials.push_back({c.realm, c.username, c.password});
  for (size_t i = 0; i < sip.registrations.size(); ++i) {
    const auto& r = sip.registrations[i];
    RegistrationOptions reg;
    auto registrar = ParseUri(r.registrar);
    if (!registrar)
      return tessera::MakeUnexpected(fmt::format("sip.registrations[{}].registrar: {}", i, registrar.error()));
    auto aor = ParseUri(r.aor);
    if (!aor) return tessera::MakeUnexpected(fmt::format("sip.registrations[{}].aor: {}", i, aor.error()));
    reg.registrar = std::move(*registrar);
    reg.aor = std::move(*aor);
    reg.username = r.username;
    reg.password = r.password;
    reg.expires = std::chrono::seconds(r.expires_s);
    o.registrations.push_back(std::move(reg));
  }
  return o;
}

int RunServer(const tessera::app::CommandLine& cl, tessera::mcu::Config config) {
  using namespace tessera;
  mcu::Server server(std::move(config));
  const mcu::Config& c = server.config();

  // Control API tokens: inline, or from a file made with a random token at first start.
  std::vector<signaling::api::ApiToken> tokens;
  for (size_t i = 0; i < c.http.tokens.size(); ++i) {
    const mcu::ApiToken& t = c.http.tokens[i];
    signaling::api::ApiToken token{
        t.name, t.token,
        t.role == mcu::ApiToken::Role::kOperator ? signaling::api::Role::kOperator : signaling::api::Role::kReadOnly};
    if (!t.token_file.empty()) {
      auto secret = signaling::api::LoadOrCreateTokenFile(t.token_file);
      if (!secret) {
        fmt::print(stderr, "tessera: config error: {}: http.tokens[{}].token_file: {}\n", c.source, i, secret.error());
        return app::kExitBadConfig;
      }
      token.secret = std::move(*secret);
    }
    tokens.push_back(std::move(token));
  }
  if (tokens.empty())
    TLOG_WARN(kLog, "no [[http.tokens]] configured: the control API answers 401 to everything but /healthz");
  signaling::api::TokenAuth auth(std::move(tokens), c.http.auth_failures_per_minute);

  signaling::http::Router router;
  router.SetAuthorizer(auth.AsAuthorizer());
  signaling::api::RegisterHealthRoutes(router, server);
  signaling::api::RegisterMetricsRoutes(router, server);
  signaling::api::EndpointsApi endpoints(server);
  endpoints.Register(router);
  signaling::api::RoomsApi rooms(server);
  rooms.Register(router);
  signaling::api::StreamsApi streams(server, {c.streaming.recordings_dir, c.streaming.hls_dir});
  streams.Register(router);
  auto hub =
      std::make_shared<signaling::api::EventHub>(server.control_context(), static_cast<size_t>(c.http.event_history));
  server.SetEventListener([hub](const mcu::ControlEvent& event) { hub->Publish(event); });
  signaling::api::EventsApi events(hub, router);
  events.Register(router);
  signaling::http::HttpServer http(server.control_context(),
                                   {.host = c.http.listen.host,
                                    .port = c.http.listen.port,
                                    .body_limit = static_cast<size_t>(c.http.body_limit_kib) * 1024,
                                    .idle_timeout = std::chrono::seconds(c.http.idle_timeout_s)},
                                   router);
  http.SetUpgradeHandler(events.UpgradeHandler());
  if (auto listening = http.Listen(); !listening) {
    fmt::print(stderr, "tessera: {}\n", listening.error());
    server.SetEventListener(nullptr);
    return app::kExitStartupFailure;
  }
  server.OnShutdown([&http, &events] {
    events.Stop();
    http.Stop();
  });

  auto sip_options = SipOptions(c);
  if (!sip_options) {
    fmt::print(stderr, "tessera: config error: {}: {}\n", c.source, sip_options.error());
    server.SetEventListener(nullptr);
    return app::kExitBadConfig;
  }
  // Incoming calls join rooms through the server's ConferenceControl.
  // PIN dialogues run their timers on the control thread, with the calls.
  signaling::sip::ConferenceDialIn dial_in(
      server, {.io = &server.control_context(),
               .wrong_pins_per_minute = static_cast<double>(c.sip.wrong_pins_per_minute),
               .dial_out_answer_timeout = std::chrono::seconds(c.sip.dial_out_answer_timeout_s)});
  signaling::sip::UserAgent sip(server.control_context(), std::move(*sip_options), dial_in);
  if (auto listening = sip.Start(); !listening) {
    fmt::print(stderr, "tessera: {}\n", listening.error());
    server.SetEventListener(nullptr);
    return app::kExitStartupFailure;
  }
  server.OnShutdown([&sip] { sip.Stop(); });
  signaling::api::SipDialer sip_dialer(dial_in, sip);
  rooms.AddDialer(sip_dialer);
  // Configured dial-out, once the control loop runs (the core needs its threads).
  boost::asio::post(server.control_context(), [&c, &dial_in, &sip] {
    for (const mcu::RoomConfig& room : c.rooms) {
      for (const std::string& uri : room.dial_out) {
        auto target = signaling::sip::ParseUri(uri);  // checked by the config parser
        if (!target) continue;
        auto call = dial_in.DialOut(sip, room.id, *target);
        if (!call) TLOG_WARN(kLog, "room {}: dial-out to {} not placed: {}", room.id, uri, call.error());
      }
    }
  });

  // H.323: calls join rooms through the same ConferenceControl; configured dial-out as for SIP.
  signaling::h323::H323Conference h323_rooms(server, server.control_context());
  signaling::h323::H323EndpointOptions h323_options;
  h323_options.listen_host = c.h323.listen.host;
  h323_options.listen_port = c.h323.listen.port;
  h323_options.call.display_name = c.server.name;
  signaling::h323::H323Endpoint h323(server.control_context(), h323_options, h323_rooms);
  signaling::api::H323Dialer h323_dialer(h323_rooms, h323);
  if (c.h323.enabled) {
    rooms.AddDialer(h323_dialer);
    if (auto listening = h323.Start(); !listening) {
      fmt::print(stderr, "tessera: {}\n", listening.error());
      return app::kExitStartupFailure;
    }
    server.OnShutdown([&h323] { h323.Stop(); });
    boost::asio::post(server.control_context(), [&c, &h323_rooms, &h323] {
      for (const mcu::RoomConfig& room : c.rooms) {
        for (const std::string& target : room.h323_dial_out) {
          auto call = h323_rooms.DialOut(h323, room.id, target);
          if (!call) TLOG_WARN(kLog, "room {}: H.323 dial-out to {} not placed: {}", room.id, target, call.error());
        }
      }
    });
  }

  TLOG_INFO(kLog, "tessera {} started with {} ({} room(s)); CPU: {}", kVersion, cl.config_path, c.rooms.size(),
            GetCpuFeatures().ToString());
  server.Run();
  server.SetEventListener(nullptr);  // the hub goes before the core
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

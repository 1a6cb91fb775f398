// The configuration schema: which sections and keys exist, their types and ranges.
// Every key read here must be documented in config/tessera.toml.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "config/layout_config.h"
#include "config/toml_ascii.h"
#include "config/toml_reader.h"
#include "tessera/mcu/config.h"
#include "tessera/mixer/video/layout.h"

namespace tessera::mcu {
namespace {

using config_internal::ErrorSink;
using config_internal::TableReader;

bool IsIpLiteral(const std::string& host) {
  in6_addr buf{};
  return inet_pton(AF_INET, host.c_str(), &buf) == 1 || inet_pton(AF_INET6, host.c_str(), &buf) == 1;
}

// "0.0.0.0:5060", "[::]:5060" -> ListenAddress; nullopt if malformed.
std::optional<ListenAddress> ParseListenAddress(std::string_view text) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    if (host.find(':') == std::string::npos) return std::nullopt;  // brackets are for IPv6 only
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) return std::nullopt;  // IPv6 needs brackets
  }
  if (!IsIpLiteral(host) || port_text.empty() || port_text.size() > 5) return std::nullopt;
  uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  return ListenAddress{host, static_cast<uint16_t>(port)};
}

constexpr std::string_view kListenExpected =
    "an address \"<ip>:<port>\" with a numeric IPv4 or [IPv6] address and a port from 1 to 65535";

// Reads an optional listen address; "" disables it when `allow_disable`.
void ReadListen(TableReader& r, std::string_view key, bool allow_disable, std::optional<ListenAddress>& out) {
  std::string text;
  if (!r.String(key, text)) return;
  if (text.empty() && allow_disable) {
    out.reset();
    return;
  }
  if (auto a = ParseListenAddress(text)) {
    out = *a;
  } else {
    r.Invalid(key, fmt::format("expected {}{}, got \"{}\"", kListenExpected,
                               allow_disable ? " (or \"\" to disable)" : "", text));
  }
}

bool IsIdentifier(std::string_view s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; });
}

void ParseServer(TableReader& r, ServerSection& s) {
  r.String("name", s.name);
  r.Integer("worker_threads", 0, 256, s.worker_threads);
  r.Integer("network_threads", 1, 64, s.network_threads);
  r.RejectUnknownKeys();
}

void ParseLog(TableReader& r, LogSection& s) {
  std::string level;
  if (r.String("level", level)) {
    if (auto l = log::ParseLevel(level)) {
      s.level = *l;
    } else {
      r.Invalid("level", fmt::format("expected one of trace, debug, info, warn, error, off, got \"{}\"", level));
    }
  }
  std::vector<std::string> tags;
  if (r.StringArray("debug_tags", tags)) {
    uint32_t bits = tags.empty() ? log::kAllTags : 0;
    for (const std::string& t : tags) {
      if (t == "all") {
        bits = log::kAllTags;
      } else if (auto tag = log::ParseTag(t)) {
        bits |= static_cast<uint32_t>(*tag);
      } else {
        r.Invalid("debug_tags", fmt::format("expected tags from: all, {}; got \"{}\"", log::TagNames(), t));
      }
    }
    s.debug_tags = bits;
  }
  r.RejectUnknownKeys();
}

bool IsSipUri(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon + 1 >= s.size()) return false;
  std::string scheme(s.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  return (scheme == "sip" || scheme == "sips") &&
         std::none_of(s.begin(), s.end(), [](unsigned char c) { return c <= ' ' || c == '<' || c == '>'; });
}

void ParseSipAuth(TableReader& r, SipAuthSection& a) {
  if (r.String("realm", a.realm) && (a.realm.empty() || a.realm.find('"') != std::string::npos)) {
    r.Invalid("realm", fmt::format("expected a non-empty realm without '\"', got \"{}\"", a.realm));
  }
  r.Integer("nonce_lifetime_s", 10, 86400, a.nonce_lifetime_s);
  r.Integer("max_failures_per_minute", 1, 10000, a.max_failures_per_minute);
  if (const toml::array* users = r.ArrayOfTables("users")) {
    for (size_t i = 0; i < users->size(); ++i) {
      TableReader u(*users->get(i)->as_table(), fmt::format("{}[{}]", r.KeyPath("users"), i), r.errors());
      SipUser& user = a.users.emplace_back();
      if (u.Require("username") && u.String("username", user.username) && !IsIdentifier(user.username, 64)) {
        u.Invalid("username", fmt::format("expected 1-64 letters, digits, '_', '-' or '.', got \"{}\"", user.username));
      }
      if (u.Require("password") && u.String("password", user.password) && user.password.empty()) {
        u.Invalid("password", "expected a non-empty password");
      }
      u.RejectUnknownKeys();
    }
  }
  r.RejectUnknownKeys();
}

void ParseSipRegistration(TableReader& r, SipRegistration& reg) {
  for (auto [key, out] : {std::pair{"registrar", &reg.registrar}, std::pair{"aor", &reg.aor}}) {
    if (r.Require(key) && r.String(key, *out) && !IsSipUri(*out)) {
      r.Invalid(key, fmt::format("expected a sip: or sips: URI, got \"{}\"", *out));
    }
  }
  r.String("username", reg.username);
  r.String("password", reg.password);
  r.Integer("expires_s", 60, 86400, reg.expires_s);
  r.RejectUnknownKeys();
}

void ParseSipCredentials(TableReader& r, SipCredentials& c) {
  r.String("realm", c.realm);
  if (r.Require("username")) r.String("username", c.username);
  if (r.Require("password")) r.String("password", c.password);
  r.RejectUnknownKeys();
}

void ParseSip(TableReader& r, SipSection& s) {
  ReadListen(r, "udp", true, s.udp);
  ReadListen(r, "tcp", true, s.tcp);
  ReadListen(r, "tls", true, s.tls);
  r.String("tls_certificate", s.tls_certificate);
  r.String("tls_private_key", s.tls_private_key);
  if (s.tls) {
    if (s.tls_certificate.empty())
      r.Invalid("tls_certificate", "expected a PEM certificate file, required when sip.tls is set");
    if (s.tls_private_key.empty())
      r.Invalid("tls_private_key", "expected a PEM private key file, required when sip.tls is set");
  }
  r.Boolean("tls_verify_server", s.tls_verify_server);
  if (r.String("public_address", s.public_address) && !s.public_address.empty() && !IsIpLiteral(s.public_address)) {
    r.Invalid("public_address",
              fmt::format("expected a numeric IPv4 or IPv6 address or \"\", got \"{}\"", s.public_address));
  }
  r.Integer("timer_t1_ms", 50, 10000, s.timer_t1_ms);
  const bool has_t2 = r.Integer("timer_t2_ms", 100, 60000, s.timer_t2_ms);
  r.Integer("timer_t4_ms", 100, 60000, s.timer_t4_ms);
  if (has_t2 && s.timer_t2_ms < s.timer_t1_ms) {
    r.Invalid("timer_t2_ms",
              fmt::format("expected at least sip.timer_t1_ms ({}), got {}", s.timer_t1_ms, s.timer_t2_ms));
  }
  // RFC 4028 §4: neither may be below 90 seconds.
  r.Integer("dial_out_answer_timeout_s", 1, 600, s.dial_out_answer_timeout_s);
  r.Integer("wrong_pins_per_minute", 0, 600, s.wrong_pins_per_minute);
  const bool has_se = r.Integer("session_expires_s", 0, 86400, s.session_expires_s);
  r.Integer("min_se_s", 90, 86400, s.min_se_s);
  if (has_se && s.session_expires_s != 0 && s.session_expires_s < s.min_se_s) {
    r.Invalid("session_expires_s",
              fmt::format("expected 0 or at least sip.min_se_s ({}), got {}", s.min_se_s, s.session_expires_s));
  }
  r.Integer("requests_per_second_per_source", 0, 1000000, s.requests_per_second_per_source);
  r.Integer("connection_idle_timeout_s", 10, 86400, s.connection_idle_timeout_s);
  if (const toml::table* t = r.Table("auth")) {
    TableReader a(*t, r.KeyPath("auth"), r.errors());
    ParseSipAuth(a, s.auth);
  }
  if (const toml::array* regs = r.ArrayOfTables("registrations")) {
    for (size_t i = 0; i < regs->size(); ++i) {
      TableReader reg(*regs->get(i)->as_table(), fmt::format("{}[{}]", r.KeyPath("registrations"), i), r.errors());
      ParseSipRegistration(reg, s.registrations.emplace_back());
    }
  }
  if (const toml::array* creds = r.ArrayOfTables("credentials")) {
    for (size_t i = 0; i < creds->size(); ++i) {
      TableReader c(*creds->get(i)->as_table(), fmt::format("{}[{}]", r.KeyPath("credentials"), i), r.errors());
      ParseSipCredentials(c, s.credentials.emplace_back());
    }
  }
  r.RejectUnknownKeys();
}

void ParseHttp(TableReader& r, HttpSection& s) {
  std::optional<ListenAddress> listen = s.listen;
  ReadListen(r, "listen", false, listen);
  if (listen) s.listen = *listen;
  r.Integer("auth_failures_per_minute", 1, 10000, s.auth_failures_per_minute);
  r.Integer("body_limit_kib", 1, 65536, s.body_limit_kib);
  r.Integer("idle_timeout_s", 1, 3600, s.idle_timeout_s);
  r.Integer("event_history", 16, 1000000, s.event_history);
  if (const toml::array* tokens = r.ArrayOfTables("tokens")) {
    for (size_t i = 0; i < tokens->size(); ++i) {
      TableReader t(*tokens->get(i)->as_table(), fmt::format("{}[{}]", r.KeyPath("tokens"), i), r.errors());
      ApiToken& token = s.tokens.emplace_back();
      if (t.Require("name") && t.String("name", token.name) && !IsIdentifier(token.name, 64))
        t.Invalid("name", fmt::format("expected 1-64 letters, digits, '_', '-' or '.', got \"{}\"", token.name));
      // The value is never echoed in a message: it is a secret.
      const bool inline_token = t.String("token", token.token);
      const bool file_token = t.String("token_file", token.token_file);
      const bool has_token = t.table().contains("token");
      const bool has_file = t.table().contains("token_file");
      if (has_token && has_file)
        t.Invalid("token_file", "expected either token or token_file, not both");
      else if (!has_token && !has_file)
        t.Invalid("token", "expected token or token_file (one is required)");
      if (file_token && token.token_file.empty()) t.Invalid("token_file", "expected a file path, got \"\"");
      if (inline_token &&
          (token.token.size() < 16 || token.token.size() > 256 ||
           !std::all_of(token.token.begin(), token.token.end(), [](unsigned char c) { return c > ' ' && c < 127; })))
        t.Invalid("token", "expected 16-256 printable ASCII characters without spaces");
      std::string role = "read-only";
      if (t.String("role", role)) {
        if (role == "operator")
          token.role = ApiToken::Role::kOperator;
        else if (role != "read-only")
          t.Invalid("role", fmt::format("expected \"read-only\" or \"operator\", got \"{}\"", role));
      }
      t.RejectUnknownKeys();
    }
  }
  r.RejectUnknownKeys();
}

void ParseStreaming(TableReader& r, StreamingConfig& s) {
  for (auto [key, path] :
       {std::pair<const char*, std::filesystem::path*>{"recordings_dir", &s.recordings_dir}, {"hls_dir", &s.hls_dir}}) {
    std::string text;
    if (!r.String(key, text)) continue;
    if (text.empty() || text.find('\0') != std::string::npos)
      r.Invalid(key, "expected a folder path, got an empty string");
    else
      *path = text;
  }
  r.RejectUnknownKeys();
}

void ParseH323(TableReader& r, H323Section& s) {
  r.Boolean("enabled", s.enabled);
  std::optional<ListenAddress> listen = s.listen;
  ReadListen(r, "listen", false, listen);
  if (listen) s.listen = *listen;
  r.RejectUnknownKeys();
}

void ParseRtp(TableReader& r, RtpSection& s) {
  if (r.String("address", s.address) && !IsIpLiteral(s.address)) {
    r.Invalid("address", fmt::format("expected a numeric IPv4 or IPv6 address, got \"{}\"", s.address));
  }
  if (r.String("public_address", s.public_address) && !s.public_address.empty() && !IsIpLiteral(s.public_address)) {
    r.Invalid("public_address",
              fmt::format("expected a numeric IPv4 or IPv6 address or \"\", got \"{}\"", s.public_address));
  }
  const bool has_min = r.Integer("port_min", 1024, 65534, s.port_min);
  r.Integer("port_max", 1025, 65535, s.port_max);
  if (has_min && s.port_min % 2 != 0) {
    r.Invalid("port_min",
              fmt::format("expected an even port (RTP uses even ports, RTCP the odd one above), got {}", s.port_min));
  }
  if (s.port_max < s.port_min + 1) {
    r.Invalid("port_max", fmt::format("expected a port above rtp.port_min ({}), got {}", s.port_min, s.port_max));
  }
  r.RejectUnknownKeys();
}

void ParseRung(TableReader& r, RungConfig& rung) {
  if (r.Require("name") && r.String("name", rung.name) && !IsIdentifier(rung.name, 32)) {
    r.Invalid("name", fmt::format("expected 1-32 letters, digits, '_', '-' or '.', got \"{}\"", rung.name));
  }
  r.Require("width");
  r.Require("height");
  r.Require("bitrate_kbps");
  if (r.Integer("width", 64, 3840, rung.width) && rung.width % 2 != 0) {
    r.Invalid("width", fmt::format("expected an even width (4:2:0 video), got {}", rung.width));
  }
  if (r.Integer("height", 64, 2160, rung.height) && rung.height % 2 != 0) {
    r.Invalid("height", fmt::format("expected an even height (4:2:0 video), got {}", rung.height));
  }
  r.Integer("fps", 1, 60, rung.fps);
  r.Integer("bitrate_kbps", 32, 20000, rung.bitrate_kbps);
  std::string codec;
  if (r.String("codec", codec)) {
    if (codec == "h264")
      rung.codec = VideoCodecName::kH264;
    else if (codec == "vp8")
      rung.codec = VideoCodecName::kVp8;
    else if (codec == "h263")
      rung.codec = VideoCodecName::kH263;
    else if (codec == "h261")
      rung.codec = VideoCodecName::kH261;
    else
      r.Invalid("codec", fmt::format("expected one of h264, vp8, h263, h261, got \"{}\"", codec));
  }
  r.RejectUnknownKeys();
}

void ParseRoom(TableReader& r, RoomConfig& room) {
  if (r.Require("id") && r.String("id", room.id) && !IsIdentifier(room.id, 64)) {
    r.Invalid("id", fmt::format("expected 1-64 letters, digits, '_', '-' or '.', got \"{}\"", room.id));
  }
  r.String("name", room.name);
  if (room.name.empty()) room.name = room.id;
  if (r.StringArray("aliases", room.aliases)) {
    for (const std::string& a : room.aliases) {
      if (!IsIdentifier(a, 64)) {
        r.Invalid("aliases", fmt::format("expected aliases of 1-64 letters, digits, '_', '-' or '.', got \"{}\"", a));
      }
    }
  }
  if (r.String("pin", room.pin) && !room.pin.empty()) {
    const bool digits = std::all_of(room.pin.begin(), room.pin.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits || room.pin.size() < 4 || room.pin.size() > 12) {
      r.Invalid("pin", fmt::format("expected a string of 4 to 12 digits (or \"\" for no PIN), got \"{}\"", room.pin));
    }
  }
  r.Boolean("locked", room.locked);
  r.String("layout", room.layout);  // checked against the built-in and [[layouts]] names in CrossCheck
  if (const toml::table* own = r.Table("output_layouts")) {
    // Names checked in CrossCheck too: rungs of the room, layouts of the catalogue.
    for (auto&& [rung, node] : *own) {
      if (auto name = node.value<std::string>())
        room.output_layouts.emplace_back(std::string(rung.str()), *name);
      else
        r.InvalidAt(node, r.KeyPath("output_layouts") + "." + std::string(rung.str()),
                    "expected a layout name (a string), as in output_layouts = { \"360p\" = \"1x1\" }");
    }
  }
  r.StringArray("rungs", room.rungs);
  r.Integer("max_participants", 1, 100000, room.max_participants);
  r.Integer("demo_participants", 0, 16, room.demo_participants);
  ReadListen(r, "watch", true, room.watch);
  r.String("watch_sdp", room.watch_sdp);
  if (r.StringArray("dial_out", room.dial_out)) {
    for (const std::string& uri : room.dial_out)
      if (!IsSipUri(uri)) r.Invalid("dial_out", fmt::format("expected sip: or sips: URIs, got \"{}\"", uri));
  }
  if (r.StringArray("h323_dial_out", room.h323_dial_out)) {
    for (const std::string& target : room.h323_dial_out) {
      // The full syntax is checked when dialling (signaling/h323); here only what cannot work.
      const bool blank = target.empty() || target == "h323:" ||
                         std::any_of(target.begin(), target.end(), [](unsigned char c) { return std::isspace(c); });
      if (blank) {
        r.Invalid(
            "h323_dial_out",
            fmt::format("expected H.323 addresses (\"h323:alias@192.0.2.1:1720\", \"192.0.2.1\"), got \"{}\"", target));
        continue;
      }
      // ";h245=<mode>" picks how H.245 runs (signaling/h323 ParseDialTarget).
      if (auto semicolon = target.find(';'); semicolon != std::string::npos) {
        const std::string_view param = std::string_view(target).substr(semicolon + 1);
        const bool known = param == "h245=fast-start" || param == "h245=tunnelled" || param == "h245=separate";
        if (!known)
          r.Invalid("h323_dial_out",
                    fmt::format("expected \";h245=fast-start\", \";h245=tunnelled\" or \";h245=separate\" after "
                                "the address, got \"{}\" in \"{}\"",
                                param, target));
      }
    }
  }
  if (room.watch && room.watch_sdp.empty()) {
    r.Invalid("watch_sdp", "expected the path of the SDP file to write for the watch stream (watch is set)");
  }
  r.RejectUnknownKeys();
}

// Checks that need the whole file: unique ids and names, references between sections.
void CrossCheck(const toml::table& root, Config& c, ErrorSink& errors) {
  auto node_at = [&](std::string_view array, size_t index, std::string_view key) -> const toml::node* {
    const toml::node* t = root.get(array);
    if (!t || !t->is_array()) return nullptr;
    const toml::node* element = t->as_array()->get(index);
    if (!element || !element->is_table()) return nullptr;
    const toml::node* n = element->as_table()->get(key);
    return n ? n : element;
  };
  auto add = [&](const toml::node* n, std::string key, std::string message) {
    errors.Add(n ? n->source() : root.source(), std::move(key), std::move(message));
  };

  std::set<std::string> rung_names;
  for (size_t i = 0; i < c.rungs.size(); ++i) {
    if (!rung_names.insert(c.rungs[i].name).second) {
      add(node_at("rungs", i, "name"), fmt::format("rungs[{}].name", i),
          fmt::format("expected a unique rung name, \"{}\" is used twice", c.rungs[i].name));
    }
  }
  std::set<std::string> layout_names;
  for (size_t i = 0; i < c.layouts.size(); ++i) {
    if (!c.layouts[i].name.empty() && !layout_names.insert(c.layouts[i].name).second) {
      add(node_at("layouts", i, "name"), fmt::format("layouts[{}].name", i),
          fmt::format("expected a unique layout name, \"{}\" is used twice", c.layouts[i].name));
    }
  }
  std::set<std::string> dialable;  // ids and aliases share one namespace
  for (size_t i = 0; i < c.rooms.size(); ++i) {
    const RoomConfig& room = c.rooms[i];
    if (!room.id.empty() && !dialable.insert(room.id).second) {
      add(node_at("rooms", i, "id"), fmt::format("rooms[{}].id", i),
          fmt::format("expected a unique room id, \"{}\" is already used by another room", room.id));
    }
    for (const std::string& alias : room.aliases) {
      if (!dialable.insert(alias).second) {
        add(node_at("rooms", i, "aliases"), fmt::format("rooms[{}].aliases", i),
            fmt::format("expected aliases unique across rooms and ids, \"{}\" is already used", alias));
      }
    }
    if (!layout_names.contains(room.layout) && !mixer::FindNamedLayout(room.layout)) {
      add(node_at("rooms", i, "layout"), fmt::format("rooms[{}].layout", i),
          fmt::format("expected a built-in layout (auto, 2x2, 1+5, 1+7-bottom, pip, ...) or the name of a "
                      "[[layouts]] entry, got \"{}\"",
                      room.layout));
    }
    for (const std::string& rung : room.rungs) {
      if (!rung_names.contains(rung)) {
        add(node_at("rooms", i, "rungs"), fmt::format("rooms[{}].rungs", i),
            fmt::format("expected names of [[rungs]] entries, got \"{}\"", rung));
      }
    }
    for (const auto& [rung, layout] : room.output_layouts) {
      const toml::node* own = node_at("rooms", i, "output_layouts");
      if (own && own->is_table())
        if (const toml::node* n = own->as_table()->get(rung)) own = n;
      const std::string key = fmt::format("rooms[{}].output_layouts.{}", i, rung);
      const bool room_has_rung = room.rungs.empty()
                                     ? rung_names.contains(rung)
                                     : std::find(room.rungs.begin(), room.rungs.end(), rung) != room.rungs.end();
      if (!room_has_rung) {
        add(own, key,
            fmt::format("expected the name of one of the room's rungs ({}), got \"{}\"",
                        room.rungs.empty() ? "its [[rungs]]" : fmt::format("{}", fmt::join(room.rungs, ", ")), rung));
      }
      if (!layout_names.contains(layout) && !mixer::FindNamedLayout(layout)) {
        add(own, key, fmt::format("expected a built-in layout or the name of a [[layouts]] entry, got \"{}\"", layout));
      }
    }
  }
  if (c.sip.tcp && c.sip.tls && *c.sip.tcp == *c.sip.tls) {
    const toml::node* sip = root.get("sip");
    const toml::node* n = sip && sip->is_table() ? sip->as_table()->get("tls") : nullptr;
    add(n, "sip.tls", fmt::format("expected an address other than sip.tcp's, got \"{}\"", c.sip.tls->ToString()));
  }
  if (c.sip.tcp && c.sip.tcp->port == c.http.listen.port &&
      (c.sip.tcp->host == c.http.listen.host || c.sip.tcp->host == "0.0.0.0" || c.http.listen.host == "0.0.0.0")) {
    const toml::node* http = root.get("http");
    const toml::node* n = http && http->is_table() ? http->as_table()->get("listen") : nullptr;
    add(n, "http.listen", fmt::format("expected a port other than sip.tcp's, got {}", c.http.listen.port));
  }
}

}  // namespace

std::string ListenAddress::ToString() const {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::string_view ToString(VideoCodecName codec) {
  switch (codec) {
    case VideoCodecName::kH264:
      return "h264";
    case VideoCodecName::kVp8:
      return "vp8";
    case VideoCodecName::kH263:
      return "h263";
    case VideoCodecName::kH261:
      return "h261";
  }
  return "h264";
}

std::vector<RungConfig> DefaultRungs() {
  return {
      {"1080p", 1920, 1080, 30, 2500, VideoCodecName::kH264},
      {"720p", 1280, 720, 30, 1200, VideoCodecName::kH264},
      {"360p", 640, 360, 30, 500, VideoCodecName::kH264},
      {"180p", 320, 180, 15, 150, VideoCodecName::kH264},
  };
}

std::string ConfigError::ToString() const {
  std::string where = line > 0 ? fmt::format("{}:{}:{}", file, line, column) : file;
  if (key.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: key '{}': {}", where, key, message);
}

Result<Config, ConfigErrors> ParseConfig(std::string_view text, std::string_view source_name) {
  ConfigErrors errors;
  ErrorSink sink(std::string(source_name), errors);
  Config config;
  config.source = std::string(source_name);

  // toml++ must only ever see ASCII (see toml_ascii.h).
  auto ascii = config_internal::AsciiToml::From(text);
  if (!ascii) {
    errors.push_back(ConfigError{std::string(source_name), ascii.error().line, ascii.error().column, "",
                                 fmt::format("TOML syntax error: {}", ascii.error().message)});
    return MakeUnexpected(std::move(errors));
  }
  toml::table root;
  try {
    root = toml::parse(ascii->text(), source_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    errors.push_back(ConfigError{std::string(source_name), static_cast<int>(where.begin.line),
                                 static_cast<int>(where.begin.column), "",
                                 fmt::format("TOML syntax error: {}", e.description())});
    errors.back().column = ascii->OriginalColumn(errors.back().line, errors.back().column);
    return MakeUnexpected(std::move(errors));
  }

  TableReader top(root, "", sink);
  if (const toml::table* t = top.Table("server")) {
    TableReader r(*t, "server", sink);
    ParseServer(r, config.server);
  }
  if (const toml::table* t = top.Table("log")) {
    TableReader r(*t, "log", sink);
    ParseLog(r, config.log);
  }
  if (const toml::table* t = top.Table("sip")) {
    TableReader r(*t, "sip", sink);
    ParseSip(r, config.sip);
  }
  if (const toml::table* t = top.Table("h323")) {
    TableReader r(*t, "h323", sink);
    ParseH323(r, config.h323);
  }
  if (const toml::table* t = top.Table("http")) {
    TableReader r(*t, "http", sink);
    ParseHttp(r, config.http);
  }
  if (const toml::table* t = top.Table("streaming")) {
    TableReader r(*t, "streaming", sink);
    ParseStreaming(r, config.streaming);
  }
  if (const toml::table* t = top.Table("rtp")) {
    TableReader r(*t, "rtp", sink);
    ParseRtp(r, config.rtp);
  }
  if (const toml::array* a = top.ArrayOfTables("rungs")) {
    for (size_t i = 0; i < a->size(); ++i) {
      TableReader r(*a->get(i)->as_table(), fmt::format("rungs[{}]", i), sink);
      ParseRung(r, config.rungs.emplace_back());
    }
  }
  if (config.rungs.empty()) config.rungs = DefaultRungs();
  if (const toml::array* a = top.ArrayOfTables("layouts")) {
    for (size_t i = 0; i < a->size(); ++i) {
      TableReader r(*a->get(i)->as_table(), fmt::format("layouts[{}]", i), sink);
      config_internal::ParseLayout(r, config.layouts.emplace_back());
    }
  }
  if (const toml::array* a = top.ArrayOfTables("rooms")) {
    for (size_t i = 0; i < a->size(); ++i) {
      TableReader r(*a->get(i)->as_table(), fmt::format("rooms[{}]", i), sink);
      ParseRoom(r, config.rooms.emplace_back());
    }
  }
  top.RejectUnknownKeys();
  CrossCheck(root, config, sink);

  if (!errors.empty()) {
    for (ConfigError& e : errors)
      e.column = ascii->OriginalColumn(e.line, e.column);
    std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return MakeUnexpected(std::move(errors));
  }
  return config;
}

Result<Config, ConfigErrors> LoadConfigFile(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return MakeUnexpected(ConfigErrors{{name, 0, 0, "", "cannot read: is a directory, expected a TOML file"}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeUnexpected(ConfigErrors{{name, 0, 0, "", fmt::format("cannot read: {}", std::strerror(errno))}});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return MakeUnexpected(ConfigErrors{{name, 0, 0, "", "cannot read: I/O error"}});
  }
  return ParseConfig(buffer.str(), name);
}

}  // namespace tessera::mcu

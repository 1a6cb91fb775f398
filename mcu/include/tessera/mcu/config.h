#pragma once
// The server configuration: what config/tessera.toml holds, after strict validation.
//
// ParseConfig/LoadConfigFile never throw. Any unknown key, wrong type or out-of-range value
// is an error that names the file, line, column, the full key and what was expected; all
// errors of a file are reported at once so an admin can fix them in one pass.
//
// Thread safety: a Config is a plain value; read it from any thread after loading.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/base/log.h"
#include "tessera/base/result.h"
#include "tessera/mcu/layouts.h"

namespace tessera::mcu {

// "host:port" with a numeric IPv4/IPv6 host ("[::1]:5060" for IPv6).
struct ListenAddress {
  std::string host;
  uint16_t port = 0;

  std::string ToString() const;
  bool operator==(const ListenAddress&) const = default;
};

struct ServerSection {
  std::string name = "tessera";
  int worker_threads = 0;   // media workers; 0 = one per core
  int network_threads = 1;  // threads running the network io_context
};

struct LogSection {
  log::Level level = log::Level::kInfo;
  uint32_t debug_tags = log::kAllTags;
};

struct SipUser {
  std::string username;
  std::string password;
};

// [sip.auth]: digest authentication of incoming calls; on when `users` is not empty.
struct SipAuthSection {
  std::string realm = "tessera";
  int nonce_lifetime_s = 300;
  int max_failures_per_minute = 10;  // per source address, then 403
  std::vector<SipUser> users;
};

// [[sip.registrations]]: Tessera registering itself at a registrar/PBX.
struct SipRegistration {
  std::string registrar;  // sip:/sips: URI, e.g. "sip:pbx.example.com;transport=tcp"
  std::string aor;        // address of record, e.g. "sip:tessera@pbx.example.com"
  std::string username;   // digest user; "" = the AOR's user part
  std::string password;
  int expires_s = 3600;
};

// Digest credentials for challenges to our requests (dial-out INVITEs); realm "" = any.
struct SipCredentials {
  std::string realm;
  std::string username;
  std::string password;
};

struct SipSection {
  // An empty optional means the transport is disabled.
  std::optional<ListenAddress> udp = ListenAddress{"0.0.0.0", 5060};
  std::optional<ListenAddress> tcp = ListenAddress{"0.0.0.0", 5060};
  std::optional<ListenAddress> tls;
  std::string tls_certificate;    // PEM file; required when tls is set
  std::string tls_private_key;    // PEM file; required when tls is set
  bool tls_verify_server = true;  // outgoing TLS checks the server certificate and name
  std::string public_address;     // written in Via/Contact instead of the interface address
  int timer_t1_ms = 500;          // RFC 3261 T1, T2, T4
  int timer_t2_ms = 4000;
  int timer_t4_ms = 5000;
  int session_expires_s = 1800;  // RFC 4028 interval we ask for; 0 = none
  int min_se_s = 90;
  int requests_per_second_per_source = 200;  // 0 = unlimited
  int connection_idle_timeout_s = 300;       // TCP/TLS
  int dial_out_answer_timeout_s = 60;        // an unanswered dial-out is CANCELled then
  int wrong_pins_per_minute = 6;             // per caller address, after a burst of 9; 0 = no limit
  SipAuthSection auth;
  std::vector<SipRegistration> registrations;
  std::vector<SipCredentials> credentials;
};

// [h323]: H.323 call signalling (TCP; H.245 runs tunnelled, on per-call ports, or not at all).
struct H323Section {
  bool enabled = false;  // off unless asked for: port 1720 is not ours by default
  ListenAddress listen{"0.0.0.0", 1720};
};

// [[http.tokens]]: a bearer token of the control API and what it may do.
struct ApiToken {
  enum class Role : uint8_t { kReadOnly, kOperator };
  std::string name;        // for logs (the token itself is never logged)
  std::string token;       // 16-256 printable ASCII, no spaces
  std::string token_file;  // or: read from this file, made with a random token at first start
  Role role = Role::kReadOnly;
};

struct HttpSection {
  ListenAddress listen{"127.0.0.1", 8080};
  // The API (/api/v1, /metrics, /hls) requires a token; with none configured it answers
  // 401 to everything but /healthz.
  std::vector<ApiToken> tokens;
  int auth_failures_per_minute = 10;  // per source address, then 429
  int body_limit_kib = 1024;          // larger request bodies get 413
  int idle_timeout_s = 30;            // a connection silent this long is closed
  int event_history = 4096;           // events kept for WebSocket clients that resume
};

// [streaming]: where broadcasts and recordings write (mcu/stream): HLS playlists and
// segments under hls_dir/<room>/<name>/, recordings (fragmented MP4) in recordings_dir. The
// API serves both (/hls/..., recording downloads).
struct StreamingConfig {
  std::filesystem::path recordings_dir = "/tmp/tessera/recordings";
  std::filesystem::path hls_dir = "/tmp/tessera/hls";
};

struct RtpSection {
  std::string address = "0.0.0.0";  // local address RTP sockets bind to
  std::string public_address;       // address written into SDP; empty = the bound address
  uint16_t port_min = 20000;        // even
  uint16_t port_max = 29999;
};

enum class VideoCodecName { kH264, kVp8, kH263, kH261 };
std::string_view ToString(VideoCodecName codec);

// One rung of the output ladder: a subscriber is placed on the best rung its negotiated
// codec, resolution and bandwidth allow. Audio-only is always available and not a rung.
struct RungConfig {
  std::string name;
  int width = 0;
  int height = 0;
  int fps = 30;
  int bitrate_kbps = 0;
  VideoCodecName codec = VideoCodecName::kH264;
};

struct RoomConfig {
  std::string id;                    // what is dialled: sip:<id>@host
  std::string name;                  // display name
  std::vector<std::string> aliases;  // other names that reach the room
  std::string pin;                   // digits; empty = no PIN
  bool locked = false;               // a locked room refuses new participants
  std::string layout = "auto";       // a built-in layout or a [[layouts]] name
  // Rungs whose outputs show a layout of their own (rung name, layout name), from
  // `output_layouts = { "360p" = "1x1" }`: e.g. phones on the small rung see only the
  // speaker while room systems see the grid. The other rungs show `layout`.
  std::vector<std::pair<std::string, std::string>> output_layouts;
  std::vector<std::string> rungs;  // names from [[rungs]]; empty = all rungs
  int max_participants = 500;      // further joins are refused as "full"
  int demo_participants = 0;       // synthetic participants (moving patterns and tones), 0-16
  // Sends the room's mix (720p-or-below H.264 and Opus) to this address ("127.0.0.1:5004":
  // video there, audio on port + 2) and writes an SDP file describing it to watch_sdp, so
  // ffplay can show it. Unset: no watch stream.
  std::optional<ListenAddress> watch;
  std::string watch_sdp;
  // SIP URIs the server calls once it has started; each joins the room when it answers.
  std::vector<std::string> dial_out;
  // H.323 addresses the server calls once it has started ("h323:alias@192.0.2.1:1720",
  // "alias@192.0.2.1", "192.0.2.1", "192.0.2.1:1720"); needs [h323] enabled.
  std::vector<std::string> h323_dial_out;
};

struct Config {
  std::string source;  // file the config came from (for messages)
  ServerSection server;
  LogSection log;
  SipSection sip;
  H323Section h323;
  HttpSection http;
  RtpSection rtp;
  StreamingConfig streaming;
  std::vector<RungConfig> rungs;     // never empty after parsing: defaults when absent
  std::vector<NamedLayout> layouts;  // custom layouts ([[layouts]]), usable by name
  std::vector<RoomConfig> rooms;
};

// The rungs used when the file has no [[rungs]]: 1080p, 720p, 360p, 180p H.264.
std::vector<RungConfig> DefaultRungs();

struct ConfigError {
  std::string file;
  int line = 0;  // 0 when the error is about the whole file
  int column = 0;
  std::string key;      // full dotted key, e.g. "rooms[1].pin"; empty for file-level errors
  std::string message;  // what was expected, and what was found

  // "file:line:column: key 'rooms[1].pin': expected ..., got ..."
  std::string ToString() const;
};

using ConfigErrors = std::vector<ConfigError>;

// Parses TOML text; `source_name` is used in error messages.
Result<Config, ConfigErrors> ParseConfig(std::string_view text, std::string_view source_name);

// Reads and parses a file. An unreadable file is a single error naming the file.
Result<Config, ConfigErrors> LoadConfigFile(const std::filesystem::path& path);

}  // namespace tessera::mcu

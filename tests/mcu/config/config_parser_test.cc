#include "tessera/mcu/config.h"

#include "config_errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tessera/testing/paths.h"
#include "tessera/testing/temp_dir.h"

namespace tessera::mcu {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ConfigParser, ShippedDefaultConfigIsValid) {
  auto r = LoadConfigFile(testing::SourceDir() / "config" / "tessera.toml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_EQ(r->http.listen, (ListenAddress{"127.0.0.1", 8080}));
  ASSERT_EQ(r->rooms.size(), 1u);
  EXPECT_EQ(r->rooms[0].id, "1000");
  EXPECT_THAT(r->rooms[0].aliases, ElementsAre("demo"));
  EXPECT_EQ(r->rungs.size(), 4u);
  EXPECT_EQ(r->rtp.port_min, 20000);
}

TEST(ConfigParser, EmptyFileGivesDefaults) {
  auto r = ParseConfig("", "empty.toml");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->server.worker_threads, 0);
  EXPECT_EQ(r->rungs.size(), DefaultRungs().size());
  EXPECT_TRUE(r->sip.udp.has_value());
  EXPECT_FALSE(r->sip.tls.has_value());
  EXPECT_TRUE(r->rooms.empty());
}

TEST(ConfigParser, ReadsEverySection) {
  auto r = ParseConfig(R"(
[server]
name = "edge-1"
worker_threads = 3
[log]
level = "debug"
debug_tags = ["rtp", "sip"]
[sip]
udp = "127.0.0.1:5070"
tcp = ""
tls = "[::1]:5071"
tls_certificate = "c.pem"
tls_private_key = "k.pem"
[http]
listen = "127.0.0.2:9000"
[rtp]
port_min = 30000
port_max = 30100
[[rungs]]
name = "low"
width = 320
height = 240
fps = 10
bitrate_kbps = 100
codec = "h263"
[[rooms]]
id = "42"
pin = "1234"
locked = true
rungs = ["low"]
)",
                       "t.toml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_EQ(r->server.name, "edge-1");
  EXPECT_EQ(r->server.worker_threads, 3);
  EXPECT_EQ(r->log.level, log::Level::kDebug);
  EXPECT_EQ(r->log.debug_tags, static_cast<uint32_t>(log::Tag::kRtp) | static_cast<uint32_t>(log::Tag::kSip));
  EXPECT_EQ(r->sip.udp, (ListenAddress{"127.0.0.1", 5070}));
  EXPECT_FALSE(r->sip.tcp.has_value());
  EXPECT_EQ(r->sip.tls, (ListenAddress{"::1", 5071}));
  EXPECT_EQ(r->sip.tls->ToString(), "[::1]:5071");
  EXPECT_EQ(r->http.listen.port, 9000);
  ASSERT_EQ(r->rungs.size(), 1u);
  EXPECT_EQ(r->rungs[0].codec, VideoCodecName::kH263);
  ASSERT_EQ(r->rooms.size(), 1u);
  EXPECT_EQ(r->rooms[0].name, "42");  // defaults to the id
  EXPECT_TRUE(r->rooms[0].locked);
  EXPECT_EQ(r->rooms[0].pin, "1234");
}

TEST(ConfigParser, UnknownTopLevelKeyIsNamedWithTheAllowedOnes) {
  EXPECT_THAT(Errors("\n\n[htp]\nlisten = \"127.0.0.1:1\"\n"),
              ElementsAre("t.toml:3:2: key 'htp': unknown key; keys allowed at the top level are: h323, http, "
                          "layouts, log, rooms, rtp, rungs, server, sip, streaming"));
}

TEST(ConfigParser, StreamingFoldersAreReadAndAnEmptyOneIsRefused) {
  auto r = ParseConfig("[streaming]\nrecordings_dir = \"/srv/rec\"\nhls_dir = \"/srv/hls\"\n", "t.toml");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->streaming.recordings_dir, "/srv/rec");
  EXPECT_EQ(r->streaming.hls_dir, "/srv/hls");
  EXPECT_THAT(Errors("[streaming]\nhls_dir = \"\"\n"),
              ElementsAre(HasSubstr("key 'streaming.hls_dir': expected a folder path, got an empty string")));
  EXPECT_THAT(Errors("[streaming]\nhls_dir = 3\n"), ElementsAre(HasSubstr("streaming.hls_dir")));
}

TEST(ConfigParser, UnknownNestedKeyIsNamedWithItsSection) {
  EXPECT_THAT(Errors("[http]\nlisten = \"127.0.0.1:80\"\nlisen = \"x\"\n"),
              ElementsAre("t.toml:3:1: key 'http.lisen': unknown key; keys allowed in [http] are: "
                          "auth_failures_per_minute, body_limit_kib, event_history, idle_timeout_s, listen, tokens"));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\ncolour = \"red\"\n"),
              ElementsAre(HasSubstr(
                  "t.toml:3:1: key 'rooms[0].colour': unknown key; keys allowed in [rooms[0]] are: "
                  "aliases, demo_participants, dial_out, h323_dial_out, id, layout, locked, max_participants, name, "
                  "output_layouts, pin, rungs, watch, watch_sdp")));
}

TEST(ConfigParser, RoomDemoAndWatchKeysAreReadAndChecked) {
  auto config = ParseConfig(
      "[[rooms]]\nid = \"1\"\ndemo_participants = 3\nmax_participants = 20\nwatch = \"127.0.0.1:5004\"\n"
      "watch_sdp = \"/tmp/x.sdp\"\n",
      "t.toml");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->rooms[0].demo_participants, 3);
  EXPECT_EQ(config->rooms[0].max_participants, 20);
  ASSERT_TRUE(config->rooms[0].watch);
  EXPECT_EQ(config->rooms[0].watch->port, 5004);
  EXPECT_EQ(config->rooms[0].watch_sdp, "/tmp/x.sdp");
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\ndemo_participants = 17\n"),
              ElementsAre("t.toml:3:21: key 'rooms[0].demo_participants': expected an integer from 0 to 16, got 17"));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\nwatch = \"127.0.0.1:5004\"\n"),
              ElementsAre(HasSubstr("key 'rooms[0].watch_sdp': expected the path of the SDP file")));
}

TEST(ConfigParser, WrongTypeSaysWhatWasExpectedAndWhatCame) {
  EXPECT_THAT(Errors("[rtp]\nport_min = \"20000\"\n"),
              ElementsAre("t.toml:2:12: key 'rtp.port_min': expected an integer from 1024 to 65534, got a string"));
  EXPECT_THAT(Errors("[[rooms]]\nid = 1000\n"),
              ElementsAre("t.toml:2:6: key 'rooms[0].id': expected a string, got an integer"));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\nlocked = \"yes\"\n"),
              ElementsAre("t.toml:3:10: key 'rooms[0].locked': expected a boolean (true or false), got a string"));
  EXPECT_THAT(Errors("http = 5\n"), ElementsAre("t.toml:1:8: key 'http': expected a table ([http]), got an integer"));
  EXPECT_THAT(Errors("[log]\ndebug_tags = [\"rtp\", 3]\n"),
              ElementsAre("t.toml:2:22: key 'log.debug_tags[1]': expected a string, got an integer"));
}

TEST(ConfigParser, OutOfRangeValuesNameTheRange) {
  EXPECT_THAT(Errors("[server]\nworker_threads = 1000\n"),
              ElementsAre("t.toml:2:18: key 'server.worker_threads': expected an integer from 0 to 256, got 1000"));
  EXPECT_THAT(Errors("[rtp]\nport_min = 20001\n"),
              ElementsAre("t.toml:2:12: key 'rtp.port_min': expected an even port (RTP uses even ports, RTCP the odd "
                          "one above), got 20001"));
  EXPECT_THAT(Errors("[rtp]\nport_min = 30000\nport_max = 20000\n"),
              ElementsAre("t.toml:3:12: key 'rtp.port_max': expected a port above rtp.port_min (30000), got 20000"));
  EXPECT_THAT(Errors("[http]\nlisten = \"127.0.0.1:70000\"\n"),
              ElementsAre("t.toml:2:10: key 'http.listen': expected an address \"<ip>:<port>\" with a numeric IPv4 or "
                          "[IPv6] address and a port from 1 to 65535, got \"127.0.0.1:70000\""));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\npin = \"12a4\"\n"),
              ElementsAre("t.toml:3:7: key 'rooms[0].pin': expected a string of 4 to 12 digits (or \"\" for no PIN), "
                          "got \"12a4\""));
  EXPECT_THAT(Errors("[log]\nlevel = \"loud\"\n"),
              ElementsAre("t.toml:2:9: key 'log.level': expected one of trace, debug, info, warn, error, off, got "
                          "\"loud\""));
}

TEST(ConfigParser, BadListenAddresses) {
  for (const char* bad :
       {"localhost:80", "127.0.0.1", "127.0.0.1:", "::1:80", "[127.0.0.1]:80", "1.2.3.4:0", "1.2.3.4:8a"}) {
    SCOPED_TRACE(bad);
    const auto errors = Errors(std::string("[http]\nlisten = \"") + bad + "\"\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_THAT(errors[0], HasSubstr("key 'http.listen': expected an address"));
  }
}

TEST(ConfigParser, MissingRequiredKeysAndCrossReferences) {
  EXPECT_THAT(Errors("[[rooms]]\nname = \"x\"\n"), ElementsAre("t.toml:1:1: key 'rooms[0].id': required but missing"));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\n[[rooms]]\nid = \"1\"\n"),
              ElementsAre("t.toml:4:6: key 'rooms[1].id': expected a unique room id, \"1\" is already used by "
                          "another room"));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\nrungs = [\"4k\"]\n"),
              ElementsAre("t.toml:3:9: key 'rooms[0].rungs': expected names of [[rungs]] entries, got \"4k\""));
  EXPECT_THAT(Errors("[sip]\ntls = \"0.0.0.0:5061\"\n"),
              ElementsAre("t.toml:1:1: key 'sip.tls_certificate': expected a PEM certificate file, required when "
                          "sip.tls is set",
                          "t.toml:1:1: key 'sip.tls_private_key': expected a PEM private key file, required when "
                          "sip.tls is set"));
}

TEST(ConfigParser, ReadsSipTimersAuthenticationAndRegistrations) {
  auto r = ParseConfig(R"(
[sip]
public_address = "203.0.113.5"
timer_t1_ms = 250
timer_t2_ms = 2000
session_expires_s = 600
requests_per_second_per_source = 0
[sip.auth]
realm = "mcu"
[[sip.auth.users]]
username = "room-1"
password = "pw"
[[sip.registrations]]
registrar = "sips:pbx.example.com"
aor = "sip:tessera@pbx.example.com"
password = "x"
expires_s = 600
)",
                       "t.toml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_EQ(r->sip.public_address, "203.0.113.5");
  EXPECT_EQ(r->sip.timer_t1_ms, 250);
  EXPECT_EQ(r->sip.timer_t2_ms, 2000);
  EXPECT_EQ(r->sip.timer_t4_ms, 5000);
  EXPECT_EQ(r->sip.session_expires_s, 600);
  EXPECT_EQ(r->sip.requests_per_second_per_source, 0);
  EXPECT_EQ(r->sip.auth.realm, "mcu");
  ASSERT_EQ(r->sip.auth.users.size(), 1u);
  EXPECT_EQ(r->sip.auth.users[0].username, "room-1");
  ASSERT_EQ(r->sip.registrations.size(), 1u);
  EXPECT_EQ(r->sip.registrations[0].registrar, "sips:pbx.example.com");
  EXPECT_EQ(r->sip.registrations[0].expires_s, 600);
}

TEST(ConfigParser, SipErrorsNameTheKeyAndTheExpectation) {
  EXPECT_THAT(Errors("[sip]\ntimer_t1_ms = 1000\ntimer_t2_ms = 500\n"),
              ElementsAre("t.toml:3:15: key 'sip.timer_t2_ms': expected at least sip.timer_t1_ms (1000), got 500"));
  EXPECT_THAT(Errors("[sip]\nmin_se_s = 30\n"),
              ElementsAre("t.toml:2:12: key 'sip.min_se_s': expected an integer from 90 to 86400, got 30"));
  EXPECT_THAT(
      Errors("[sip]\nsession_expires_s = 60\n"),
      ElementsAre("t.toml:2:21: key 'sip.session_expires_s': expected 0 or at least sip.min_se_s (90), got 60"));
  EXPECT_THAT(Errors("[sip]\npublic_address = \"mcu.example.com\"\n"),
              ElementsAre("t.toml:2:18: key 'sip.public_address': expected a numeric IPv4 or IPv6 address or \"\", "
                          "got \"mcu.example.com\""));
  EXPECT_THAT(Errors("[sip.auth]\n[[sip.auth.users]]\nusername = \"a b\"\n"),
              ElementsAre("t.toml:2:1: key 'sip.auth.users[0].password': required but missing",
                          "t.toml:3:12: key 'sip.auth.users[0].username': expected 1-64 letters, digits, '_', '-' or "
                          "'.', got \"a b\""));
  EXPECT_THAT(Errors("[[sip.registrations]]\nregistrar = \"pbx.example.com\"\naor = \"sip:t@pbx\"\nbogus = 1\n"),
              ElementsAre("t.toml:2:13: key 'sip.registrations[0].registrar': expected a sip: or sips: URI, got "
                          "\"pbx.example.com\"",
                          "t.toml:4:1: key 'sip.registrations[0].bogus': unknown key; keys allowed in "
                          "[sip.registrations[0]] are: aor, expires_s, password, registrar, username"));
}

TEST(ConfigParser, DialOutUrisAndDigestCredentialsAreReadAndChecked) {
  auto r = ParseConfig(
      "[[sip.credentials]]\nrealm = \"pbx\"\nusername = \"tessera\"\npassword = \"s3cret\"\n"
      "[[rooms]]\nid = \"1000\"\ndial_out = [\"sip:room@192.0.2.7\", \"sips:boardroom@example.com\"]\n",
      "t.toml");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->sip.credentials.size(), 1u);
  EXPECT_EQ(r->sip.credentials[0].realm, "pbx");
  EXPECT_EQ(r->sip.credentials[0].username, "tessera");
  EXPECT_EQ(r->sip.credentials[0].password, "s3cret");
  EXPECT_THAT(r->rooms[0].dial_out, ElementsAre("sip:room@192.0.2.7", "sips:boardroom@example.com"));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\ndial_out = [\"room@192.0.2.7\"]\n"),
              ElementsAre("t.toml:3:12: key 'rooms[0].dial_out': expected sip: or sips: URIs, got \"room@192.0.2.7\""));
  EXPECT_THAT(Errors("[[sip.credentials]]\nusername = \"a\"\n"),
              ElementsAre("t.toml:1:1: key 'sip.credentials[0].password': required but missing"));
}

TEST(ConfigParser, AllErrorsAreReportedInFileOrder) {
  const auto errors = Errors("[server]\nworker_threads = -1\n[rtp]\nport_max = 1\n[bogus]\n");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_THAT(errors[0], HasSubstr("t.toml:2:"));
  EXPECT_THAT(errors[1], HasSubstr("t.toml:4:"));
  EXPECT_THAT(errors[2], HasSubstr("t.toml:5:"));
}

TEST(ConfigParser, SyntaxErrorNamesLineAndColumn) {
  const auto errors = Errors("[http]\nlisten = \"127.0.0.1:80\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], ::testing::StartsWith("t.toml:2:"));
  EXPECT_THAT(errors[0], HasSubstr("TOML syntax error"));
}

TEST(ConfigParser, UnreadableFilesAreNamed) {
  testing::TempDir dir;
  auto missing = LoadConfigFile(dir.path() / "nope.toml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error()[0].ToString(),
            (dir.path() / "nope.toml").string() + ": cannot read: No such file or directory");
  auto directory = LoadConfigFile(dir.path());
  ASSERT_FALSE(directory);
  EXPECT_THAT(directory.error()[0].ToString(), HasSubstr("is a directory"));
}

// Regressions from tests/fuzz/config_fuzzer: toml++ 3.3.0 reaches __builtin_unreachable() on
// these (marzer/tomlplusplus#190, #295); they must be clean errors or parse correctly.
TEST(ConfigParser, NonAsciiOutsideStringsIsASyntaxErrorNotUndefinedBehaviour) {
  EXPECT_THAT(Errors("[rtp\xef\xb8\xbf]\nport_min = 2\n"),
              ElementsAre("t.toml:1:5: TOML syntax error: non-ASCII character outside a string or comment"));
  EXPECT_THAT(Errors("\xcc\xaa"), ElementsAre("t.toml:1:1: TOML syntax error: non-ASCII character outside a string "
                                              "or comment"));
  EXPECT_THAT(Errors("[rtp]\nport_min = 20074p0\"t\"=\"\"\"\xef\xbb\xbb\"\"\"\n"), ElementsAre(HasSubstr("t.toml:2:")));
  EXPECT_THAT(Errors("a = \"\xff\"\n"), ElementsAre("t.toml:1:6: TOML syntax error: invalid UTF-8"));
}

TEST(ConfigParser, NonAsciiInStringsAndCommentsKeepsItsMeaning) {
  auto r = ParseConfig(
      "# Zürich office\n"
      "[[rooms]]\nid = \"1\"\nname = \"Café \\\"Ω\\\" → 会议室 🎥\" # ok\naliases = ['x']\n"
      "[[rooms]]\nid = \"2\"\nname = 'C:\\Café \"q\"'\n"
      "[[rooms]]\nid = \"3\"\nname = \"\"\"\\\n  § after a line-ending backslash\"\"\"\n"
      "[[rooms]]\nid = \"4\"\nname = '''\nmulti ' é ''''\n",
      "t.toml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_EQ(r->rooms[0].name, "Café \"Ω\" → 会议室 🎥");
  EXPECT_EQ(r->rooms[1].name, "C:\\Café \"q\"");
  EXPECT_EQ(r->rooms[2].name, "§ after a line-ending backslash");
  EXPECT_EQ(r->rooms[3].name, "multi ' é '");
}

TEST(ConfigParser, ErrorColumnsCountCharactersOfTheOriginalLine) {
  // Each error sits after a string whose non-ASCII characters were rewritten as escapes.
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\nname = \"été\"; locked = \"x\"\n"),
              ElementsAre(HasSubstr("t.toml:3:13:")));
  EXPECT_THAT(Errors("[[rooms]]\nname = \"été\"\nid = \"1\"\npin = \"ab\"\n"),
              ElementsAre(HasSubstr("t.toml:4:7: key 'rooms[0].pin'")));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\naliases = [\"é\", \"ü\", 5]\n"),
              ElementsAre("t.toml:3:22: key 'rooms[0].aliases[2]': expected a string, got an integer"));
}

TEST(ConfigParser, ApiTokensAndStreamingFoldersAreRead) {
  auto r = ParseConfig(
      "[http]\nauth_failures_per_minute = 5\n[[http.tokens]]\nname = \"ops\"\ntoken = \"0123456789abcdefXYZ\"\n"
      "role = \"operator\"\n[[http.tokens]]\nname = \"grafana\"\ntoken_file = \"/var/lib/t/token\"\n"
      "[streaming]\nrecordings_dir = \"/srv/rec\"\nhls_dir = \"/srv/hls\"\n",
      "t.toml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  ASSERT_EQ(r->http.tokens.size(), 2u);
  EXPECT_EQ(r->http.tokens[0].role, ApiToken::Role::kOperator);
  EXPECT_EQ(r->http.tokens[0].token, "0123456789abcdefXYZ");
  EXPECT_EQ(r->http.tokens[1].role, ApiToken::Role::kReadOnly);
  EXPECT_EQ(r->http.tokens[1].token_file, "/var/lib/t/token");
  EXPECT_EQ(r->http.auth_failures_per_minute, 5);
  EXPECT_EQ(r->streaming.recordings_dir, "/srv/rec");
  EXPECT_EQ(r->streaming.hls_dir, "/srv/hls");
}

TEST(ConfigParser, BadApiTokensAreRefusedWithoutEchoingTheSecret) {
  const auto short_token = Errors("[[http.tokens]]\nname = \"a\"\ntoken = \"secret\"\n");
  ASSERT_EQ(short_token.size(), 1u);
  EXPECT_THAT(short_token[0], HasSubstr("key 'http.tokens[0].token': expected 16-256 printable ASCII"));
  EXPECT_THAT(short_token[0], Not(HasSubstr("secret")));
  EXPECT_THAT(Errors("[[http.tokens]]\nname = \"a\"\n"),
              ElementsAre(HasSubstr("expected token or token_file (one is required)")));
  EXPECT_THAT(
      Errors("[[http.tokens]]\nname = \"a\"\ntoken = \"0123456789abcdef\"\nrole = \"admin\"\n"),
      ElementsAre(HasSubstr("key 'http.tokens[0].role': expected \"read-only\" or \"operator\", got \"admin\"")));
  EXPECT_THAT(Errors("[streaming]\nhls_dir = \"\"\n"), ElementsAre(HasSubstr("key 'streaming.hls_dir'")));
}

}  // namespace
}  // namespace tessera::mcu

namespace tessera::mcu {
namespace {

TEST(ConfigParserH323, TheH323SectionIsOffByDefaultAndTakesAListenAddressAndDialOut) {
  auto d = ParseConfig("", "t.toml");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->h323.enabled);
  EXPECT_EQ(d->h323.listen, (ListenAddress{"0.0.0.0", 1720}));
  auto r = ParseConfig(
      "[h323]\nenabled = true\nlisten = \"127.0.0.1:11720\"\n[[rooms]]\nid = \"1\"\n"
      "h323_dial_out = [\"h323:room@192.0.2.8:1720\", \"192.0.2.9\"]\n",
      "t.toml");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->h323.enabled);
  EXPECT_EQ(r->h323.listen, (ListenAddress{"127.0.0.1", 11720}));
  EXPECT_THAT(r->rooms[0].h323_dial_out, ::testing::ElementsAre("h323:room@192.0.2.8:1720", "192.0.2.9"));
}

TEST(ConfigParserH323, BadH323KeysNameTheKey) {
  EXPECT_THAT(Errors("[h323]\nlisten = \"1720\"\n"),
              ::testing::ElementsAre(::testing::HasSubstr("key 'h323.listen': expected an address")));
  EXPECT_THAT(Errors("[h323]\nport = 1720\n"), ::testing::ElementsAre(::testing::HasSubstr("'h323.port'")));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\nh323_dial_out = [\"a b\"]\n"),
              ::testing::ElementsAre(::testing::HasSubstr("key 'rooms[0].h323_dial_out': expected H.323 addresses")));
}

TEST(ConfigParserH323, EachDialOutAddressMayChooseHowH245Runs) {
  auto r = ParseConfig(
      "[[rooms]]\nid = \"1\"\nh323_dial_out = [\"h323:a@192.0.2.8;h245=separate\", \"192.0.2.9;h245=tunnelled\", "
      "\"192.0.2.10:1721;h245=fast-start\"]\n",
      "t.toml");
  ASSERT_TRUE(r);
  EXPECT_THAT(r->rooms[0].h323_dial_out,
              ::testing::ElementsAre("h323:a@192.0.2.8;h245=separate", "192.0.2.9;h245=tunnelled",
                                     "192.0.2.10:1721;h245=fast-start"));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\nh323_dial_out = [\"h323:a@192.0.2.8;h245=slow\"]\n"),
              ::testing::ElementsAre(
                  ::testing::AllOf(::testing::HasSubstr("key 'rooms[0].h323_dial_out': expected \";h245=fast-start\", "
                                                        "\";h245=tunnelled\" or \";h245=separate\""),
                                   ::testing::HasSubstr("got \"h245=slow\""))));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\nh323_dial_out = [\"192.0.2.8;mode=separate\"]\n"),
              ::testing::ElementsAre(::testing::HasSubstr("key 'rooms[0].h323_dial_out': expected \";h245=")));
}

}  // namespace
}  // namespace tessera::mcu

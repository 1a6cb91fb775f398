// Kamailio's dispatcher in front of tessera: the destination starts inactive and is only
// used once tessera answers the dispatcher's OPTIONS probes; then calls routed through the
// record-routing proxy reach tessera's dial-in policy. Needs the kamailio package, which
// scripts/setup does not install (on a systemd host it would start a system instance on
// port 5060): the test is skipped, saying so, when kamailio is absent.
#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sipp.h"
#include "tessera/testing/paths.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;
using tessera::testing::Subprocess;

bool KamailioInstalled() {
  return access("/usr/sbin/kamailio", X_OK) == 0;
}

TEST(KamailioDispatcher, ProbesWithOptionsAndRoutesCallsToTessera) {
  if (!KamailioInstalled()) GTEST_SKIP() << "kamailio is not installed (apt-get install kamailio)";
  tessera::testing::TempDir dir;
  // tessera
  const uint16_t sip_port = tessera::testing::FreeUdpPort();
  const auto config =
      dir.WriteFile("tessera.toml", "[http]\nlisten = \"127.0.0.1:" + std::to_string(tessera::testing::FreeTcpPort()) +
                                        "\"\n[sip]\nudp = \"127.0.0.1:" + std::to_string(sip_port) +
                                        "\"\ntcp = \"\"\n[[rooms]]\nid = \"1000\"\n");
  auto tessera = Subprocess::Start({tessera::testing::TesseraBinary().string(), "--config", config.string()});
  ASSERT_NE(tessera, nullptr);
  ASSERT_TRUE(tessera->WaitForOutput("started with", 10s)) << tessera->output();

  // kamailio: the one destination is inactive and probing (flags 1|8) until it answers.
  const uint16_t proxy_port = tessera::testing::FreeUdpPort();
  const auto list = dir.WriteFile("dispatcher.list", "1 sip:127.0.0.1:" + std::to_string(sip_port) + " 9 0\n");
  const auto cfg = dir.WriteFile("kamailio.cfg", R"(#!KAMAILIO
debug=2
log_stderror=yes
children=1
auto_aliases=no
listen=udp:127.0.0.1:)" + std::to_string(proxy_port) +
                                                     R"(
disable_tcp=yes
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "dispatcher.so"
modparam("rr", "enable_full_lr", 1)
modparam("dispatcher", "list_file", ")" + list.string() +
                                                     R"(")
modparam("dispatcher", "ds_ping_interval", 1)
modparam("dispatcher", "ds_probing_mode", 2)
modparam("dispatcher", "ds_probing_threshold", 1)
modparam("dispatcher", "ds_ping_from", "sip:dispatcher@127.0.0.1")
request_route {
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (has_totag()) {
    if (loose_route()) { t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
  if (is_method("INVITE")) record_route();
  if (!ds_select_dst("1", "4")) { sl_send_reply("503", "No destination available"); exit; }
  t_relay();
  exit;
}
event_route[dispatcher:dst-up] { xlog("L_ALERT", "TESSERA-PROBE dst-up $ru\n"); }
event_route[dispatcher:dst-down] { xlog("L_ALERT", "TESSERA-PROBE dst-down $ru\n"); }
)");
  auto kamailio = Subprocess::Start({"/usr/sbin/kamailio", "-f", cfg.string(), "-DD", "-E", "-m", "64", "-M", "8", "-Y",
                                     dir.path().string(), "-P", (dir.path() / "kamailio.pid").string()});
  ASSERT_NE(kamailio, nullptr);
  // A 200 to the dispatcher's OPTIONS turns the destination on.
  ASSERT_TRUE(kamailio->WaitForOutput("TESSERA-PROBE dst-up", 10s)) << kamailio->output();
  EXPECT_EQ(kamailio->output().find("TESSERA-PROBE dst-down"), std::string::npos);

  // A call through the proxy reaches tessera, which refuses the unknown room.
  tessera::testing::TempDir sipp_dir;
  const auto scenario = testing::InstantiateScenario(
      sipp_dir, "invite_rejected.xml.in",
      {{"STATUS", "404"}, {"REASON", "404 Room Not Found"}, {"PT", "0"}, {"CODEC", "PCMU/8000"}});
  const auto r = testing::RunSipp(sipp_dir, scenario,
                                  {"127.0.0.1:" + std::to_string(proxy_port), "-s", "9999", "-i", "127.0.0.1", "-p",
                                   std::to_string(tessera::testing::FreeUdpPort()), "-mp",
                                   std::to_string(tessera::testing::FreeUdpPort()), "-m", "1"});
  EXPECT_EQ(r.exit_status, 0) << r.Explain(sipp_dir);
  EXPECT_TRUE(tessera->WaitForOutput("no such room (404)", 5s)) << tessera->output();

  kamailio->Signal(SIGTERM);
  kamailio->WaitForExit(5s);
  tessera->Signal(SIGTERM);
  EXPECT_EQ(tessera->WaitForExit(5s), 0) << tessera->output();
}

}  // namespace
}  // namespace tessera::signaling::sip

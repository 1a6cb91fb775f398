#include "command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tessera::app {
namespace {

using ::testing::HasSubstr;

TEST(CommandLine, DefaultsWithoutFlags) {
  auto cl = ParseCommandLine({});
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->config_path, "config/tessera.toml");
  EXPECT_FALSE(cl->check_only);
  EXPECT_FALSE(cl->log_level);
}

TEST(CommandLine, LongShortAndEqualsForms) {
  auto cl = ParseCommandLine({"-c", "a.toml", "--log-level=debug", "-d", "rtp,sip"});
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->config_path, "a.toml");
  EXPECT_EQ(cl->log_level, log::Level::kDebug);
  EXPECT_EQ(cl->debug_tags, static_cast<uint32_t>(log::Tag::kRtp) | static_cast<uint32_t>(log::Tag::kSip));
  auto check = ParseCommandLine({"--check-config", "b.toml"});
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->check_only);
  EXPECT_EQ(check->config_path, "b.toml");
}

TEST(CommandLine, ErrorsNameTheFlag) {
  EXPECT_EQ(ParseCommandLine({"--frobnicate"}).error(), "unknown option '--frobnicate' (see tessera --help)");
  EXPECT_EQ(ParseCommandLine({"--config"}).error(), "option --config expects a configuration file");
  EXPECT_THAT(ParseCommandLine({"-l", "loud"}).error(), HasSubstr("option -l expects trace, debug"));
  EXPECT_THAT(ParseCommandLine({"-d", "rtp,nope"}).error(), HasSubstr("unknown debug tag 'nope'"));
}

TEST(CommandLine, UsageDocumentsEveryFlag) {
  const std::string usage = Usage();
  for (const char* flag : {"--config", "--check-config", "--log-level", "--debug", "--version", "--help"}) {
    EXPECT_THAT(usage, HasSubstr(flag));
  }
}

}  // namespace
}  // namespace tessera::app

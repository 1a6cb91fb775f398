#pragma once
// Command-line flags of the tessera executable. `tessera --help` prints Usage().

#include <optional>
#include <string>
#include <vector>

#include "tessera/base/log.h"
#include "tessera/base/result.h"

namespace tessera::app {

struct CommandLine {
  std::string config_path = "config/tessera.toml";
  bool check_only = false;              // --check-config FILE
  std::optional<log::Level> log_level;  // overrides [log] level
  std::optional<uint32_t> debug_tags;   // overrides [log] debug_tags
  bool help = false;
  bool version = false;
};

// Parses argv (without argv[0]); the error says which flag is wrong and what it expects.
Result<CommandLine, std::string> ParseCommandLine(const std::vector<std::string>& args);

std::string Usage();

// Exit statuses, documented in Usage().
inline constexpr int kExitOk = 0;
inline constexpr int kExitStartupFailure = 1;
inline constexpr int kExitBadConfig = 2;

}  // namespace tessera::app

#include "command_line.h"

#include <fmt/format.h>

namespace tessera::app {

std::string Usage() {
  return fmt::format(
      R"(Usage: tessera [OPTIONS]

Tessera multipoint control unit: takes SIP and H.323 calls, composes one picture and one
mix per room, encodes each distinct output once and sends it to every endpoint.

Options:
  -c, --config FILE        configuration file (default: config/tessera.toml)
      --check-config FILE  validate FILE, print a summary and exit without starting
  -l, --log-level LEVEL    trace, debug, info, warn, error or off; overrides [log] level
  -d, --debug TAGS         comma-separated debug tags; overrides [log] debug_tags.
                           Tags: all, {}
  -V, --version            print the version and the codec library versions, then exit
  -h, --help               print this help, then exit

Signals: SIGINT and SIGTERM shut the server down cleanly.

Exit status:
  0  clean shutdown (or a valid configuration with --check-config)
  1  start-up failure, e.g. a port already in use
  2  bad command line or invalid configuration (each error names file:line:column and key)
)",
      log::TagNames());
}

Result<CommandLine, std::string> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string flag = arg;
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0) {
      if (const size_t eq = arg.find('='); eq != std::string::npos) {
        flag = arg.substr(0, eq);
        inline_value = arg.substr(eq + 1);
      }
    }
    auto value = [&](std::string_view what) -> Result<std::string, std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return MakeUnexpected(fmt::format("option {} expects {}", flag, what));
      return args[++i];
    };

    if (flag == "-h" || flag == "--help") {
      cl.help = true;
    } else if (flag == "-V" || flag == "--version") {
      cl.version = true;
    } else if (flag == "-c" || flag == "--config") {
      auto v = value("a configuration file");
      if (!v) return MakeUnexpected(v.error());
      cl.config_path = *v;
    } else if (flag == "--check-config") {
      auto v = value("a configuration file");
      if (!v) return MakeUnexpected(v.error());
      cl.config_path = *v;
      cl.check_only = true;
    } else if (flag == "-l" || flag == "--log-level") {
      auto v = value("a level (trace, debug, info, warn, error, off)");
      if (!v) return MakeUnexpected(v.error());
      cl.log_level = log::ParseLevel(*v);
      if (!cl.log_level) {
        return MakeUnexpected(
            fmt::format("option {} expects trace, debug, info, warn, error or off, got '{}'", flag, *v));
      }
    } else if (flag == "-d" || flag == "--debug") {
      auto v = value("a comma-separated list of debug tags");
      if (!v) return MakeUnexpected(v.error());
      std::string bad;
      cl.debug_tags = log::ParseTagList(*v, &bad);
      if (!cl.debug_tags) {
        return MakeUnexpected(
            fmt::format("option {}: unknown debug tag '{}'; expected: all, {}", flag, bad, log::TagNames()));
      }
    } else {
      return MakeUnexpected(fmt::format("unknown option '{}' (see tessera --help)", arg));
    }
  }
  return cl;
}

}  // namespace tessera::app

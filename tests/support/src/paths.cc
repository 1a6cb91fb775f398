#include "tessera/testing/paths.h"

#include <cstdlib>
#include <system_error>

namespace tessera::testing {

std::filesystem::path TesseraBinary() {
  return TESSERA_BINARY_PATH;
}
std::filesystem::path SourceDir() {
  return TESSERA_SOURCE_DIR;
}
std::filesystem::path SharedDir() {
  // TESSERA_SHARED_DIR wins; otherwise the nearest "shared" folder beside the source tree or
  // one of its parents (a checkout at /work/main finds /work/shared, a git worktree at
  // /work/wt/<name> finds it one level further up). Falls back to ../shared, which may not
  // exist: callers report its absence.
  if (const char* env = std::getenv("TESSERA_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  for (std::filesystem::path dir = SourceDir().parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::is_directory(dir / "shared", ec)) return dir / "shared";
    if (dir == dir.parent_path()) break;
  }
  return SourceDir().parent_path() / "shared";
}

}  // namespace tessera::testing

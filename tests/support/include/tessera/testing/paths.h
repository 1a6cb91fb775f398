#pragma once
// Where the things under test are: the built tessera binary and the source tree.

#include <filesystem>

namespace tessera::testing {

std::filesystem::path TesseraBinary();
std::filesystem::path SourceDir();
// ../shared next to the source tree (peers harness, H.323 captures), or the nearest "shared"
// folder further up (git worktrees), or $TESSERA_SHARED_DIR. May not exist: check.
std::filesystem::path SharedDir();

}  // namespace tessera::testing

#include "tessera/testing/paths.h"

namespace tessera::testing {

std::filesystem::path TesseraBinary() {
  return TESSERA_BINARY_PATH;
}
std::filesystem::path SourceDir() {
  return TESSERA_SOURCE_DIR;
}
std::filesystem::path SharedDir() {
  return SourceDir().parent_path() / "shared";
}

}  // namespace tessera::testing

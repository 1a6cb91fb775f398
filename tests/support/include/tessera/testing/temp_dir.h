#pragma once
// A temporary directory removed (recursively) at destruction, unless TESSERA_KEEP_TEMP is
// set, which helps when debugging a failed integration test.

#include <filesystem>
#include <string>
#include <string_view>

namespace tessera::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::filesystem::path WriteFile(std::string_view name, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace tessera::testing

#include "tessera/codecs_testing/access_unit_file.h"

#include <cstring>
#include <fstream>
#include <iterator>

#include "tessera/testing/paths.h"

namespace tessera::codecs_testing {
namespace {

uint32_t ReadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void PutBe32(std::ofstream& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out.write(b, 4);
}

}  // namespace

std::vector<uint8_t> ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<AccessUnit> ReadAccessUnitFile(const std::filesystem::path& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  std::vector<AccessUnit> units;
  if (bytes.size() < 4 || std::memcmp(bytes.data(), "TAU1", 4) != 0) return units;
  size_t pos = 4;
  while (pos + 8 <= bytes.size()) {
    const uint32_t ts = ReadBe32(&bytes[pos]);
    const uint32_t len = ReadBe32(&bytes[pos + 4]);
    pos += 8;
    if (len > bytes.size() - pos) return {};
    units.push_back({ts, std::vector<uint8_t>(bytes.begin() + static_cast<ptrdiff_t>(pos),
                                              bytes.begin() + static_cast<ptrdiff_t>(pos + len))});
    pos += len;
  }
  if (pos != bytes.size()) return {};
  return units;
}

bool WriteAccessUnitFile(const std::filesystem::path& path, const std::vector<AccessUnit>& units) {
  std::ofstream out(path, std::ios::binary);
  out.write("TAU1", 4);
  for (const AccessUnit& u : units) {
    PutBe32(out, u.rtp_timestamp);
    PutBe32(out, static_cast<uint32_t>(u.data.size()));
    out.write(reinterpret_cast<const char*>(u.data.data()), static_cast<std::streamsize>(u.data.size()));
  }
  return static_cast<bool>(out);
}

std::filesystem::path CodecFixture(std::string_view name) {
  return testing::SourceDir() / "tests" / "data" / "codecs" / std::string(name);
}

}  // namespace tessera::codecs_testing

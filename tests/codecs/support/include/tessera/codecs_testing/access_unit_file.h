#pragma once
// Fixture files of encoded media, one record per access unit or audio packet, as a
// depacketizer would hand them to a decoder:
//   "TAU1", then per record: u32 RTP timestamp (big endian), u32 length, the bytes.
// tests/data/codecs/make_fixtures.py writes them from peers' RTP captures (see its README).

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace tessera::codecs_testing {

struct AccessUnit {
  uint32_t rtp_timestamp = 0;
  std::vector<uint8_t> data;
};

// Empty if the file is missing or malformed (the test then fails on its expectations).
std::vector<AccessUnit> ReadAccessUnitFile(const std::filesystem::path& path);
bool WriteAccessUnitFile(const std::filesystem::path& path, const std::vector<AccessUnit>& units);

// tests/data/codecs/<name>
std::filesystem::path CodecFixture(std::string_view name);

std::vector<uint8_t> ReadFileBytes(const std::filesystem::path& path);

}  // namespace tessera::codecs_testing

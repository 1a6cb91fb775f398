// Replays the h323_call fuzzer's corpus (tests/fuzz/corpus/h323_call/: the reference
// captures' calls as each side saw them, and every input the fuzzer found a fault with)
// through the same driver: each runs to the end with the call's invariants intact.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "h323_call_fuzz_input.h"

namespace tessera::signaling::h323 {
namespace {

std::vector<uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(H323CallFuzzCorpus, EveryCapturedCallAndEveryFoundFaultRunsThroughTheCallMachine) {
  const std::filesystem::path dir = TESSERA_H323_CALL_CORPUS;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto input = ReadFile(entry.path());
    EXPECT_TRUE(fuzz::RunCall(input)) << entry.path().filename();
    ++files;
  }
  EXPECT_GE(files, 16);  // the seeds from four captures, at least
}

}  // namespace
}  // namespace tessera::signaling::h323

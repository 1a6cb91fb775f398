#pragma once
// The payload fuzzers' input format: records of [length: 2 bytes, big endian][payload],
// one per RTP packet of a frame (a length past the end takes the rest). Each payload is
// copied into its own allocation so AddressSanitizer catches any read past its end.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tessera::fuzz {

struct PayloadList {
  std::vector<std::vector<uint8_t>> storage;
  std::vector<std::span<const uint8_t>> views;
};

inline PayloadList SplitPayloads(const uint8_t* data, size_t size, size_t max_payloads = 256) {
  PayloadList list;
  size_t offset = 0;
  while (offset + 2 <= size && list.storage.size() < max_payloads) {
    size_t length = (size_t{data[offset]} << 8) | data[offset + 1];
    offset += 2;
    if (length > size - offset) length = size - offset;
    list.storage.emplace_back(data + offset, data + offset + length);
    offset += length;
  }
  for (const auto& p : list.storage)
    list.views.emplace_back(p);
  return list;
}

}  // namespace tessera::fuzz

#pragma once
// The picture layer of H.261 (ITU-T H.261 section 4.2), read without decoding: the source
// format and which groups of blocks (GOBs) the picture holds. H.261 has no picture types
// and FFmpeg's decoder does not notice a picture cut short, so a receiver checks here that
// every GOB arrived before trusting the decoded picture.
//
// Thread safety: a stateless function.

#include <cstdint>
#include <optional>
#include <span>

namespace tessera::codecs::h261 {

struct PictureInfo {
  bool cif = false;       // 352x288; QCIF (176x144) otherwise
  int gobs = 0;           // GOB headers found, in order
  bool complete = false;  // every GOB of the format (QCIF 1,3,5; CIF 1..12) in order
};

// nullopt when the data does not start with a picture start code (within its first bytes).
std::optional<PictureInfo> ScanPicture(std::span<const uint8_t> picture);

}  // namespace tessera::codecs::h261

#pragma once
// The picture layer of H.261 (ITU-T H.261 section 4.2), read without decoding: the source
// format and which groups of blocks (GOBs) the picture holds. H.261 has no picture types
// and FFmpeg's decoder does not notice a picture cut short, so a receiver checks here that
// every GOB arrived before trusting the decoded picture.
//
// ParseMacroblocks goes one layer further for the RTP payload format (RFC 4587): it walks
// every macroblock header and coefficient code, without reconstructing anything, to find
// where a packet may begin (a GOB header or a macroblock) and the decoder state at that
// point (GOB number, previous macroblock address, quantizer, motion vector predictor).
//
// Thread safety: stateless functions.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tessera/base/result.h"

namespace tessera::codecs::h261 {

struct PictureInfo {
  bool cif = false;       // 352x288; QCIF (176x144) otherwise
  int gobs = 0;           // GOB headers found, in order
  bool complete = false;  // every GOB of the format (QCIF 1,3,5; CIF 1..12) in order
};

// nullopt when the data does not start with a picture start code (within its first bytes).
std::optional<PictureInfo> ScanPicture(std::span<const uint8_t> picture);

// A place where an RTP packet may start (RFC 4587 section 4.2): a GOB header, or a
// macroblock other than the first of its GOB (a GOB header is never separated from its
// first macroblock, nor the picture header from the first GOB).
struct SplitPoint {
  uint32_t bit = 0;          // offset of the GOB start code or of the macroblock's first code
  uint8_t gob = 0;           // GN in effect (0 at the picture start code)
  bool gob_start = false;    // a GOB (or picture) header starts here
  uint8_t previous_mba = 0;  // MBA of the previous macroblock of this GOB (1..32); 0 at a GOB start
  uint8_t quant = 0;         // quantizer in effect before this point; 0 at a GOB start
  int8_t mv_x = 0;           // motion vector of the previous macroblock when it was motion
  int8_t mv_y = 0;           // compensated (the MVD predictor), else 0
};

// CIF: 12 GOBs of 33 macroblocks; every GOB start plus every macroblock but the first.
inline constexpr size_t kMaxSplitPoints = 12 * 33;

struct MacroblockLayout {
  bool cif = false;
  size_t split_points = 0;  // written to the caller's span
  int gobs = 0;
  int macroblocks = 0;
  uint32_t end_bit = 0;  // where the coded data ends (zero padding may follow)
};

// Parses the whole picture (which must begin with the picture start code at bit 0).
// Errors name what was wrong; nothing is read past the end of `picture`.
Result<MacroblockLayout, std::string_view> ParseMacroblocks(std::span<const uint8_t> picture,
                                                            std::span<SplitPoint> points);

}  // namespace tessera::codecs::h261

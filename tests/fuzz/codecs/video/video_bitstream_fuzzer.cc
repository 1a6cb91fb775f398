// The pure header readers over any bytes: Annex B splitting, SPS, recovery point SEI,
// VP8 frame header, H.261 picture layer, profile-level-id. Invariants: every NAL unit
// lies inside the input and is non-empty; parsed sizes are positive and within the
// standards' bounds; ScanAccessUnit and the prefix scan agree.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tessera/codecs/capabilities.h"
#include "tessera/codecs/video/h261_bitstream.h"
#include "tessera/codecs/video/h264_bitstream.h"
#include "tessera/codecs/video/vp8_bitstream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera::codecs;
  const std::span<const uint8_t> input(data, size);
  h264::AnnexBReader reader(input);
  int nal_units = 0;
  size_t largest = 0;
  while (auto nal = reader.Next()) {
    if (nal->empty() || nal->data() < data || nal->data() + nal->size() > data + size) __builtin_trap();
    ++nal_units;
    largest = std::max(largest, nal->size());
    if (auto sps = h264::ParseSps(*nal)) {
      if (sps->width <= 0 || sps->height <= 0 || sps->width_mbs > 1055 || sps->height_mbs > 2 * 1055) __builtin_trap();
      if (sps->width > sps->width_mbs * 16 || sps->height > sps->height_mbs * 16) __builtin_trap();
    }
    if (auto count = h264::ParseRecoveryPointSei(*nal); count && (*count < 0 || *count > 65535)) __builtin_trap();
  }
  const auto info = h264::ScanAccessUnit(input);
  if (info.nal_units != nal_units || info.largest_nal_bytes != largest) __builtin_trap();
  const auto prefix = h264::ScanAccessUnitPrefix(input);
  if (prefix.first_slice_type != 0 && !info.has_slice) __builtin_trap();
  if (prefix.sps_count > 0 && !info.has_sps) __builtin_trap();
  if (auto vp8 = vp8::ParseFrameHeader(input)) {
    if (vp8->first_partition_size > size) __builtin_trap();
    if (vp8->keyframe && (vp8->width <= 0 || vp8->height <= 0 || vp8->width > 16383)) __builtin_trap();
  }
  if (auto h261 = h261::ScanPicture(input); h261 && (h261->gobs < 0 || h261->gobs > 12)) __builtin_trap();
  if (auto pli = H264ProfileLevelId::Parse(std::string_view(reinterpret_cast<const char*>(data), size))) {
    if (pli->ToString().size() != 6) __builtin_trap();
  }
  return 0;
}

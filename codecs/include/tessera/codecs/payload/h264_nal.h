#pragma once
// H.264 NAL units as they appear in an Annex B byte stream and in RTP (RFC 6184 §5.3):
// splitting an access unit at its start codes, and the NAL unit types that matter here.
//
// Thread safety: pure functions; any thread.

#include <cstddef>
#include <cstdint>
#include <span>

namespace tessera::codecs::payload {

namespace h264 {
inline constexpr uint8_t kSlice = 1;
inline constexpr uint8_t kIdr = 5;
inline constexpr uint8_t kSei = 6;
inline constexpr uint8_t kSps = 7;
inline constexpr uint8_t kPps = 8;
inline constexpr uint8_t kAud = 9;
inline constexpr uint8_t kStapA = 24;
inline constexpr uint8_t kStapB = 25;
inline constexpr uint8_t kMtap16 = 26;
inline constexpr uint8_t kMtap24 = 27;
inline constexpr uint8_t kFuA = 28;
inline constexpr uint8_t kFuB = 29;
inline constexpr uint8_t kStartCode[4] = {0, 0, 0, 1};

inline uint8_t NalType(uint8_t header) {
  return header & 0x1F;
}
}  // namespace h264

// Walks the NAL units of an Annex B buffer (3- or 4-byte start codes; trailing zero bytes
// before the next start code are not part of the unit). Bytes before the first start code
// make the buffer malformed.
class AnnexBReader {
 public:
  explicit AnnexBReader(std::span<const uint8_t> annexb);
  // The next NAL unit (header byte first, never empty), or false at the end.
  bool Next(std::span<const uint8_t>* nal);
  bool malformed() const { return malformed_; }

 private:
  std::span<const uint8_t> data_;
  size_t offset_ = 0;  // just after a start code, or data_.size()
  bool malformed_ = false;
};

// The position just after the next start code at or after `from`, and where that start
// code begins; {size, size} if there is none.
struct StartCodePosition {
  size_t start_code = 0;
  size_t payload = 0;
};
StartCodePosition FindStartCode(std::span<const uint8_t> data, size_t from);

// first_mb_in_slice == 0 for a slice NAL (type 1 or 5): its ue(v) is the first bit after
// the header, and it is 0 exactly when that bit is 1. A picture's first slice.
bool IsFirstSliceOfPicture(std::span<const uint8_t> nal);

}  // namespace tessera::codecs::payload

#include "tessera/codecs/payload/h264_nal.h"

namespace tessera::codecs::payload {

StartCodePosition FindStartCode(std::span<const uint8_t> data, size_t from) {
  const size_t n = data.size();
  for (size_t i = from; i + 3 <= n; ++i) {
    // Skip ahead quickly: a start code needs data[i + 2] == 1 with two zeros before it.
    if (data[i + 2] > 1) {
      i += 2;
      continue;
    }
    if (data[i + 2] == 1 && data[i] == 0 && data[i + 1] == 0) {
      const size_t start = (i > from && data[i - 1] == 0) ? i - 1 : i;
      return {start, i + 3};
    }
  }
  return {n, n};
}

AnnexBReader::AnnexBReader(std::span<const uint8_t> annexb) : data_(annexb) {
  const StartCodePosition first = FindStartCode(data_, 0);
  if (first.payload == data_.size() && first.start_code == data_.size()) {
    malformed_ = !data_.empty();
    offset_ = data_.size();
    return;
  }
  // Only zero bytes may precede the first start code (leading_zero_8bits).
  for (size_t i = 0; i < first.start_code; ++i) {
    if (data_[i] != 0) malformed_ = true;
  }
  offset_ = first.payload;
}

bool AnnexBReader::Next(std::span<const uint8_t>* nal) {
  while (offset_ < data_.size()) {
    const StartCodePosition next = FindStartCode(data_, offset_);
    size_t end = next.start_code;
    while (end > offset_ && data_[end - 1] == 0)
      --end;  // trailing_zero_8bits
    const size_t begin = offset_;
    offset_ = next.payload;
    if (end > begin) {
      *nal = data_.subspan(begin, end - begin);
      return true;
    }
    // An empty unit (two start codes in a row): skip it.
  }
  return false;
}

bool IsFirstSliceOfPicture(std::span<const uint8_t> nal) {
  if (nal.size() < 2) return false;
  const uint8_t type = h264::NalType(nal[0]);
  if (type != h264::kSlice && type != h264::kIdr) return false;
  return (nal[1] & 0x80) != 0;
}

}  // namespace tessera::codecs::payload

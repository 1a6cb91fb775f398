#include "tessera/signaling/h323/tpkt.h"

namespace tessera::signaling::h323 {

std::string_view ToString(TpktError e) {
  switch (e) {
    case TpktError::kNone:
      return "no error";
    case TpktError::kBadVersion:
      return "TPKT version is not 3";
    case TpktError::kBadLength:
      return "TPKT length below its header size";
  }
  return "unknown TPKT error";
}

TpktParse ParseTpkt(std::span<const uint8_t> data) {
  TpktParse r;
  if (!data.empty() && data[0] != 3) {
    r.status = TpktStatus::kError;
    r.error = TpktError::kBadVersion;
    return r;
  }
  if (data.size() < kTpktHeaderSize) return r;
  const size_t length = (size_t{data[2]} << 8) | data[3];
  if (length < kTpktHeaderSize) {
    r.status = TpktStatus::kError;
    r.error = TpktError::kBadLength;
    return r;
  }
  if (data.size() < length) return r;
  r.status = TpktStatus::kFrame;
  r.payload = data.subspan(kTpktHeaderSize, length - kTpktHeaderSize);
  r.frame_size = length;
  return r;
}

bool AppendTpkt(std::span<const uint8_t> payload, std::vector<uint8_t>& out) {
  if (payload.size() > kTpktMaxPayload) return false;
  const size_t length = payload.size() + kTpktHeaderSize;
  out.push_back(3);
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(length >> 8));
  out.push_back(static_cast<uint8_t>(length & 0xFF));
  out.insert(out.end(), payload.begin(), payload.end());
  return true;
}

bool TpktFramer::Append(std::span<const uint8_t> bytes) {
  // Drop what was consumed before growing, so the buffer holds at most one partial frame
  // plus the new bytes.
  if (start_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  if (buffer_.size() + bytes.size() > max_buffered_) return false;
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  return true;
}

std::optional<std::span<const uint8_t>> TpktFramer::Next() {
  if (error_ != TpktError::kNone) return std::nullopt;
  const TpktParse r = ParseTpkt(std::span<const uint8_t>(buffer_).subspan(start_));
  if (r.status == TpktStatus::kError) {
    error_ = r.error;
    return std::nullopt;
  }
  if (r.status == TpktStatus::kNeedMore) return std::nullopt;
  start_ += r.frame_size;
  return r.payload;
}

}  // namespace tessera::signaling::h323

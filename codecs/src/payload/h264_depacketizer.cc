#include <cstring>

#include "tessera/base/byte_io.h"
#include "tessera/codecs/payload/h264_nal.h"
#include "tessera/codecs/payload/h264_payload.h"

namespace tessera::codecs::payload {
namespace {

// A NAL unit's bytes never contain 00 00 00, 00 00 01 or 00 00 02 (emulation prevention,
// H.264 §7.4.1). One that does would be cut in two by anything that reads the Annex B
// output (a decoder, our own packetizer when forwarding): refuse it. Zero bytes at the end
// are allowed: they are Annex B trailing_zero_8bits, which senders that split a byte
// stream at 3-byte start codes leave on the unit before a 4-byte one (baresip does), and
// every reader drops them.
bool IsWellFormedNalBody(std::span<const uint8_t> body) {
  size_t n = body.size();
  while (n > 0 && body[n - 1] == 0)
    --n;
  for (size_t i = 0; i + 2 < n; ++i) {
    if (body[i + 2] > 2) {  // neither position i, i + 1 nor i + 2 can start a bad triple
      i += 2;
      continue;
    }
    if (body[i] == 0 && body[i + 1] == 0) return false;
  }
  return true;
}

class AnnexBWriter {
 public:
  AnnexBWriter(std::span<uint8_t> out, H264ParameterSets* parameter_sets)
      : out_(out), parameter_sets_(parameter_sets) {}
  // Start code + header byte; false when full or when the previous unit is malformed.
  bool BeginNal(uint8_t header) {
    const uint8_t type = h264::NalType(header);
    if (!FinishNal()) return false;
    if (type == h264::kSps) have_sps_ = true;
    if (type == h264::kPps) have_pps_ = true;
    if (type == h264::kIdr && parameter_sets_ && !(have_sps_ && have_pps_)) {
      if (!RestoreParameterSets()) return false;
    }
    nal_start_ = size_;
    if (size_ + 5 > out_.size()) return false;
    std::memcpy(out_.data() + size_, h264::kStartCode, 4);
    out_[size_ + 4] = header;
    size_ += 5;
    if (h264::NalType(header) == h264::kIdr) keyframe_ = true;
    return true;
  }
  bool Append(std::span<const uint8_t> bytes) {
    if (bytes.size() > out_.size() - size_) return false;
    if (!bytes.empty()) std::memcpy(out_.data() + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
    return true;
  }
  bool WholeNal(std::span<const uint8_t> nal) { return BeginNal(nal[0]) && Append(nal.subspan(1)); }
  // Closes the current unit: checks it and remembers parameter sets. Call once more when
  // the frame is complete. False if the unit is malformed.
  bool FinishNal() {
    if (nal_start_ == kNone) return true;
    const auto nal = out_.subspan(nal_start_ + 4, size_ - nal_start_ - 4);
    nal_start_ = kNone;
    if (!IsWellFormedNalBody(nal.subspan(1))) {
      malformed_ = true;
      return false;
    }
    if (parameter_sets_) parameter_sets_->Remember(nal);
    return true;
  }
  bool malformed() const { return malformed_; }
  size_t size() const { return size_; }
  bool keyframe() const { return keyframe_; }
  bool restored() const { return restored_; }

 private:
  static constexpr size_t kNone = SIZE_MAX;
  bool RestoreParameterSets() {
    for (auto set : {have_sps_ ? std::span<const uint8_t>() : parameter_sets_->sps(),
                     have_pps_ ? std::span<const uint8_t>() : parameter_sets_->pps()}) {
      if (set.empty()) continue;
      if (4 + set.size() > out_.size() - size_) return false;
      std::memcpy(out_.data() + size_, h264::kStartCode, 4);
      std::memcpy(out_.data() + size_ + 4, set.data(), set.size());
      size_ += 4 + set.size();
      restored_ = true;
    }
    have_sps_ = have_pps_ = true;
    return true;
  }

  std::span<uint8_t> out_;
  H264ParameterSets* parameter_sets_;
  size_t size_ = 0;
  size_t nal_start_ = kNone;
  bool keyframe_ = false;
  bool have_sps_ = false;
  bool have_pps_ = false;
  bool restored_ = false;
  bool malformed_ = false;
};

DepacketizeError WriteError(const AnnexBWriter& w) {
  return w.malformed() ? DepacketizeError::kMalformedUnit : DepacketizeError::kOutputFull;
}

}  // namespace

size_t H264DepacketizedSizeBound(PayloadList payloads) {
  size_t bound = 0;
  for (const auto& p : payloads)
    bound += p.size() + 4 + 4 * (p.size() / 3 + 1);
  return bound;
}

void H264ParameterSets::Remember(std::span<const uint8_t> nal) {
  if (nal.empty() || nal.size() > kMaxSize) return;
  const uint8_t type = h264::NalType(nal[0]);
  if (type == h264::kSps) sps_.assign(nal.begin(), nal.end());
  if (type == h264::kPps) pps_.assign(nal.begin(), nal.end());
}

Result<DepacketizedFrame, DepacketizeError> DepacketizeH264(PayloadList payloads, std::span<uint8_t> out,
                                                            H264ParameterSets* parameter_sets) {
  if (payloads.empty()) return MakeUnexpected(DepacketizeError::kEmpty);
  AnnexBWriter w(out, parameter_sets);
  bool in_fragment = false;
  uint8_t fragment_type = 0;
  for (const auto& payload : payloads) {
    if (payload.empty()) return MakeUnexpected(DepacketizeError::kEmpty);
    const uint8_t header = payload[0];
    const uint8_t type = h264::NalType(header);
    if (type != h264::kFuA && in_fragment) return MakeUnexpected(DepacketizeError::kFragmentUnfinished);
    if (type >= 1 && type <= 23) {
      if (!w.WholeNal(payload)) return MakeUnexpected(WriteError(w));
    } else if (type == h264::kStapA) {
      size_t offset = 1;
      if (payload.size() < 3) return MakeUnexpected(DepacketizeError::kTruncated);
      while (offset < payload.size()) {
        if (offset + 2 > payload.size()) return MakeUnexpected(DepacketizeError::kAggregateLengthPastEnd);
        const size_t size = Load16(payload.data() + offset);
        offset += 2;
        if (size == 0 || offset + size > payload.size()) {
          return MakeUnexpected(DepacketizeError::kAggregateLengthPastEnd);
        }
        const auto nal = payload.subspan(offset, size);
        const uint8_t inner = h264::NalType(nal[0]);
        if (inner == 0 || inner > 23) return MakeUnexpected(DepacketizeError::kUnsupportedType);
        if (!w.WholeNal(nal)) return MakeUnexpected(WriteError(w));
        offset += size;
      }
    } else if (type == h264::kFuA) {
      if (payload.size() < 2) return MakeUnexpected(DepacketizeError::kTruncated);
      const uint8_t fu = payload[1];
      const bool start = (fu & 0x80) != 0;
      const bool end = (fu & 0x40) != 0;
      const uint8_t inner = fu & 0x1F;
      if (inner == 0 || inner > 23) return MakeUnexpected(DepacketizeError::kUnsupportedType);
      if (start) {
        if (in_fragment) return MakeUnexpected(DepacketizeError::kFragmentMismatch);
        // The original header: F and NRI from the FU indicator, the type from the FU header.
        if (!w.BeginNal(static_cast<uint8_t>((header & 0xE0) | inner))) return MakeUnexpected(WriteError(w));
        in_fragment = true;
        fragment_type = inner;
      } else {
        if (!in_fragment) return MakeUnexpected(DepacketizeError::kFragmentWithoutStart);
        if (inner != fragment_type) return MakeUnexpected(DepacketizeError::kFragmentMismatch);
      }
      if (!w.Append(payload.subspan(2))) return MakeUnexpected(DepacketizeError::kOutputFull);
      if (end) in_fragment = false;
    } else {
      // 0 and 30/31 are reserved; STAP-B, MTAP16/24 and FU-B need the interleaved mode.
      return MakeUnexpected(DepacketizeError::kUnsupportedType);
    }
  }
  if (in_fragment) return MakeUnexpected(DepacketizeError::kFragmentUnfinished);
  if (!w.FinishNal()) return MakeUnexpected(DepacketizeError::kMalformedUnit);
  DepacketizedFrame frame{w.size(), w.keyframe()};
  frame.parameter_sets_restored = w.restored();
  return frame;
}

}  // namespace tessera::codecs::payload

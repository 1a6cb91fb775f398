#include <algorithm>
#include <cstring>

#include "tessera/base/byte_io.h"
#include "tessera/codecs/payload/h264_nal.h"
#include "tessera/codecs/payload/h264_payload.h"

namespace tessera::codecs::payload {
namespace {

// Most access units have a handful of NAL units; slices in mode 0 may be many more.
constexpr size_t kReservedUnits = 256;

}  // namespace

H264Packetizer::H264Packetizer(const H264PacketizerConfig& config) : config_(config) {
  units_.reserve(kReservedUnits);
  sps_.reserve(kMaxParameterSetSize);
  pps_.reserve(kMaxParameterSetSize);
}

void H264Packetizer::Remember(std::span<const uint8_t> nal) {
  const uint8_t type = h264::NalType(nal[0]);
  if (nal.size() > kMaxParameterSetSize) return;
  if (type == h264::kSps) sps_.assign(nal.begin(), nal.end());
  if (type == h264::kPps) pps_.assign(nal.begin(), nal.end());
}

Result<size_t, PacketizeError> H264Packetizer::Packetize(std::span<const uint8_t> annexb, PayloadSink& sink) {
  const size_t max = config_.max_payload_size;
  if (max < 3) return MakeUnexpected(PacketizeError::kBadConfig);
  units_.clear();
  AnnexBReader reader(annexb);
  if (reader.malformed()) return MakeUnexpected(PacketizeError::kMalformed);
  bool have_sps = false, have_pps = false;
  std::span<const uint8_t> nal;
  while (reader.Next(&nal)) {
    const uint8_t type = h264::NalType(nal[0]);
    if (type == h264::kSps) have_sps = true;
    if (type == h264::kPps) have_pps = true;
    if (type == h264::kIdr && config_.repeat_parameter_sets) {
      // An IDR without its parameter sets in front: repeat the last ones seen.
      if (!have_sps && !sps_.empty()) units_.push_back({sps_});
      if (!have_pps && !pps_.empty()) units_.push_back({pps_});
      have_sps = have_pps = true;
    }
    units_.push_back({nal});
  }
  if (reader.malformed()) return MakeUnexpected(PacketizeError::kMalformed);
  if (units_.empty()) return MakeUnexpected(PacketizeError::kEmptyFrame);
  if (config_.mode == H264PacketizationMode::kSingleNalUnit) {
    for (const Unit& u : units_) {
      if (u.nal.size() > max) return MakeUnexpected(PacketizeError::kUnitTooLarge);
    }
  }
  auto result = EmitUnits(units_, sink);
  // Parameter sets are remembered only after the frame went out, so a repeated set is
  // never a view of the cache it is copied into.
  for (const Unit& u : units_) {
    if (u.nal.data() != sps_.data() && u.nal.data() != pps_.data()) Remember(u.nal);
  }
  return result;
}

Result<size_t, PacketizeError> H264Packetizer::EmitUnits(std::span<const Unit> units, PayloadSink& sink) {
  const size_t max = config_.max_payload_size;
  const bool mode1 = config_.mode == H264PacketizationMode::kNonInterleaved;
  size_t packets = 0;
  for (size_t i = 0; i < units.size();) {
    const auto nal = units[i].nal;
    std::span<uint8_t> out = sink.NextPayload();
    if (out.size() < max) return MakeUnexpected(PacketizeError::kSinkFull);

    if (nal.size() <= max) {
      // Aggregate following small units with this one into a STAP-A while they fit.
      size_t count = 1;
      size_t stap_size = 1 + 2 + nal.size();
      if (mode1 && config_.aggregate) {
        while (i + count < units.size() && stap_size + 2 + units[i + count].nal.size() <= max) {
          stap_size += 2 + units[i + count].nal.size();
          ++count;
        }
      }
      if (count == 1) {
        std::memcpy(out.data(), nal.data(), nal.size());
        sink.CommitPayload(nal.size(), i + 1 == units.size());
      } else {
        // STAP-A header: F = OR of the units' F bits, NRI = their maximum (RFC 6184 §5.7.1).
        uint8_t f = 0, nri = 0;
        size_t offset = 1;
        for (size_t k = 0; k < count; ++k) {
          const auto unit = units[i + k].nal;
          f |= unit[0] & 0x80;
          nri = std::max<uint8_t>(nri, unit[0] & 0x60);
          Store16(out.data() + offset, static_cast<uint16_t>(unit.size()));
          std::memcpy(out.data() + offset + 2, unit.data(), unit.size());
          offset += 2 + unit.size();
        }
        out[0] = static_cast<uint8_t>(f | nri | h264::kStapA);
        sink.CommitPayload(offset, i + count == units.size());
      }
      ++packets;
      i += count;
      continue;
    }

    // FU-A (mode 1 only; mode 0 refused oversized units before emitting anything). The
    // NAL header travels in the FU indicator and header, so each fragment carries up to
    // max - 2 bytes of the unit's body.
    const uint8_t header = nal[0];
    const auto body = nal.subspan(1);
    const size_t chunk = max - 2;
    // Spread the body evenly over the fragments instead of leaving a runt at the end.
    const size_t fragments = (body.size() + chunk - 1) / chunk;
    const size_t base = body.size() / fragments;
    const size_t extra = body.size() % fragments;
    size_t offset = 0;
    for (size_t k = 0; k < fragments; ++k) {
      if (k > 0) {
        out = sink.NextPayload();
        if (out.size() < max) return MakeUnexpected(PacketizeError::kSinkFull);
      }
      const size_t size = base + (k < extra ? 1 : 0);
      out[0] = static_cast<uint8_t>((header & 0xE0) | h264::kFuA);
      out[1] = static_cast<uint8_t>((k == 0 ? 0x80 : 0) | (k + 1 == fragments ? 0x40 : 0) | h264::NalType(header));
      std::memcpy(out.data() + 2, body.data() + offset, size);
      offset += size;
      sink.CommitPayload(2 + size, k + 1 == fragments && i + 1 == units.size());
      ++packets;
    }
    ++i;
  }
  return packets;
}

}  // namespace tessera::codecs::payload

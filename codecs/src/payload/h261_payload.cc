#include "tessera/codecs/payload/h261_payload.h"

#include <cstring>

namespace tessera::codecs::payload {
namespace {

// The picture start code (20 bits: 0000 0000 0000 0001 0000) at the start of `data`.
bool StartsWithPictureStartCode(std::span<const uint8_t> data) {
  return data.size() >= 3 && data[0] == 0 && data[1] == 1 && (data[2] & 0xF0) == 0;
}

// Appends bits [sbit, sbit + count) of `data` at bit `*pos` of `out`, which has room.
// Bits of `out` past the new end are left zero.
void AppendBits(std::span<const uint8_t> data, size_t sbit, size_t count, std::span<uint8_t> out, size_t* pos) {
  size_t dst = *pos;
  const size_t end = dst + count;
  if (dst % 8 == sbit) {
    // The usual case: the packets share the boundary byte (SBIT + previous EBIT = 8), or
    // both are byte aligned. The first byte keeps the bits already written.
    const size_t byte = dst / 8;
    const size_t bytes = (sbit + count + 7) / 8;
    if (sbit == 0) {
      std::memcpy(out.data() + byte, data.data(), bytes);
    } else {
      const uint8_t keep = static_cast<uint8_t>(0xFF << (8 - sbit));
      out[byte] = static_cast<uint8_t>((out[byte] & keep) | (data[0] & ~keep));
      if (bytes > 1) std::memcpy(out.data() + byte + 1, data.data() + 1, bytes - 1);
    }
  } else {
    // A sender whose boundaries do not line up: shift every byte.
    size_t src = sbit;
    auto put_bit = [&] {
      const unsigned bit = (data[src / 8] >> (7 - src % 8)) & 1u;
      if (dst % 8 == 0) out[dst / 8] = 0;
      out[dst / 8] = static_cast<uint8_t>(out[dst / 8] | (bit << (7 - dst % 8)));
      ++src;
      ++dst;
    };
    if (dst % 8 != 0) out[dst / 8] = static_cast<uint8_t>(out[dst / 8] & (0xFF << (8 - dst % 8)));
    while (dst < end && dst % 8 != 0)
      put_bit();
    while (end - dst >= 8) {
      const size_t shift = src % 8;
      uint8_t b = static_cast<uint8_t>(data[src / 8] << shift);
      if (shift) b = static_cast<uint8_t>(b | (data[src / 8 + 1] >> (8 - shift)));
      out[dst / 8] = b;
      src += 8;
      dst += 8;
    }
    while (dst < end)
      put_bit();
  }
  if (end % 8 != 0) out[end / 8] = static_cast<uint8_t>(out[end / 8] & (0xFF << (8 - end % 8)));
  *pos = end;
}

int8_t FiveBitSigned(uint32_t v) {
  return static_cast<int8_t>((v & 0x10) ? static_cast<int>(v) - 32 : static_cast<int>(v));
}

}  // namespace

std::optional<H261PayloadHeader> ParseH261PayloadHeader(std::span<const uint8_t> payload) {
  if (payload.size() < kH261HeaderSize) return std::nullopt;
  const uint32_t v =
      (uint32_t{payload[0]} << 24) | (uint32_t{payload[1]} << 16) | (uint32_t{payload[2]} << 8) | uint32_t{payload[3]};
  H261PayloadHeader h;
  h.sbit = static_cast<uint8_t>(v >> 29);
  h.ebit = static_cast<uint8_t>((v >> 26) & 7);
  h.intra = (v >> 25) & 1;
  h.motion_vectors = (v >> 24) & 1;
  h.gobn = static_cast<uint8_t>((v >> 20) & 0xF);
  h.mbap = static_cast<uint8_t>((v >> 15) & 0x1F);
  h.quant = static_cast<uint8_t>((v >> 10) & 0x1F);
  h.hmvd = FiveBitSigned((v >> 5) & 0x1F);
  h.vmvd = FiveBitSigned(v & 0x1F);
  return h;
}

void WriteH261PayloadHeader(const H261PayloadHeader& h, std::span<uint8_t, kH261HeaderSize> out) {
  const uint32_t v = (uint32_t{h.sbit & 7u} << 29) | (uint32_t{h.ebit & 7u} << 26) | (uint32_t{h.intra} << 25) |
                     (uint32_t{h.motion_vectors} << 24) | (uint32_t{h.gobn & 0xFu} << 20) |
                     (uint32_t{h.mbap & 0x1Fu} << 15) | (uint32_t{h.quant & 0x1Fu} << 10) |
                     ((static_cast<uint32_t>(h.hmvd) & 0x1F) << 5) | (static_cast<uint32_t>(h.vmvd) & 0x1F);
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}

Result<DepacketizedFrame, DepacketizeError> DepacketizeH261(PayloadList payloads, std::span<uint8_t> out) {
  if (payloads.empty()) return MakeUnexpected(DepacketizeError::kEmpty);
  size_t bits = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    const auto header = ParseH261PayloadHeader(payloads[i]);
    if (!header) return MakeUnexpected(DepacketizeError::kTruncated);
    const auto data = payloads[i].subspan(kH261HeaderSize);
    if (data.empty()) return MakeUnexpected(DepacketizeError::kTruncated);
    if (header->sbit + header->ebit >= data.size() * 8) return MakeUnexpected(DepacketizeError::kBadHeader);
    // GOB numbers run 1..12 (CIF); -16 is forbidden in the motion vector fields.
    if (header->gobn > 12 || header->hmvd == -16 || header->vmvd == -16)
      return MakeUnexpected(DepacketizeError::kBadHeader);
    if (i == 0 && (header->sbit != 0 || header->gobn != 0 || header->mbap != 0 || !StartsWithPictureStartCode(data)))
      return MakeUnexpected(DepacketizeError::kNoFrameStart);
    const size_t count = data.size() * 8 - header->sbit - header->ebit;
    if ((bits + count + 7) / 8 > out.size()) return MakeUnexpected(DepacketizeError::kOutputFull);
    AppendBits(data, header->sbit, count, out, &bits);
  }
  DepacketizedFrame frame{(bits + 7) / 8};
  if (frame.size >= 4) {
    // PTYPE's source format bit (bit 28 of the picture): CIF or QCIF.
    const bool cif = (out[3] & 0x08) != 0;
    frame.width = cif ? 352 : 176;
    frame.height = cif ? 288 : 144;
  }
  return frame;
}

Result<size_t, PacketizeError> H261Packetizer::Packetize(std::span<const uint8_t> picture, PayloadSink& sink) {
  const size_t max = config_.max_payload_size;
  if (max < kH261HeaderSize + 12) return MakeUnexpected(PacketizeError::kBadConfig);
  if (picture.empty()) return MakeUnexpected(PacketizeError::kEmptyFrame);
  const auto layout = h261::ParseMacroblocks(picture, points_);
  if (!layout) return MakeUnexpected(PacketizeError::kMalformed);
  const size_t n = layout->split_points;
  const size_t end = picture.size() * 8;
  auto bound = [&](size_t j) -> size_t { return j < n ? points_[j].bit : end; };
  auto fits = [&](size_t from, size_t to) { return kH261HeaderSize + (to - (from & ~size_t{7}) + 7) / 8 <= max; };
  auto next_gob = [&](size_t j) {
    do {
      ++j;
    } while (j < n && !points_[j].gob_start);
    return j;
  };

  size_t packets = 0;
  size_t i = 0;
  while (i < n) {
    const size_t from = points_[i].bit;
    size_t j = next_gob(i);
    if (fits(from, bound(j))) {
      // The rest of this GOB fits: add whole GOBs while they fit too.
      while (j < n && fits(from, bound(next_gob(j))))
        j = next_gob(j);
    } else {
      // Too large: end at the last macroblock that fits.
      const size_t gob_end = j;
      j = i;
      while (j + 1 < gob_end && fits(from, bound(j + 1)))
        ++j;
      if (j == i) return MakeUnexpected(PacketizeError::kUnitTooLarge);
      if (points_[i].gob_start) ++stats_.gobs_split;
    }
    const size_t to = bound(j);
    std::span<uint8_t> out = sink.NextPayload();
    if (out.size() < max) return MakeUnexpected(PacketizeError::kSinkFull);
    const h261::SplitPoint& p = points_[i];
    H261PayloadHeader h;
    h.sbit = static_cast<uint8_t>(from % 8);
    h.ebit = static_cast<uint8_t>((8 - to % 8) % 8);
    h.motion_vectors = true;
    h.gobn = p.gob;
    if (!p.gob_start) {
      h.mbap = static_cast<uint8_t>(p.previous_mba - 1);
      h.quant = p.quant;
      h.hmvd = p.mv_x;
      h.vmvd = p.mv_y;
    }
    WriteH261PayloadHeader(h, out.first<kH261HeaderSize>());
    const size_t first = from / 8;
    const size_t bytes = (to + 7) / 8 - first;
    std::memcpy(out.data() + kH261HeaderSize, picture.data() + first, bytes);
    sink.CommitPayload(kH261HeaderSize + bytes, j == n);
    ++packets;
    i = j;
  }
  return packets;
}

}  // namespace tessera::codecs::payload

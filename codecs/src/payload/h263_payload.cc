#include <algorithm>
#include <cstring>

#include "tessera/base/byte_io.h"
#include "tessera/codecs/payload/h263_payload.h"

namespace tessera::codecs::payload {
namespace {

void FillSize(std::span<const uint8_t> picture, DepacketizedFrame* frame) {
  if (auto h = ParseH263PictureHeader(picture)) {
    frame->width = h->width;
    frame->height = h->height;
    frame->keyframe = h->intra;
  }
}

// Byte-aligned picture, GOB or end-of-sequence start codes: 0000 0000 0000 0000 1xxx xxxx.
bool IsStartCodeAt(std::span<const uint8_t> data, size_t i) {
  return i + 3 <= data.size() && data[i] == 0 && data[i + 1] == 0 && (data[i + 2] & 0x80) != 0;
}

size_t NextStartCode(std::span<const uint8_t> data, size_t from) {
  for (size_t i = from; i + 3 <= data.size(); ++i) {
    if (IsStartCodeAt(data, i)) return i;
  }
  return data.size();
}

}  // namespace

Result<DepacketizedFrame, DepacketizeError> DepacketizeH263Rfc4629(PayloadList payloads, std::span<uint8_t> out) {
  if (payloads.empty()) return MakeUnexpected(DepacketizeError::kEmpty);
  size_t size = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    const auto& p = payloads[i];
    if (p.size() < 2) return MakeUnexpected(DepacketizeError::kTruncated);
    const uint16_t header = Load16(p.data());
    const bool picture_start = (header & 0x0400) != 0;
    const bool vrc = (header & 0x0200) != 0;
    const size_t plen = (header >> 3) & 0x3F;
    const size_t offset = 2 + (vrc ? 1 : 0) + plen;
    if (offset > p.size()) return MakeUnexpected(DepacketizeError::kTruncated);
    if (i == 0 && !picture_start) return MakeUnexpected(DepacketizeError::kNoFrameStart);
    const size_t data = p.size() - offset;
    const size_t need = data + (picture_start ? 2 : 0);
    if (need > out.size() - size) return MakeUnexpected(DepacketizeError::kOutputFull);
    if (picture_start) {
      out[size++] = 0;
      out[size++] = 0;
    }
    if (data) std::memcpy(out.data() + size, p.data() + offset, data);
    size += data;
  }
  DepacketizedFrame frame{size};
  FillSize(out.first(size), &frame);
  return frame;
}

size_t H263Rfc2190HeaderSize(std::span<const uint8_t> payload) {
  if (payload.empty()) return 0;
  const size_t size = (payload[0] & 0x80) == 0 ? 4 : ((payload[0] & 0x40) == 0 ? 8 : 12);
  return payload.size() >= size ? size : 0;
}

Result<DepacketizedFrame, DepacketizeError> DepacketizeH263Rfc2190(PayloadList payloads, std::span<uint8_t> out) {
  if (payloads.empty()) return MakeUnexpected(DepacketizeError::kEmpty);
  size_t size = 0;
  bool intra_flag = false;
  for (size_t i = 0; i < payloads.size(); ++i) {
    const auto& p = payloads[i];
    const size_t header = H263Rfc2190HeaderSize(p);
    if (header == 0) return MakeUnexpected(DepacketizeError::kTruncated);
    const int sbit = (p[0] >> 3) & 7;
    const int ebit = p[0] & 7;
    auto data = p.subspan(header);
    if (i == 0) {
      // A picture starts in a mode A packet, at a byte boundary.
      if (header != 4 || sbit != 0) return MakeUnexpected(DepacketizeError::kNoFrameStart);
      intra_flag = (p[1] & 0x10) == 0;  // I: 0 = intra-coded
    }
    if (data.empty()) {
      if (sbit || ebit) return MakeUnexpected(DepacketizeError::kBadHeader);
      continue;
    }
    if (sbit != 0) {
      // The first byte shares its high `sbit` bits with the previous packet's last byte.
      if (size == 0) return MakeUnexpected(DepacketizeError::kBadHeader);
      out[size - 1] = static_cast<uint8_t>(out[size - 1] | (data[0] & (0xFF >> sbit)));
      data = data.subspan(1);
    }
    if (data.size() > out.size() - size) return MakeUnexpected(DepacketizeError::kOutputFull);
    if (!data.empty()) std::memcpy(out.data() + size, data.data(), data.size());
    size += data.size();
    if (ebit != 0 && size > 0) out[size - 1] = static_cast<uint8_t>(out[size - 1] & (0xFF << ebit));
  }
  DepacketizedFrame frame{size, intra_flag};
  FillSize(out.first(size), &frame);
  return frame;
}

size_t H263Packetizer::max_gob_size() const {
  // RFC 4629 saves the start code's two zero bytes; RFC 2190 mode A adds 4 bytes.
  return config_.format == H263PayloadFormat::kRfc4629 ? config_.max_payload_size : config_.max_payload_size - 4;
}

Result<size_t, PacketizeError> H263Packetizer::Packetize(std::span<const uint8_t> picture, PayloadSink& sink) {
  const size_t max = config_.max_payload_size;
  if (max < 16) return MakeUnexpected(PacketizeError::kBadConfig);
  if (picture.empty()) return MakeUnexpected(PacketizeError::kEmptyFrame);
  const auto header = ParseH263PictureHeader(picture);
  if (!header) return MakeUnexpected(PacketizeError::kMalformed);
  const bool rfc2190 = config_.format == H263PayloadFormat::kRfc2190;
  if (rfc2190 && header->source_format == 7) return MakeUnexpected(PacketizeError::kMalformed);

  // Mode A header of this picture (RFC 2190 §5.1): F=0 P=0 SBIT=0 EBIT=0, SRC, I U S A,
  // R=0 DBQ=0 TRB=0, TR.
  uint8_t mode_a[4] = {
      0,
      static_cast<uint8_t>((header->source_format << 5) | (header->intra ? 0 : 0x10) |
                           (header->unrestricted_motion_vectors ? 0x08 : 0) |
                           (header->syntax_based_arithmetic ? 0x04 : 0) | (header->advanced_prediction ? 0x02 : 0)),
      0, header->temporal_reference};
  const size_t header_size = rfc2190 ? 4 : 2;
  size_t packets = 0;
  size_t pos = 0;
  while (pos < picture.size()) {
    std::span<uint8_t> out = sink.NextPayload();
    if (out.size() < max) return MakeUnexpected(PacketizeError::kSinkFull);
    const bool at_start_code = IsStartCodeAt(picture, pos);
    // RFC 4629 drops the two zero bytes of a start code the packet begins with.
    const size_t skip = (!rfc2190 && at_start_code) ? 2 : 0;
    const size_t room = max - header_size + skip;  // bytes of `picture` this packet can take
    size_t end = pos;
    if (at_start_code) {
      // Whole GOBs while they fit.
      size_t next = NextStartCode(picture, pos + 3);
      while (next - pos <= room) {
        end = next;
        if (next == picture.size()) break;
        next = NextStartCode(picture, next + 3);
      }
    }
    if (end == pos) {
      // A GOB larger than a packet (or a follow-on piece of one): split at a byte
      // boundary, but end at the next start code so the next packet begins a GOB again.
      if (at_start_code) ++stats_.oversized_gobs;
      end = std::min({picture.size(), pos + room, NextStartCode(picture, pos + (at_start_code ? 3 : 1))});
    }
    size_t n = 0;
    if (rfc2190) {
      std::memcpy(out.data(), mode_a, 4);
      n = 4;
    } else {
      Store16(out.data(), static_cast<uint16_t>(skip ? 0x0400 : 0));
      n = 2;
    }
    const size_t bytes = end - pos - skip;
    std::memcpy(out.data() + n, picture.data() + pos + skip, bytes);
    n += bytes;
    pos = end;
    sink.CommitPayload(n, pos == picture.size());
    ++packets;
  }
  return packets;
}

}  // namespace tessera::codecs::payload

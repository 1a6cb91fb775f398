#include "tessera/codecs/payload/vp8_payload.h"

#include <cstring>

namespace tessera::codecs::payload {

std::optional<Vp8Descriptor> ParseVp8Descriptor(std::span<const uint8_t> payload) {
  if (payload.empty()) return std::nullopt;
  Vp8Descriptor d;
  size_t offset = 1;
  const uint8_t b0 = payload[0];
  d.non_reference = (b0 & 0x20) != 0;
  d.start_of_partition = (b0 & 0x10) != 0;
  d.partition_index = b0 & 0x07;
  if (b0 & 0x80) {  // X: extension byte follows
    if (payload.size() < 2) return std::nullopt;
    const uint8_t x = payload[1];
    offset = 2;
    if (x & 0x80) {  // I: PictureID
      if (offset >= payload.size()) return std::nullopt;
      if (payload[offset] & 0x80) {  // M: 15 bits
        if (offset + 2 > payload.size()) return std::nullopt;
        d.picture_id = static_cast<uint16_t>(((payload[offset] & 0x7F) << 8) | payload[offset + 1]);
        offset += 2;
      } else {
        d.picture_id = payload[offset] & 0x7F;
        offset += 1;
      }
    }
    if (x & 0x40) {  // L: TL0PICIDX
      if (offset >= payload.size()) return std::nullopt;
      d.tl0_pic_idx = payload[offset++];
    }
    if (x & 0x30) {  // T or K: TID/Y/KEYIDX byte
      if (offset >= payload.size()) return std::nullopt;
      const uint8_t t = payload[offset++];
      if (x & 0x20) {
        d.temporal_layer = t >> 6;
        d.layer_sync = (t & 0x20) != 0;
      }
      if (x & 0x10) d.key_index = t & 0x1F;
    }
  }
  d.size = offset;
  return d;
}

std::optional<Vp8FrameInfo> ParseVp8FrameHeader(std::span<const uint8_t> data) {
  if (data.size() < 3) return std::nullopt;
  Vp8FrameInfo info;
  info.keyframe = (data[0] & 0x01) == 0;  // RFC 6386 §9.1: frame type 0 = key frame
  if (info.keyframe) {
    // 3-byte frame tag, 3-byte start code 9d 01 2a, then 14-bit width and height.
    if (data.size() < 10 || data[3] != 0x9D || data[4] != 0x01 || data[5] != 0x2A) return std::nullopt;
    info.width = ((data[7] << 8) | data[6]) & 0x3FFF;
    info.height = ((data[9] << 8) | data[8]) & 0x3FFF;
  }
  return info;
}

Result<DepacketizedFrame, DepacketizeError> DepacketizeVp8(PayloadList payloads, std::span<uint8_t> out) {
  if (payloads.empty()) return MakeUnexpected(DepacketizeError::kEmpty);
  size_t size = 0;
  DepacketizedFrame frame;
  for (size_t i = 0; i < payloads.size(); ++i) {
    const auto d = ParseVp8Descriptor(payloads[i]);
    if (!d) return MakeUnexpected(DepacketizeError::kTruncated);
    const auto data = payloads[i].subspan(d->size);
    if (i == 0) {
      if (!d->frame_start()) return MakeUnexpected(DepacketizeError::kNoFrameStart);
      const auto info = ParseVp8FrameHeader(data);
      if (!info) return MakeUnexpected(DepacketizeError::kBadHeader);
      frame.keyframe = info->keyframe;
      frame.width = info->width;
      frame.height = info->height;
    }
    if (data.size() > out.size() - size) return MakeUnexpected(DepacketizeError::kOutputFull);
    if (!data.empty()) std::memcpy(out.data() + size, data.data(), data.size());
    size += data.size();
  }
  frame.size = size;
  return frame;
}

Vp8Packetizer::Vp8Packetizer(const Vp8PacketizerConfig& config)
    : config_(config), picture_id_(config.first_picture_id & 0x7FFF) {}

Result<size_t, PacketizeError> Vp8Packetizer::Packetize(std::span<const uint8_t> frame, PayloadSink& sink) {
  const size_t max = config_.max_payload_size;
  if (max <= kDescriptorSize) return MakeUnexpected(PacketizeError::kBadConfig);
  if (frame.empty()) return MakeUnexpected(PacketizeError::kEmptyFrame);
  const size_t chunk = max - kDescriptorSize;
  const size_t packets = (frame.size() + chunk - 1) / chunk;
  // Equal-sized packets rather than full ones and a runt.
  const size_t base = frame.size() / packets, extra = frame.size() % packets;
  size_t offset = 0;
  for (size_t k = 0; k < packets; ++k) {
    std::span<uint8_t> out = sink.NextPayload();
    if (out.size() < max) return MakeUnexpected(PacketizeError::kSinkFull);
    const size_t size = base + (k < extra ? 1 : 0);
    // X=1, N=0 (every frame may be a reference), S on the first packet, PID 0 (the frame
    // is sent as one partition stream); I=1 with a 15-bit PictureID (M=1).
    out[0] = static_cast<uint8_t>(0x80 | (k == 0 ? 0x10 : 0));
    out[1] = 0x80;
    out[2] = static_cast<uint8_t>(0x80 | (picture_id_ >> 8));
    out[3] = static_cast<uint8_t>(picture_id_);
    std::memcpy(out.data() + kDescriptorSize, frame.data() + offset, size);
    offset += size;
    sink.CommitPayload(kDescriptorSize + size, k + 1 == packets);
  }
  picture_id_ = static_cast<uint16_t>((picture_id_ + 1) & 0x7FFF);
  return packets;
}

}  // namespace tessera::codecs::payload

#include "tessera/codecs/payload/payload_inspector.h"

#include <algorithm>

#include "tessera/base/byte_io.h"
#include "tessera/codecs/payload/h261_payload.h"
#include "tessera/codecs/payload/h263_payload.h"
#include "tessera/codecs/payload/h264_nal.h"
#include "tessera/codecs/payload/vp8_payload.h"

namespace tessera::codecs::payload {
namespace {

// One NAL unit (header byte first) at the start of a picture?
void InspectNal(std::span<const uint8_t> nal, bool first_in_packet, VideoPayloadInfo* info) {
  if (nal.empty()) return;
  const uint8_t type = h264::NalType(nal[0]);
  if (type == h264::kIdr || type == h264::kSps) info->keyframe = true;
  if (!first_in_packet) return;
  if (type == h264::kSps || type == h264::kPps || type == h264::kSei || type == h264::kAud) {
    info->frame_start = true;
  } else if (IsFirstSliceOfPicture(nal)) {
    info->frame_start = true;
  }
}

VideoPayloadInfo InspectH264(std::span<const uint8_t> p) {
  VideoPayloadInfo info;
  if (p.empty()) return info;
  const uint8_t type = h264::NalType(p[0]);
  if (type >= 1 && type <= 23) {
    InspectNal(p, true, &info);
  } else if (type == h264::kStapA) {
    size_t offset = 1;
    bool first = true;
    while (offset + 2 <= p.size()) {
      const size_t size = Load16(p.data() + offset);
      offset += 2;
      if (size == 0 || offset + size > p.size()) break;
      InspectNal(p.subspan(offset, size), first, &info);
      first = false;
      offset += size;
    }
  } else if (type == h264::kFuA && p.size() >= 3) {
    const uint8_t fu = p[1];
    const uint8_t inner = fu & 0x1F;
    if (inner == h264::kIdr) info.keyframe = true;
    if (fu & 0x80) {
      // Rebuild the first two bytes of the unit to read first_mb_in_slice.
      const uint8_t nal[2] = {static_cast<uint8_t>((p[0] & 0xE0) | inner), p[2]};
      InspectNal(nal, true, &info);
    }
  }
  return info;
}

}  // namespace

VideoPayloadInfo InspectVideoPayload(CodecId codec, std::span<const uint8_t> payload) {
  VideoPayloadInfo info;
  switch (codec) {
    case CodecId::kH264:
      return InspectH264(payload);
    case CodecId::kH263Plus: {
      if (payload.size() < 2) return info;
      const uint16_t header = Load16(payload.data());
      const size_t offset = 2 + ((header & 0x0200) ? 1 : 0) + ((header >> 3) & 0x3F);
      // P=1 and the next byte is the rest of a PSC (1000 00xx): a picture start.
      if ((header & 0x0400) && offset < payload.size() && (payload[offset] & 0xFC) == 0x80) {
        info.frame_start = true;
        uint8_t picture[16] = {0, 0};
        size_t n = 2;
        for (size_t i = offset; i < payload.size() && n < sizeof(picture); ++i)
          picture[n++] = payload[i];
        if (auto h = ParseH263PictureHeader(std::span<const uint8_t>(picture, n))) info.keyframe = h->intra;
      }
      return info;
    }
    case CodecId::kH263: {
      const size_t header = H263Rfc2190HeaderSize(payload);
      if (header != 4 || ((payload[0] >> 3) & 7) != 0) return info;
      const auto data = payload.subspan(4);
      if (auto h = ParseH263PictureHeader(data)) {
        info.frame_start = true;
        info.keyframe = h->intra;
      }
      return info;
    }
    case CodecId::kH261: {
      // SBIT 0, GOBN 0, MBAP 0 and the picture start code. H.261 has no picture types:
      // any picture is where a receiver resumes (see h261_payload.h).
      const auto h = ParseH261PayloadHeader(payload);
      const auto data = payload.subspan(std::min(payload.size(), kH261HeaderSize));
      if (h && h->sbit == 0 && h->gobn == 0 && h->mbap == 0 && data.size() >= 3 && data[0] == 0 && data[1] == 1 &&
          (data[2] & 0xF0) == 0) {
        info.frame_start = true;
        info.keyframe = true;
      }
      return info;
    }
    case CodecId::kVp8: {
      const auto d = ParseVp8Descriptor(payload);
      if (!d || !d->frame_start()) return info;
      info.frame_start = true;
      if (auto f = ParseVp8FrameHeader(payload.subspan(d->size))) info.keyframe = f->keyframe;
      return info;
    }
    default:
      return info;
  }
}

}  // namespace tessera::codecs::payload

#include "payload/bit_reader.h"
#include "tessera/codecs/payload/h263_payload.h"

namespace tessera::codecs::payload {
namespace {

void SizeOf(uint8_t source_format, H263PictureHeader* h) {
  static constexpr int kSizes[6][2] = {{0, 0}, {128, 96}, {176, 144}, {352, 288}, {704, 576}, {1408, 1152}};
  if (source_format >= 1 && source_format <= 5) {
    h->width = kSizes[source_format][0];
    h->height = kSizes[source_format][1];
  }
}

}  // namespace

std::optional<H263PictureHeader> ParseH263PictureHeader(std::span<const uint8_t> picture) {
  BitReader r(picture);
  if (r.Read(22) != 0x20) return std::nullopt;  // PSC
  H263PictureHeader h;
  h.temporal_reference = static_cast<uint8_t>(r.Read(8));
  // PTYPE bits 1-2 are "1 0" (bit 2 tells H.263 from H.261).
  if (r.Read(2) != 0b10) return std::nullopt;
  r.Read(3);  // split screen, document camera, freeze picture release
  h.source_format = static_cast<uint8_t>(r.Read(3));
  if (h.source_format == 0) return std::nullopt;  // forbidden
  if (h.source_format != 7) {
    h.intra = r.Read(1) == 0;
    h.unrestricted_motion_vectors = r.Read(1) != 0;
    h.syntax_based_arithmetic = r.Read(1) != 0;
    h.advanced_prediction = r.Read(1) != 0;
    h.pb_frames = r.Read(1) != 0;
    SizeOf(h.source_format, &h);
  } else {
    // PLUSPTYPE (H.263 v2 §5.1.4): UFEP, then OPPTYPE when it is updated, then MPPTYPE.
    const uint32_t ufep = r.Read(3);
    if (ufep == 1) {
      const uint8_t format = static_cast<uint8_t>(r.Read(3));
      if (format == 0 || format == 7) return std::nullopt;
      SizeOf(format, &h);
      r.Read(1);  // custom PCF
      h.unrestricted_motion_vectors = r.Read(1) != 0;
      h.syntax_based_arithmetic = r.Read(1) != 0;
      h.advanced_prediction = r.Read(1) != 0;
      r.Read(11);  // the other optional modes, then "1000"
    } else if (ufep != 0) {
      return std::nullopt;
    }
    const uint32_t picture_type = r.Read(3);
    h.intra = picture_type == 0;  // 000 I-picture (also EI, 100, for scalability)
    if (picture_type == 4) h.intra = true;
    h.pb_frames = picture_type == 2;
  }
  if (r.overrun()) return std::nullopt;
  return h;
}

}  // namespace tessera::codecs::payload

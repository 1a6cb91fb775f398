#include "tessera/codecs/codec_types.h"

namespace tessera::codecs {

std::string_view CodecName(CodecId id) {
  switch (id) {
    case CodecId::kH264:
      return "H264";
    case CodecId::kH263:
      return "H263";
    case CodecId::kH263Plus:
      return "H263-1998";
    case CodecId::kH261:
      return "H261";
    case CodecId::kVp8:
      return "VP8";
    case CodecId::kOpus:
      return "opus";
    case CodecId::kPcmu:
      return "PCMU";
    case CodecId::kPcma:
      return "PCMA";
    case CodecId::kG722:
      return "G722";
    case CodecId::kTelephoneEvent:
      return "telephone-event";
  }
  return "unknown";
}

bool IsVideo(CodecId id) {
  switch (id) {
    case CodecId::kH264:
    case CodecId::kH263:
    case CodecId::kH263Plus:
    case CodecId::kH261:
    case CodecId::kVp8:
      return true;
    default:
      return false;
  }
}

}  // namespace tessera::codecs

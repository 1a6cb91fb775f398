#include "tessera/codecs/codec_error.h"

namespace tessera::codecs {

std::string_view CodecErrorCodeName(CodecErrorCode code) {
  switch (code) {
    case CodecErrorCode::kInvalidArgument:
      return "invalid argument";
    case CodecErrorCode::kUnsupported:
      return "unsupported";
    case CodecErrorCode::kCorruptData:
      return "corrupt data";
    case CodecErrorCode::kNeedsKeyframe:
      return "needs keyframe";
    case CodecErrorCode::kResourceExhausted:
      return "resource exhausted";
    case CodecErrorCode::kLibraryError:
      return "library error";
  }
  return "unknown";
}

}  // namespace tessera::codecs

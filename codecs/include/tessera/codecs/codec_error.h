#pragma once
// Errors of the codec layer. Every decoder, encoder and resampler reports failures as a
// CodecError inside a Result (style.md practice 7); no library error code (AVERROR,
// OpenH264 DECODING_STATE, x264 return value, OPUS_*) crosses the codecs/ boundary.
//
// The detail is a static string (no allocation on the media path); the code is what callers
// act on: kCorruptData and kNeedsKeyframe from a decoder mean "drop, keep showing the last
// good picture, send PLI/FIR"; kInvalidArgument means the caller broke a documented limit.

#include <cstdint>
#include <string_view>

namespace tessera::codecs {

enum class CodecErrorCode : uint8_t {
  kInvalidArgument,    // a configuration or an input outside the documented limits
  kUnsupported,        // codec, profile or feature not available with this implementation
  kCorruptData,        // the bitstream is broken or truncated; a keyframe is needed
  kNeedsKeyframe,      // delta data without the reference it needs (start, loss); dropped
  kResourceExhausted,  // picture larger than the configured maximum, or out of memory
  kLibraryError,       // the codec library failed for another reason
};

struct CodecError {
  CodecErrorCode code = CodecErrorCode::kLibraryError;
  const char* detail = "";  // static string, never null
};

std::string_view CodecErrorCodeName(CodecErrorCode code);

}  // namespace tessera::codecs

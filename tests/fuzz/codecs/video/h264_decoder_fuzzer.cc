// Fuzz target for the FFmpeg's H.264 decoder wrapper (see video_decoder_fuzz.h for the input format and
// the invariants). One decoder lives across inputs, as it does across a stream.
#include "video_decoder_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera::codecs;
  static std::unique_ptr<VideoDecoder> decoder =
      fuzz::MakeFuzzDecoder(CodecId::kH264, VideoDecoderImplementation::kFfmpeg);
  fuzz::FuzzVideoDecoder(*decoder, data, size);
  return 0;
}

// Fuzz target for the OpenH264's decoder wrapper (see video_decoder_fuzz.h for the input format and
// the invariants). One decoder lives across inputs, as it does across a stream.
#include "video_decoder_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera::codecs;
  static std::unique_ptr<VideoDecoder> decoder =
      fuzz::MakeFuzzDecoder(CodecId::kH264, VideoDecoderImplementation::kOpenH264);
  fuzz::FuzzVideoDecoder(*decoder, data, size);
  return 0;
}

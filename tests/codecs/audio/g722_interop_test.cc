// Our G.722 (libavcodec) and spandsp's decode each other's streams: both follow the ITU-T
// G.722 algorithm, so a payload decodes to the same tone whichever side made it.
#include <gtest/gtest.h>

extern "C" {
#include <spandsp.h>
}

#include <vector>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"
#include "tessera/codecs_testing/audio_analysis.h"

namespace tessera::codecs {
namespace {

using codecs_testing::Align;
using codecs_testing::Sine;
using codecs_testing::ToneFrequency;

TEST(G722Interop, SpandspDecodesOurStreamAndWeDecodeSpandsps) {
  const std::vector<int16_t> input = Sine(700, 16000, 16000, 12000.0);
  auto encoder = CreateAudioEncoder({.codec = CodecId::kG722});
  auto decoder = CreateAudioDecoder({.codec = CodecId::kG722});
  ASSERT_TRUE(encoder && decoder);
  g722_encode_state_t* spandsp_encoder = g722_encode_init(nullptr, 64000, 0);
  g722_decode_state_t* spandsp_decoder = g722_decode_init(nullptr, 64000, 0);

  std::vector<int16_t> ours_by_spandsp, spandsps_by_us;
  std::vector<uint8_t> payload(kMaxAudioPayloadBytes);
  std::vector<int16_t> pcm(kMaxAudioFrameSamples);
  for (size_t pos = 0; pos + 320 <= input.size(); pos += 320) {
    const int16_t* frame = input.data() + pos;
    auto n = (*encoder)->Encode(std::span<const int16_t>(frame, 320), payload);
    ASSERT_TRUE(n);
    ASSERT_EQ(*n, 160u);
    const int decoded = g722_decode(spandsp_decoder, pcm.data(), payload.data(), 160);
    ASSERT_EQ(decoded, 320);
    ours_by_spandsp.insert(ours_by_spandsp.end(), pcm.begin(), pcm.begin() + decoded);

    uint8_t theirs[160];
    ASSERT_EQ(g722_encode(spandsp_encoder, theirs, frame, 320), 160);
    auto m = (*decoder)->Decode(std::span<const uint8_t>(theirs, 160), pcm);
    ASSERT_TRUE(m);
    ASSERT_EQ(*m, 320u);
    spandsps_by_us.insert(spandsps_by_us.end(), pcm.begin(), pcm.begin() + 320);
  }
  g722_encode_free(spandsp_encoder);
  g722_decode_free(spandsp_decoder);
  for (const auto* out : {&ours_by_spandsp, &spandsps_by_us}) {
    EXPECT_NEAR(ToneFrequency(std::span<const int16_t>(*out).subspan(1600, 8000), 16000), 700, 3.5);
    EXPECT_GE(Align(input, *out, 1600, 8000, 100).snr_db, 20.0);
  }
}

}  // namespace
}  // namespace tessera::codecs

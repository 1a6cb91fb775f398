// Streams produced by ffmpeg, baresip and linphone (tests/data/codecs/README.md says how
// each was captured) go through our decoders: every picture decodes cleanly at the
// sender's size from the first keyframe on; every audio packet decodes to the tone the
// peer played.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/video/video_decoder.h"
#include "tessera/codecs_testing/access_unit_file.h"
#include "tessera/codecs_testing/audio_analysis.h"

namespace tessera::codecs {
namespace {

using codecs_testing::AccessUnit;
using codecs_testing::CodecFixture;
using codecs_testing::ReadAccessUnitFile;

struct VideoFixture {
  std::string file;
  CodecId codec;
  VideoDecoderImplementation decoder;
  int width;
  int height;
  int reorder_delay;  // pictures held back by B-frames (ffmpeg's defaults)
};

std::ostream& operator<<(std::ostream& os, const VideoFixture& f) {
  return os << f.file;
}

class PeerVideoTest : public ::testing::TestWithParam<VideoFixture> {};

TEST_P(PeerVideoTest, EveryPictureDecodesCleanlyAtTheSendersSize) {
  const VideoFixture& f = GetParam();
  const std::vector<AccessUnit> units = ReadAccessUnitFile(CodecFixture(f.file));
  ASSERT_GE(units.size(), 4u) << "fixture missing or short: " << CodecFixture(f.file);
  auto decoder = CreateVideoDecoder({.codec = f.codec, .implementation = f.decoder});
  ASSERT_TRUE(decoder);
  int frames = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    auto r = (*decoder)->Decode(units[i].data, units[i].rtp_timestamp);
    ASSERT_TRUE(r) << "unit " << i << ": " << CodecErrorCodeName(r.error().code) << ", " << r.error().detail;
    if (!r->has_value()) continue;
    const DecodedVideoFrame& frame = **r;
    EXPECT_TRUE(frame.intact) << "unit " << i;
    EXPECT_EQ(frame.picture.width, f.width) << "unit " << i;
    EXPECT_EQ(frame.picture.height, f.height) << "unit " << i;
    if (frames == 0 && f.codec != CodecId::kH261) {
      EXPECT_TRUE(frame.keyframe);
    }
    ++frames;
  }
  EXPECT_GE(frames, static_cast<int>(units.size()) - f.reorder_delay);
  EXPECT_FALSE((*decoder)->NeedsKeyframe());
  EXPECT_EQ((*decoder)->stats().corrupt, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, PeerVideoTest,
    ::testing::Values(
        VideoFixture{"ffmpeg_h264_high_320x180.aus", CodecId::kH264, VideoDecoderImplementation::kFfmpeg, 320, 180, 2},
        VideoFixture{"ffmpeg_h264_baseline_320x180.aus", CodecId::kH264, VideoDecoderImplementation::kFfmpeg, 320, 180,
                     0},
        VideoFixture{"ffmpeg_h264_baseline_320x180.aus", CodecId::kH264, VideoDecoderImplementation::kOpenH264, 320,
                     180, 0},
        VideoFixture{"ffmpeg_h263_qcif.aus", CodecId::kH263, VideoDecoderImplementation::kFfmpeg, 176, 144, 0},
        VideoFixture{"ffmpeg_h263p_320x240.aus", CodecId::kH263Plus, VideoDecoderImplementation::kFfmpeg, 320, 240, 0},
        VideoFixture{"ffmpeg_h261_qcif.aus", CodecId::kH261, VideoDecoderImplementation::kFfmpeg, 176, 144, 0},
        VideoFixture{"ffmpeg_vp8_320x180.aus", CodecId::kVp8, VideoDecoderImplementation::kFfmpeg, 320, 180, 0},
        VideoFixture{"baresip_h264_320x180.aus", CodecId::kH264, VideoDecoderImplementation::kFfmpeg, 320, 180, 0},
        VideoFixture{"baresip_h264_320x180.aus", CodecId::kH264, VideoDecoderImplementation::kOpenH264, 320, 180, 0},
        VideoFixture{"baresip_vp8_320x180.aus", CodecId::kVp8, VideoDecoderImplementation::kFfmpeg, 320, 180, 0},
        VideoFixture{"baresip_h263_qcif.aus", CodecId::kH263, VideoDecoderImplementation::kFfmpeg, 176, 144, 0},
        VideoFixture{"linphone_h264_320x240.aus", CodecId::kH264, VideoDecoderImplementation::kFfmpeg, 320, 240, 0},
        VideoFixture{"linphone_h264_320x240.aus", CodecId::kH264, VideoDecoderImplementation::kOpenH264, 320, 240, 0},
        VideoFixture{"linphone_vp8_320x240.aus", CodecId::kVp8, VideoDecoderImplementation::kFfmpeg, 320, 240, 0}),
    [](const ::testing::TestParamInfo<VideoFixture>& param) {
      std::string name = param.param.file.substr(0, param.param.file.find('.'));
      if (param.param.decoder == VideoDecoderImplementation::kOpenH264) name += "_by_openh264";
      return name;
    });

struct AudioFixture {
  std::string file;
  CodecId codec;
  double tone_hz;
};

std::ostream& operator<<(std::ostream& os, const AudioFixture& f) {
  return os << f.file;
}

class PeerAudioTest : public ::testing::TestWithParam<AudioFixture> {};

TEST_P(PeerAudioTest, EveryPacketDecodesToTheTonePlayed) {
  const AudioFixture& f = GetParam();
  const std::vector<AccessUnit> packets = ReadAccessUnitFile(CodecFixture(f.file));
  ASSERT_GE(packets.size(), 40u) << "fixture missing or short: " << CodecFixture(f.file);
  auto decoder = CreateAudioDecoder({.codec = f.codec});
  ASSERT_TRUE(decoder);
  std::vector<int16_t> pcm, frame(kMaxAudioFrameSamples);
  for (size_t i = 0; i < packets.size(); ++i) {
    auto n = (*decoder)->Decode(packets[i].data, frame);
    ASSERT_TRUE(n) << "packet " << i << ": " << n.error().detail;
    EXPECT_EQ(*n, static_cast<size_t>((*decoder)->sample_rate() / 50)) << "packet " << i << " is not 20 ms";
    pcm.insert(pcm.end(), frame.begin(), frame.begin() + static_cast<ptrdiff_t>(*n));
  }
  const int rate = (*decoder)->sample_rate();
  // Skip the first 200 ms (codec and sender start-up).
  const auto steady = std::span<const int16_t>(pcm).subspan(static_cast<size_t>(rate / 5));
  EXPECT_NEAR(codecs_testing::ToneFrequency(steady, rate), f.tone_hz, f.tone_hz * 0.01);
  EXPECT_GT(codecs_testing::RmsLevel(steady), 1000.0);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PeerAudioTest,
                         ::testing::Values(AudioFixture{"ffmpeg_opus_440hz.aus", CodecId::kOpus, 440},
                                           AudioFixture{"ffmpeg_g722_440hz.aus", CodecId::kG722, 440},
                                           AudioFixture{"ffmpeg_pcmu_440hz.aus", CodecId::kPcmu, 440},
                                           AudioFixture{"ffmpeg_pcma_440hz.aus", CodecId::kPcma, 440},
                                           AudioFixture{"baresip_opus_440hz.aus", CodecId::kOpus, 440},
                                           AudioFixture{"baresip_g722_440hz.aus", CodecId::kG722, 440},
                                           AudioFixture{"baresip_pcmu_440hz.aus", CodecId::kPcmu, 440},
                                           AudioFixture{"linphone_opus_440hz.aus", CodecId::kOpus, 440}),
                         [](const ::testing::TestParamInfo<AudioFixture>& param) {
                           return param.param.file.substr(0, param.param.file.find('.'));
                         });

}  // namespace
}  // namespace tessera::codecs

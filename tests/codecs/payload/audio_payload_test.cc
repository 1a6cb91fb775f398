#include "tessera/codecs/payload/audio_payload.h"

#include <gtest/gtest.h>

#include <vector>

#include "tessera/testing/rtp_fixtures.h"

namespace tessera::codecs::payload {
namespace {

using Bytes = std::vector<uint8_t>;

// Every consecutive pair of packets: the timestamp advances by what the payload covers.
void ExpectDurationsMatchTimestamps(std::string_view file, uint8_t pt, CodecId codec, uint32_t expected) {
  auto packets = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture(file), pt);
  ASSERT_GE(packets.size(), 3u) << file;
  for (size_t i = 0; i + 1 < packets.size(); ++i) {
    const auto d = RtpDurationOf(codec, packets[i].payload);
    ASSERT_TRUE(d) << file << " " << i;
    EXPECT_EQ(*d, expected) << file << " " << i;
    EXPECT_EQ(packets[i + 1].timestamp - packets[i].timestamp, *d) << file << " " << i;
  }
}

TEST(AudioPayload, OpusPacketsFromFfmpegCoverTheirTimestampSteps) {
  ExpectDurationsMatchTimestamps("ffmpeg_opus.pcap", 111, CodecId::kOpus, 960);
}

TEST(AudioPayload, OpusPacketsFromBaresipCoverTheirTimestampSteps) {
  ExpectDurationsMatchTimestamps("baresip_opus.pcap", 96, CodecId::kOpus, 960);
}

TEST(AudioPayload, PcmuPacketsFromFfmpegCoverOneTickPerByte) {
  ExpectDurationsMatchTimestamps("ffmpeg_pcmu.pcap", 0, CodecId::kPcmu, 160);
}

TEST(AudioPayload, G722PacketsAdvanceAnEightKilohertzClockForSixteenKilohertzAudio) {
  ExpectDurationsMatchTimestamps("ffmpeg_g722.pcap", 9, CodecId::kG722, 160);
  const auto f = AudioFormatOf(CodecId::kG722);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rtp_clock_rate, 8000u);
  EXPECT_EQ(f->sample_rate, 16000u);
  EXPECT_EQ(f->static_payload_type, 9);
}

TEST(AudioPayload, PcmaFromTheSippCaptureUsesThirtyMillisecondPackets) {
  ExpectDurationsMatchTimestamps("sipp_g711a.pcap", 8, CodecId::kPcma, 240);
}

TEST(AudioPayload, OpusTocCoversEveryConfigurationAndFrameCount) {
  EXPECT_EQ(OpusPacketSamples(Bytes{0x08}), 960u);         // SILK 20 ms, one frame
  EXPECT_EQ(OpusPacketSamples(Bytes{0x18}), 2880u);        // SILK 60 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{0x60}), 480u);         // hybrid 10 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{0x80}), 120u);         // CELT 2.5 ms
  EXPECT_EQ(OpusPacketSamples(Bytes{0xF9, 0x00}), 1920u);  // CELT 20 ms, two frames (code 1)
  EXPECT_EQ(OpusPacketSamples(Bytes{0xFB, 0x03}), 2880u);  // code 3, three frames
  EXPECT_FALSE(OpusPacketSamples(Bytes{0xFB}));            // code 3 without its count
  EXPECT_FALSE(OpusPacketSamples(Bytes{0xFB, 0x00}));      // zero frames
  EXPECT_FALSE(OpusPacketSamples(Bytes{0x1B, 0x03}));      // 3 x 60 ms > 120 ms
  EXPECT_FALSE(OpusPacketSamples(Bytes{}));
}

TEST(AudioPayload, VideoCodecsHaveNoAudioFormat) {
  EXPECT_FALSE(AudioFormatOf(CodecId::kH264));
  EXPECT_FALSE(RtpDurationOf(CodecId::kVp8, Bytes{1, 2}));
}

}  // namespace
}  // namespace tessera::codecs::payload

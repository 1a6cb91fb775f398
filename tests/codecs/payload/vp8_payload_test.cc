#include "tessera/codecs/payload/vp8_payload.h"

#include <gtest/gtest.h>

#include <vector>

#include "ffmpeg_decoder.h"
#include "tessera/codecs/payload/payload_inspector.h"
#include "tessera/testing/rtp_fixtures.h"

namespace tessera::codecs::payload {
namespace {

using Bytes = std::vector<uint8_t>;

std::vector<std::span<const uint8_t>> Views(const std::vector<Bytes>& payloads) {
  return {payloads.begin(), payloads.end()};
}

std::vector<Bytes> FixtureFrames(int* keyframes, const char* file = "ffmpeg_vp8.pcap", uint8_t pt = 100,
                                 int width = 256, int height = 144) {
  auto packets = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture(file), pt);
  EXPECT_GT(packets.size(), 8u);
  std::vector<Bytes> frames;
  for (const auto& payloads : tessera::testing::FramesOf(packets)) {
    Bytes out(1 << 20);
    auto r = DepacketizeVp8(Views(payloads), out);
    EXPECT_TRUE(r) << DepacketizeErrorName(r.error());
    if (!r) continue;
    out.resize(r->size);
    if (r->keyframe) {
      ++*keyframes;
      EXPECT_EQ(r->width, width);
      EXPECT_EQ(r->height, height);
    }
    frames.push_back(out);
  }
  return frames;
}

TEST(Vp8Payload, RebuildsFfmpegFramesThatFfmpegDecodes) {
  int keyframes = 0;
  auto frames = FixtureFrames(&keyframes);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_EQ(keyframes, 1);
  auto report = testing::DecodeWithFfmpeg("vp8", frames);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->errors, 0) << report->first_error;
  EXPECT_EQ(report->frames_decoded, static_cast<int>(frames.size()));
  EXPECT_EQ(report->width, 256);
}

TEST(Vp8Payload, RebuildsLinphoneFramesThatFfmpegDecodes) {
  // linphone 5.1 (libvpx through mediastreamer2), its first video choice, from a still.
  int keyframes = 0;
  auto frames = FixtureFrames(&keyframes, "linphone_vp8.pcap", 96, 320, 240);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_EQ(keyframes, 1);
  auto report = testing::DecodeWithFfmpeg("vp8", frames);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->errors, 0) << report->first_error;
  EXPECT_EQ(report->frames_decoded, static_cast<int>(frames.size()));
  EXPECT_EQ(report->width, 320);
}

TEST(Vp8Payload, ParsesEveryDescriptorExtension) {
  // X, N, S, PID 2; I (15-bit 0x1234), L (TL0PICIDX 9), T and K (TID 2, Y, KEYIDX 5).
  const Bytes p = {0xB2, 0xF0, 0x92, 0x34, 0x09, 0xA5, 0xEE};
  auto d = ParseVp8Descriptor(p);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->non_reference);
  EXPECT_TRUE(d->start_of_partition);
  EXPECT_EQ(d->partition_index, 2);
  EXPECT_EQ(d->picture_id, 0x1234);
  EXPECT_EQ(d->tl0_pic_idx, 9);
  EXPECT_EQ(d->temporal_layer, 2);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_EQ(d->key_index, 5);
  EXPECT_EQ(d->size, 6u);
  EXPECT_FALSE(d->frame_start());
  // Truncated at every point.
  for (size_t n = 0; n < 6; ++n)
    EXPECT_FALSE(ParseVp8Descriptor(std::span(p).first(n))) << n;
  // Short PictureID.
  auto short_id = ParseVp8Descriptor(Bytes{0x90, 0x80, 0x05, 0x00});
  ASSERT_TRUE(short_id);
  EXPECT_EQ(short_id->picture_id, 5);
  EXPECT_EQ(short_id->size, 3u);
}

TEST(Vp8Payload, PacketizerRoundTripsAndAdvancesThePictureId) {
  int keyframes = 0;
  auto frames = FixtureFrames(&keyframes);
  Vp8Packetizer p({.max_payload_size = 500, .first_picture_id = 0x7FFF});
  for (size_t f = 0; f < frames.size(); ++f) {
    PayloadArena arena(256, 500);
    ASSERT_TRUE(p.Packetize(frames[f], arena));
    auto d = ParseVp8Descriptor(arena.payload(0));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->picture_id, static_cast<uint16_t>((0x7FFF + f) & 0x7FFF));
    EXPECT_TRUE(InspectVideoPayload(CodecId::kVp8, arena.payload(0)).frame_start);
    EXPECT_EQ(InspectVideoPayload(CodecId::kVp8, arena.payload(0)).keyframe, f == 0);
    for (size_t i = 1; i < arena.size(); ++i) {
      EXPECT_FALSE(InspectVideoPayload(CodecId::kVp8, arena.payload(i)).frame_start);
    }
    Bytes out(1 << 20);
    auto r = DepacketizeVp8(arena.payloads(), out);
    ASSERT_TRUE(r);
    out.resize(r->size);
    EXPECT_EQ(out, frames[f]);
  }
}

TEST(Vp8Payload, RefusesFramesWithoutAStartOrWithABrokenKeyFrameHeader) {
  Bytes out(64);
  auto r = DepacketizeVp8(Views({Bytes{0x00, 0x00, 0x00, 0x00}}), out);  // S = 0
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), DepacketizeError::kNoFrameStart);
  r = DepacketizeVp8(Views({Bytes{0x10, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33}}), out);  // key, no start code
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), DepacketizeError::kBadHeader);
  r = DepacketizeVp8(Views({Bytes{0x90}}), out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), DepacketizeError::kTruncated);
}

}  // namespace
}  // namespace tessera::codecs::payload

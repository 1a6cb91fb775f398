#include "tessera/codecs/payload/h263_payload.h"

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

using DepacketizeFn = Result<DepacketizedFrame, DepacketizeError> (*)(PayloadList, std::span<uint8_t>);

std::vector<Bytes> DepacketizeFixture(std::string_view file, uint8_t pt, DepacketizeFn fn, int* keyframes) {
  auto packets = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture(file), pt);
  EXPECT_GT(packets.size(), 8u);
  std::vector<Bytes> frames;
  for (const auto& payloads : tessera::testing::FramesOf(packets)) {
    Bytes out(1 << 20);
    auto r = fn(Views(payloads), out);
    EXPECT_TRUE(r) << DepacketizeErrorName(r.error());
    if (!r) continue;
    EXPECT_EQ(r->width, 176);
    EXPECT_EQ(r->height, 144);
    out.resize(r->size);
    if (r->keyframe) ++*keyframes;
    frames.push_back(out);
  }
  return frames;
}

TEST(H263Rfc4629, RebuildsFfmpegH263PlusStreamThatFfmpegDecodes) {
  int keyframes = 0;
  auto frames = DepacketizeFixture("ffmpeg_h263p.pcap", 98, DepacketizeH263Rfc4629, &keyframes);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_EQ(keyframes, 1);
  auto report = testing::DecodeWithFfmpeg("h263", frames);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->errors, 0) << report->first_error;
  EXPECT_EQ(report->frames_decoded, static_cast<int>(frames.size()));
  EXPECT_EQ(report->width, 176);
}

TEST(H263Rfc2190, RebuildsFfmpegModeAAndModeBStreamThatFfmpegDecodes) {
  // ffmpeg (h263 encoder with -ps 1000) sends mode A packets at GOB starts and mode B ones
  // where a GOB had to be split. (With -mb_info instead, ffmpeg 5.1 writes some mode B
  // headers as all ones: that capture is a fuzz seed, not a golden stream.)
  auto packets = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture("ffmpeg_h263_rfc2190.pcap"), 34);
  int mode_b = 0;
  for (const auto& p : packets)
    mode_b += H263Rfc2190HeaderSize(p.payload) == 8;
  EXPECT_GT(mode_b, 0);
  int keyframes = 0;
  auto frames = DepacketizeFixture("ffmpeg_h263_rfc2190.pcap", 34, DepacketizeH263Rfc2190, &keyframes);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_EQ(keyframes, 1);
  auto report = testing::DecodeWithFfmpeg("h263", frames);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->errors, 0) << report->first_error;
  EXPECT_EQ(report->frames_decoded, static_cast<int>(frames.size()));
}

TEST(H263Rfc2190, MergesTheBitsSharedAcrossPacketBoundaries) {
  // Picture bytes A5 C3 3C split after 12 bits: packet 1 ends with EBIT 4, packet 2 starts
  // with SBIT 4 and repeats the shared byte with its other half valid.
  const Bytes p1 = {0x04, 0x40, 0x00, 0x00, 0xA5, 0xC7};              // mode A, EBIT 4; C7: low 4 bits junk
  const Bytes p2 = {0xA0, 0x40, 0x00, 0x00, 0, 0, 0, 0, 0x93, 0x3C};  // mode B, SBIT 4; 93: high 4 bits junk
  Bytes out(16);
  auto r = DepacketizeH263Rfc2190(Views({p1, p2}), out);
  ASSERT_TRUE(r);
  out.resize(r->size);
  EXPECT_EQ(out, (Bytes{0xA5, 0xC3, 0x3C}));
}

TEST(H263Rfc2190, RefusesFramesThatDoNotStartAtAPictureBoundary) {
  const Bytes mode_b = {0x80, 0x40, 0, 0, 0, 0, 0, 0, 0x11};
  Bytes out(16);
  auto r = DepacketizeH263Rfc2190(Views({mode_b}), out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), DepacketizeError::kNoFrameStart);
  const Bytes truncated = {0xC0, 0, 0};  // mode C needs 12 bytes
  r = DepacketizeH263Rfc2190(Views({truncated}), out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), DepacketizeError::kTruncated);
}

TEST(H263Rfc4629, RefusesTruncatedHeadersAndFramesWithoutAPictureStart) {
  Bytes out(16);
  auto r = DepacketizeH263Rfc4629(Views({Bytes{0x04}}), out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), DepacketizeError::kTruncated);
  r = DepacketizeH263Rfc4629(Views({Bytes{0x04, 0x18, 1, 2}}), out);  // PLEN 3 > 2 bytes left
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), DepacketizeError::kTruncated);
  r = DepacketizeH263Rfc4629(Views({Bytes{0x00, 0x00, 0x80, 0x02}}), out);  // P = 0
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), DepacketizeError::kNoFrameStart);
}

class H263PacketizerTest : public ::testing::TestWithParam<H263PayloadFormat> {};

TEST_P(H263PacketizerTest, RoundTripsFfmpegPicturesAtSeveralPayloadSizes) {
  // H.263+ pictures (PLUSPTYPE) for RFC 4629; plain H.263 ones for RFC 2190, which cannot
  // describe PLUSPTYPE.
  int keyframes = 0;
  auto pictures = GetParam() == H263PayloadFormat::kRfc4629
                      ? DepacketizeFixture("ffmpeg_h263p.pcap", 98, DepacketizeH263Rfc4629, &keyframes)
                      : DepacketizeFixture("ffmpeg_h263_rfc2190.pcap", 34, DepacketizeH263Rfc2190, &keyframes);
  ASSERT_FALSE(pictures.empty());
  const auto depacketize = GetParam() == H263PayloadFormat::kRfc4629 ? DepacketizeH263Rfc4629 : DepacketizeH263Rfc2190;
  for (size_t mtu : {1400u, 600u, 100u}) {
    H263Packetizer p({.max_payload_size = mtu, .format = GetParam()});
    for (const auto& picture : pictures) {
      PayloadArena arena(512, mtu);
      auto n = p.Packetize(picture, arena);
      ASSERT_TRUE(n) << PacketizeErrorName(n.error());
      for (size_t i = 0; i < arena.size(); ++i) {
        EXPECT_LE(arena.payload(i).size(), mtu);
        EXPECT_EQ(arena.marker(i), i + 1 == arena.size());
      }
      const auto first = InspectVideoPayload(
          GetParam() == H263PayloadFormat::kRfc4629 ? CodecId::kH263Plus : CodecId::kH263, arena.payload(0));
      EXPECT_TRUE(first.frame_start);
      Bytes out(1 << 20);
      auto r = depacketize(arena.payloads(), out);
      ASSERT_TRUE(r) << DepacketizeErrorName(r.error());
      out.resize(r->size);
      EXPECT_EQ(out, picture) << mtu;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BothFormats, H263PacketizerTest,
                         ::testing::Values(H263PayloadFormat::kRfc4629, H263PayloadFormat::kRfc2190));

TEST(H263Packetizer, PacksWholeGobsAndCountsOversizedOnes) {
  // A CIF-like picture: PSC + 3 GOBs of 300 bytes each (byte-aligned GBSCs).
  Bytes picture = {0x00, 0x00, 0x80, 0x02, 0x0C};  // PSC, TR, PTYPE (QCIF, intra)
  for (int gob = 1; gob <= 3; ++gob) {
    if (gob > 1) picture.insert(picture.end(), {0x00, 0x00, static_cast<uint8_t>(0x80 | (gob << 2))});
    for (int i = 0; i < 300; ++i)
      picture.push_back(0x55);
  }
  H263Packetizer big({.max_payload_size = 700});
  PayloadArena arena(16, 700);
  ASSERT_TRUE(big.Packetize(picture, arena));
  EXPECT_EQ(arena.size(), 2u);  // GOBs 1+2 in one packet, GOB 3 in the next
  EXPECT_EQ(big.stats().oversized_gobs, 0u);

  H263Packetizer small({.max_payload_size = 200});
  PayloadArena arena2(16, 200);
  ASSERT_TRUE(small.Packetize(picture, arena2));
  EXPECT_EQ(small.stats().oversized_gobs, 3u);
  Bytes out(4096);
  auto r = DepacketizeH263Rfc4629(arena2.payloads(), out);
  ASSERT_TRUE(r);
  out.resize(r->size);
  EXPECT_EQ(out, picture);
}

TEST(H263Packetizer, RefusesWhatIsNotAPictureAndPlusTypeInRfc2190) {
  H263Packetizer p;
  PayloadArena arena(4, 1200);
  auto r = p.Packetize(Bytes{1, 2, 3, 4, 5, 6}, arena);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), PacketizeError::kMalformed);
  // PTYPE with source format 7 (PLUSPTYPE) cannot be described by RFC 2190.
  const Bytes plus = {0x00, 0x00, 0x80, 0x02, 0x1C, 0x20, 0x00, 0x00};
  H263Packetizer p2190({.format = H263PayloadFormat::kRfc2190});
  r = p2190.Packetize(plus, arena);
  ASSERT_FALSE(r);
}

TEST(H263PictureHeader, ReadsSourceFormatAndPictureType) {
  // PSC, TR = 5, PTYPE: 1 0 0 0 0 | 011 (CIF) | 1 (inter) 0 0 0 0.
  const Bytes cif_p = {0x00, 0x00, 0x80, 0x16, 0x0E, 0x00};
  auto h = ParseH263PictureHeader(cif_p);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->temporal_reference, 5);
  EXPECT_EQ(h->source_format, 3);
  EXPECT_EQ(h->width, 352);
  EXPECT_EQ(h->height, 288);
  EXPECT_FALSE(h->intra);
  EXPECT_FALSE(ParseH263PictureHeader(Bytes{0x00, 0x00, 0x81}));
  EXPECT_FALSE(ParseH263PictureHeader(Bytes{0x00, 0x01, 0x80, 0x16, 0x0E, 0x00}));
}

}  // namespace
}  // namespace tessera::codecs::payload

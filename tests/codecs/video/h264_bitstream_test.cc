// The header readers against hand-made bytes (every branch of the length checks) and
// against what the real encoders write.
#include "tessera/codecs/video/h264_bitstream.h"

#include <gtest/gtest.h>

#include <vector>

#include "tessera/codecs/video/h261_bitstream.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs/video/vp8_bitstream.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace tessera::codecs {
namespace {

using Bytes = std::vector<uint8_t>;

std::vector<Bytes> Nals(const Bytes& stream) {
  std::vector<Bytes> out;
  h264::AnnexBReader reader(stream);
  while (auto nal = reader.Next())
    out.emplace_back(nal->begin(), nal->end());
  return out;
}

TEST(AnnexBReader, SplitsOnThreeAndFourByteStartCodes) {
  const Bytes stream = {0x00, 0x00, 0x00, 0x01, 0x67, 0xaa, 0x00, 0x00, 0x01, 0x68,
                        0xbb, 0xcc, 0x00, 0x00, 0x00, 0x01, 0x65, 0x01, 0x02, 0x00};
  const auto nals = Nals(stream);
  ASSERT_EQ(nals.size(), 3u);
  EXPECT_EQ(nals[0], (Bytes{0x67, 0xaa}));
  EXPECT_EQ(nals[1], (Bytes{0x68, 0xbb, 0xcc}));
  EXPECT_EQ(nals[2], (Bytes{0x65, 0x01, 0x02}));  // trailing zero belongs to no NAL unit
}

TEST(AnnexBReader, SkipsLeadingBytesAndEmptyUnits) {
  const Bytes stream = {0x12, 0x34, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x09, 0xf0};
  const auto nals = Nals(stream);
  ASSERT_EQ(nals.size(), 1u);
  EXPECT_EQ(nals[0], (Bytes{0x09, 0xf0}));
}

TEST(AnnexBReader, FindsNothingWithoutAStartCode) {
  EXPECT_TRUE(Nals({}).empty());
  EXPECT_TRUE(Nals({0x00, 0x00}).empty());
  EXPECT_TRUE(Nals({0x00, 0x00, 0x02, 0x65, 0x00, 0x01}).empty());
}

TEST(AnnexBReader, KeepsEmulationPreventionBytesInsideUnits) {
  const Bytes stream = {0x00, 0x00, 0x01, 0x65, 0x00, 0x00, 0x03, 0x01, 0x7f};
  const auto nals = Nals(stream);
  ASSERT_EQ(nals.size(), 1u);
  EXPECT_EQ(nals[0].size(), 6u);
}

TEST(ScanAccessUnit, ReportsUnitTypesAndTheLargest) {
  const Bytes stream = {0, 0, 0, 1, 0x67, 1, 2, 3, 0, 0, 1, 0x68, 4, 0, 0, 1, 0x65, 9, 9, 9, 9, 9};
  const auto info = h264::ScanAccessUnit(stream);
  EXPECT_EQ(info.nal_units, 3);
  EXPECT_TRUE(info.has_sps);
  EXPECT_TRUE(info.has_pps);
  EXPECT_TRUE(info.has_idr);
  EXPECT_TRUE(info.has_slice);
  EXPECT_EQ(info.largest_nal_bytes, 6u);
  const auto prefix = h264::ScanAccessUnitPrefix(stream);
  EXPECT_EQ(prefix.first_slice_type, h264::kNalIdr);
  EXPECT_EQ(prefix.sps_count, 1);
  EXPECT_TRUE(prefix.has_pps);
  EXPECT_EQ(prefix.recovery_frame_cnt, -1);
}

// SPS of a 1920x1080 High 4.0 stream as x264 writes it (cropped from 1088).
Bytes EncodeSps(int width, int height, H264Profile profile) {
  VideoEncoderConfig config{.codec = CodecId::kH264, .width = width, .height = height};
  config.bitrate_bps = 1'000'000;
  config.h264_profile = profile;
  config.speed = EncoderSpeed::kVeryfast;
  auto encoder = CreateVideoEncoder(config);
  EXPECT_TRUE(encoder);
  if (!encoder) return {};
  I420Buffer picture(width, height);
  codecs_testing::SyntheticVideo(width, height).Render(0, picture.view());
  auto au = (*encoder)->Encode(picture.const_view(), 0);
  EXPECT_TRUE(au);
  const auto prefix = h264::ScanAccessUnitPrefix(au->data);
  EXPECT_EQ(prefix.sps_count, 1);
  return Bytes(prefix.sps[0].begin(), prefix.sps[0].end());
}

TEST(ParseSps, ReadsSizeProfileAndLevelOfX264Streams) {
  struct Case {
    int width, height;
    H264Profile profile;
    uint8_t profile_idc;
  };
  for (const Case& c :
       {Case{1920, 1080, H264Profile::kHigh, 100}, Case{1280, 720, H264Profile::kMain, 77},
        Case{642, 362, H264Profile::kConstrainedBaseline, 66}, Case{176, 144, H264Profile::kHigh, 100}}) {
    const Bytes nal = EncodeSps(c.width, c.height, c.profile);
    const auto sps = h264::ParseSps(nal);
    ASSERT_TRUE(sps) << c.width << "x" << c.height;
    EXPECT_EQ(sps->width, c.width);
    EXPECT_EQ(sps->height, c.height);
    EXPECT_EQ(sps->profile_idc, c.profile_idc);
    EXPECT_EQ(sps->chroma_format_idc, 1);
    EXPECT_EQ(sps->bit_depth_luma, 8);
    EXPECT_TRUE(sps->frame_mbs_only);
    EXPECT_EQ(sps->width_mbs, (c.width + 15) / 16);
  }
}

TEST(ParseSps, RefusesEveryTruncation) {
  const Bytes nal = EncodeSps(1280, 720, H264Profile::kHigh);
  ASSERT_TRUE(h264::ParseSps(nal));
  // The fields end at frame_cropping; cutting anywhere before them must fail cleanly.
  int refused = 0;
  for (size_t n = 0; n < nal.size(); ++n)
    refused += !h264::ParseSps(std::span<const uint8_t>(nal.data(), n)).has_value();
  EXPECT_GE(refused, 6);
  EXPECT_FALSE(h264::ParseSps(Bytes{0x68, 0x42, 0x00, 0x1f}));  // a PPS header
}

TEST(ParseSps, RefusesOutOfRangeFields) {
  // profile 66, level 31, sps id ue(v) = 32 (000001 00001): beyond 31.
  EXPECT_FALSE(h264::ParseSps(Bytes{0x67, 0x42, 0xc0, 0x1f, 0x04, 0x20, 0xff, 0xff}));
  // sps_id 0, log2_max_frame_num 0, poc_type 2, one reference, no gaps, then
  // pic_width_in_mbs_minus1, height 1 MB, frame_mbs_only, direct_8x8, no cropping.
  // 100 macroblocks (1600 samples) parse, and 1055 (the most any level allows, A.3.1);
  // 1056 are refused as hostile.
  const auto ok = h264::ParseSps(Bytes{0x67, 0x42, 0xc0, 0x1f, 0xda, 0x01, 0x93, 0x90});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->width, 1600);
  EXPECT_EQ(ok->height, 16);
  EXPECT_EQ(ok->log2_max_frame_num, 4);
  EXPECT_EQ(ok->pic_order_cnt_type, 2);
  EXPECT_FALSE(ok->separate_colour_plane_flag);
  const auto widest = h264::ParseSps(Bytes{0x67, 0x42, 0xc0, 0x1f, 0xda, 0x00, 0x10, 0x7f, 0x90});
  ASSERT_TRUE(widest);
  EXPECT_EQ(widest->width, 1055 * 16);
  EXPECT_FALSE(h264::ParseSps(Bytes{0x67, 0x42, 0xc0, 0x1f, 0xda, 0x00, 0x10, 0x83, 0x90}));
}

TEST(ParseRecoveryPointSei, ReadsTheCountOfX264IntraRefresh) {
  // payload type 6, size 2, recovery_frame_cnt = 29 (000011110), flags, trailing bits.
  const Bytes sei = {0x06, 0x06, 0x02, 0x0f, 0x10, 0x80};
  const auto count = h264::ParseRecoveryPointSei(sei);
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 29);
  // Behind a user data message of 3 bytes.
  const Bytes two = {0x06, 0x05, 0x03, 0xaa, 0xbb, 0xcc, 0x06, 0x02, 0x0f, 0x10, 0x80};
  EXPECT_EQ(h264::ParseRecoveryPointSei(two), 29);
  EXPECT_FALSE(h264::ParseRecoveryPointSei(Bytes{0x06, 0x05, 0x10, 0xaa}));  // size past the end
  EXPECT_FALSE(h264::ParseRecoveryPointSei(Bytes{0x06, 0x05, 0x01, 0xaa, 0x80}));
  EXPECT_FALSE(h264::ParseRecoveryPointSei(Bytes{0x67, 0x06, 0x02, 0x0f, 0x10, 0x80}));
}

TEST(Vp8FrameHeader, ReadsKeyFrameSizeAndChecksTheFirstPartition) {
  // Key frame, version 0, show, first partition 4 bytes; 9d 01 2a; 320 x 180.
  const uint32_t tag = (4u << 5) | (1u << 4);
  Bytes frame = {static_cast<uint8_t>(tag),
                 static_cast<uint8_t>(tag >> 8),
                 static_cast<uint8_t>(tag >> 16),
                 0x9d,
                 0x01,
                 0x2a,
                 0x40,
                 0x01,
                 0xb4,
                 0x00,
                 1,
                 2,
                 3,
                 4};
  auto h = vp8::ParseFrameHeader(frame);
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->keyframe);
  EXPECT_EQ(h->width, 320);
  EXPECT_EQ(h->height, 180);
  EXPECT_EQ(h->first_partition_size, 4u);
  frame.pop_back();  // first partition no longer complete
  EXPECT_FALSE(vp8::ParseFrameHeader(frame));
  frame.push_back(4);
  frame[3] = 0x9c;  // bad start code
  EXPECT_FALSE(vp8::ParseFrameHeader(frame));
  const Bytes inter = {0x01 | (2u << 5), 0, 0, 7, 7};
  h = vp8::ParseFrameHeader(inter);
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->keyframe);
  EXPECT_FALSE(vp8::ParseFrameHeader(Bytes{0x01, 0}));
  EXPECT_FALSE(vp8::ParseFrameHeader(Bytes{0x0f, 0, 0}));  // version 7
}

TEST(H261Picture, CountsGobsOfEncodedPicturesAndNoticesMissingOnes) {
  for (int cif = 0; cif < 2; ++cif) {
    const int w = cif ? 352 : 176, h = cif ? 288 : 144;
    VideoEncoderConfig config{.codec = CodecId::kH261, .width = w, .height = h};
    config.bitrate_bps = 256'000;
    auto encoder = CreateVideoEncoder(config);
    ASSERT_TRUE(encoder);
    I420Buffer picture(w, h);
    codecs_testing::SyntheticVideo(w, h).Render(0, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), 0);
    ASSERT_TRUE(au);
    const auto info = h261::ScanPicture(au->data);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->cif, cif == 1);
    EXPECT_EQ(info->gobs, cif ? 12 : 3);
    EXPECT_TRUE(info->complete);
    const auto cut = h261::ScanPicture(au->data.first(au->data.size() / 2));
    ASSERT_TRUE(cut);
    EXPECT_FALSE(cut->complete);
  }
  EXPECT_FALSE(h261::ScanPicture(Bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
}

}  // namespace
}  // namespace tessera::codecs

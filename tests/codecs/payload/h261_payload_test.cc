// RFC 4587 (H.261 over RTP): pictures from FFmpeg's H.261 encoder survive packetizing and
// depacketizing bit for bit at every packet size, including sizes that split GOBs between
// macroblocks; the macroblock-level headers carry the state the Recommendation defines
// (checked on a picture written by hand from ITU-T H.261's tables, which FFmpeg decodes);
// broken payloads are refused with a reason.
#include "tessera/codecs/payload/h261_payload.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ffmpeg_decoder.h"
#include "tessera/codecs/payload/payload_inspector.h"
#include "tessera/codecs/video/h261_bitstream.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace tessera::codecs::payload {
namespace {

using Bytes = std::vector<uint8_t>;

std::vector<std::span<const uint8_t>> Views(const std::vector<Bytes>& payloads) {
  return {payloads.begin(), payloads.end()};
}

// Pictures from FFmpeg's H.261 encoder (through Tessera's wrapper) of moving content, so
// that P pictures hold motion-compensated macroblocks.
std::vector<Bytes> EncodeH261(int width, int height, int frames, int bitrate_bps) {
  VideoEncoderConfig config{.codec = CodecId::kH261, .width = width, .height = height};
  config.bitrate_bps = bitrate_bps;
  config.keyframe_interval = 10;
  auto encoder = CreateVideoEncoder(config);
  EXPECT_TRUE(encoder) << encoder.error().detail;
  if (!encoder) return {};
  const codecs_testing::SyntheticVideo video(width, height);
  I420Buffer picture(width, height);
  std::vector<Bytes> out;
  for (int i = 0; i < frames; ++i) {
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(i * 6000));
    EXPECT_TRUE(au);
    if (au && !au->data.empty()) out.emplace_back(au->data.begin(), au->data.end());
  }
  return out;
}

struct SplitCase {
  int width;
  int height;
  size_t max_payload;
  int bitrate_bps;  // low enough with small packets that every macroblock fits one
};

class H261RoundTrip : public ::testing::TestWithParam<SplitCase> {};

TEST_P(H261RoundTrip, FfmpegPicturesComeBackBitExactAndDecode) {
  const SplitCase c = GetParam();
  const auto pictures = EncodeH261(c.width, c.height, 20, c.bitrate_bps);
  ASSERT_GE(pictures.size(), 15u);
  H261Packetizer packetizer({.max_payload_size = c.max_payload});
  PayloadArena arena(1024, c.max_payload);
  std::vector<Bytes> rebuilt;
  size_t packets = 0, macroblock_starts = 0, with_motion_predictor = 0;
  for (const Bytes& picture : pictures) {
    arena.Clear();
    auto n = packetizer.Packetize(picture, arena);
    ASSERT_TRUE(n) << PacketizeErrorName(n.error());
    ASSERT_EQ(*n, arena.size());
    packets += *n;
    for (size_t i = 0; i < arena.size(); ++i) {
      const auto p = arena.payload(i);
      EXPECT_LE(p.size(), c.max_payload);
      EXPECT_EQ(arena.marker(i), i + 1 == arena.size());
      const auto h = ParseH261PayloadHeader(p);
      ASSERT_TRUE(h);
      EXPECT_TRUE(h->motion_vectors);
      EXPECT_EQ(InspectVideoPayload(CodecId::kH261, p).frame_start, i == 0);
      if (i > 0) {
        // The boundary byte is shared: this packet's SBIT and the last one's EBIT add to 8.
        const auto previous = ParseH261PayloadHeader(arena.payload(i - 1));
        EXPECT_EQ((previous->ebit + h->sbit) % 8, 0);
      }
      if (h->mbap != 0 || h->quant != 0) {
        ++macroblock_starts;
        EXPECT_GE(h->gobn, 1);
        EXPECT_GE(h->quant, 1) << "a macroblock start carries the quantizer in effect";
        if (h->hmvd != 0 || h->vmvd != 0) ++with_motion_predictor;
      }
    }
    Bytes out(picture.size() + 16);
    auto r = DepacketizeH261(arena.payloads(), out);
    ASSERT_TRUE(r) << DepacketizeErrorName(r.error());
    out.resize(r->size);
    EXPECT_EQ(out, picture);
    EXPECT_EQ(r->width, c.width);
    EXPECT_EQ(r->height, c.height);
    rebuilt.push_back(std::move(out));
  }
  if (c.max_payload < 600) {
    EXPECT_GT(packetizer.stats().gobs_split, 0u);
    EXPECT_GT(macroblock_starts, 0u) << "small packets must split GOBs between macroblocks";
    EXPECT_GT(with_motion_predictor, 0u) << "panning content has motion vectors to predict from";
  }
  EXPECT_GT(packets, pictures.size());
  auto report = testing::DecodeWithFfmpeg("h261", rebuilt);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->errors, 0) << report->first_error;
  EXPECT_EQ(report->frames_decoded, static_cast<int>(rebuilt.size()));
  EXPECT_EQ(report->width, c.width);
}

INSTANTIATE_TEST_SUITE_P(Sizes, H261RoundTrip,
                         ::testing::Values(SplitCase{352, 288, 1200, 1'000'000}, SplitCase{352, 288, 300, 600'000},
                                           SplitCase{352, 288, 150, 256'000}, SplitCase{176, 144, 1200, 600'000},
                                           SplitCase{176, 144, 300, 128'000}, SplitCase{176, 144, 160, 64'000}),
                         [](const ::testing::TestParamInfo<SplitCase>& p) {
                           return std::to_string(p.param.width) + "x" + std::to_string(p.param.height) + "_mtu" +
                                  std::to_string(p.param.max_payload);
                         });

// Writes bits MSB first, for pictures made by hand.
class BitWriter {
 public:
  void Put(const std::string& bits) {
    for (char b : bits) {
      if (b == ' ') continue;
      Put(b == '1' ? 1u : 0u, 1);
    }
  }
  void Put(uint32_t value, int count) {
    for (int i = count - 1; i >= 0; --i) {
      if (bits_ % 8 == 0) data_.push_back(0);
      data_.back() = static_cast<uint8_t>(data_.back() | (((value >> i) & 1u) << (7 - bits_ % 8)));
      ++bits_;
    }
  }
  size_t bits() const { return bits_; }
  const Bytes& data() const { return data_; }

 private:
  Bytes data_;
  size_t bits_ = 0;
};

// A QCIF picture written from the tables of ITU-T H.261: GOB 1 with macroblocks 1, 2, 3,
// 5, 6, 7 of several types (MBA 4 skipped), then GOB 3 with one intra macroblock.
struct HandMadePicture {
  Bytes data;
  size_t mb_bits[8] = {};  // where macroblocks 2, 3, 5, 6, 7 start (by MBA)
  size_t gob3_bit = 0;
};

HandMadePicture MakePicture() {
  HandMadePicture p;
  BitWriter w;
  w.Put("0000 0000 0000 0001 0000");  // PSC
  w.Put(3, 5);                        // TR
  w.Put("000 0 1 1");                 // PTYPE: QCIF, HI_RES off, spare 1
  w.Put("0");                         // PEI
  w.Put("0000 0000 0000 0001");       // GBSC
  w.Put(1, 4);                        // GN 1
  w.Put(8, 5);                        // GQUANT 8
  w.Put("0");                         // GEI
  // MB 1: MC only (MTYPE "0000 0000 1"), MVD (+3, -2).
  w.Put("1");
  w.Put("0000 0000 1");
  w.Put("0001 0");  // +3
  w.Put("001 1");   // -2
  // MB 2: inter with MQUANT 20 and CBP 60 (the four luma blocks): "1s" then EOB each.
  p.mb_bits[2] = w.bits();
  w.Put("1");
  w.Put("0000 1");
  w.Put(20, 5);
  w.Put("111");
  for (int b = 0; b < 4; ++b)
    w.Put("10 10");  // first coefficient +1, EOB
  // MB 3: MC + CBP + TCOEFF ("01"), MVD (+1, 0), CBP 32 (block 1): run 1 level 1 "011s"
  // (a first coefficient other than "1s"), then an escape (run 5, level -3), EOB.
  p.mb_bits[3] = w.bits();
  w.Put("1");
  w.Put("01");
  w.Put("010");  // +1
  w.Put("1");    // 0
  w.Put("1010");
  w.Put("011 0");
  w.Put("0000 01");
  w.Put(5, 6);
  w.Put(0xFD, 8);
  w.Put("10");
  // MB 5 (increment 2): MC only, MVD (+2, +2): the predictor is 0 after a skipped MB.
  p.mb_bits[5] = w.bits();
  w.Put("011");
  w.Put("0000 0000 1");
  w.Put("0010");
  w.Put("0010");
  // MB 6: MC only, MVD (+1, +1), predicted from MB 5: vector (3, 3).
  p.mb_bits[6] = w.bits();
  w.Put("1");
  w.Put("0000 0000 1");
  w.Put("010");
  w.Put("010");
  // MB 7: intra, every block DC 100 then EOB; preceded by one MBA stuffing code.
  p.mb_bits[7] = w.bits();
  w.Put("0000 0001 111");
  w.Put("1");
  w.Put("0001");
  for (int b = 0; b < 6; ++b) {
    w.Put(100, 8);
    w.Put("10");
  }
  // GOB 3: one intra macroblock at MBA 1.
  p.gob3_bit = w.bits();
  w.Put("0000 0000 0000 0001");
  w.Put(3, 4);
  w.Put(10, 5);
  w.Put("0");
  w.Put("1");
  w.Put("0001");
  for (int b = 0; b < 6; ++b) {
    w.Put(100, 8);
    w.Put("10");
  }
  p.data = w.data();  // zero bits to the byte boundary
  return p;
}

struct ExpectedPoint {
  size_t bit;
  int gob;
  bool gob_start;
  int previous_mba;
  int quant;
  int mv_x;
  int mv_y;
};
std::vector<ExpectedPoint> ExpectedPoints(const HandMadePicture& picture) {
  return {{0, 0, true, 0, 0, 0, 0},
          {picture.mb_bits[2], 1, false, 1, 8, 3, -2},
          {picture.mb_bits[3], 1, false, 2, 20, 0, 0},  // MB 2 was not motion compensated
          {picture.mb_bits[5], 1, false, 3, 20, 1, 0},
          {picture.mb_bits[6], 1, false, 5, 20, 2, 2},
          {picture.mb_bits[7], 1, false, 6, 20, 3, 3},
          {picture.gob3_bit, 3, true, 0, 0, 0, 0}};
}

TEST(H261Macroblocks, SplitPointsCarryAddressQuantizerAndMotionVectorPredictor) {
  const HandMadePicture picture = MakePicture();
  std::vector<h261::SplitPoint> points(h261::kMaxSplitPoints);
  auto layout = h261::ParseMacroblocks(picture.data, points);
  ASSERT_TRUE(layout) << layout.error();
  EXPECT_FALSE(layout->cif);
  EXPECT_EQ(layout->gobs, 2);
  EXPECT_EQ(layout->macroblocks, 7);
  const auto expected = ExpectedPoints(picture);
  ASSERT_EQ(layout->split_points, expected.size());  // picture, MBs 2 3 5 6 7 of GOB 1, GOB 3
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(points[i].bit, expected[i].bit);
    EXPECT_EQ(points[i].gob, expected[i].gob);
    EXPECT_EQ(points[i].gob_start, expected[i].gob_start);
    if (expected[i].gob_start) continue;
    EXPECT_EQ(points[i].previous_mba, expected[i].previous_mba);
    EXPECT_EQ(points[i].quant, expected[i].quant);
    EXPECT_EQ(points[i].mv_x, expected[i].mv_x);
    EXPECT_EQ(points[i].mv_y, expected[i].mv_y);
  }
  // FFmpeg's decoder agrees the picture is valid H.261.
  auto report = testing::DecodeWithFfmpeg("h261", {picture.data});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->errors, 0) << report->first_error;
  EXPECT_EQ(report->frames_decoded, 1);
}

TEST(H261Packetizer, MacroblockPacketHeadersCarryTheStateAtTheirFirstMacroblock) {
  const HandMadePicture picture = MakePicture();
  const auto expected = ExpectedPoints(picture);
  for (size_t max : {16, 18, 20, 24}) {
    SCOPED_TRACE(max);
    H261Packetizer packetizer({.max_payload_size = max});
    PayloadArena arena(64, max);
    auto n = packetizer.Packetize(picture.data, arena);
    ASSERT_TRUE(n) << PacketizeErrorName(n.error());
    ASSERT_GE(*n, 3u);
    size_t start = 0;  // bit of the picture where packet i starts
    size_t macroblock_starts = 0;
    for (size_t i = 0; i < arena.size(); ++i) {
      const auto p = arena.payload(i);
      const auto h = *ParseH261PayloadHeader(p);
      EXPECT_EQ(h.sbit, start % 8);
      const ExpectedPoint* e = nullptr;
      for (const auto& x : expected)
        if (x.bit == start) e = &x;
      ASSERT_NE(e, nullptr) << "packet " << i << " starts at bit " << start << ", not at a GOB or macroblock";
      EXPECT_EQ(h.gobn, e->gob);
      EXPECT_EQ(h.mbap, e->gob_start ? 0 : e->previous_mba - 1);
      EXPECT_EQ(h.quant, e->quant);
      EXPECT_EQ(h.hmvd, e->mv_x);
      EXPECT_EQ(h.vmvd, e->mv_y);
      macroblock_starts += e->gob_start ? 0 : 1;
      start = (start / 8 + p.size() - kH261HeaderSize) * 8 - h.ebit;
    }
    EXPECT_EQ(start, picture.data.size() * 8);
    EXPECT_GT(macroblock_starts, 0u);
    Bytes out(64);
    auto r = DepacketizeH261(arena.payloads(), out);
    ASSERT_TRUE(r);
    out.resize(r->size);
    EXPECT_EQ(out, picture.data);
  }
}

// Found by the fuzzer: a vector whose predictor plus MVD is 16 has no valid reading (both
// 16 and -16 are outside -15..15); it was written into HMVD as the forbidden -16.
TEST(H261Macroblocks, RefusesAMotionVectorOutsideTheRangeInsteadOfWrappingItToMinus16) {
  for (const char* second_mvd : {"010", "0000 0011 001"}) {  // +1 after +15; -16 after 0 (MB 1 not MC)
    SCOPED_TRACE(second_mvd);
    BitWriter w;
    w.Put("0000 0000 0000 0001 0000");
    w.Put(0, 5);
    w.Put("000 0 1 1 0");
    w.Put("0000 0000 0000 0001");
    w.Put(1, 4);
    w.Put(8, 5);
    w.Put("0");
    const bool after_mc = std::string(second_mvd) == "010";
    w.Put("1");
    w.Put(after_mc ? "0000 0000 1" : "0001");  // MB 1: MC with MVD (+15, 0), or intra
    if (after_mc) {
      w.Put("0000 0011 010");
      w.Put("1");
    } else {
      for (int b = 0; b < 6; ++b) {
        w.Put(100, 8);
        w.Put("10");
      }
    }
    w.Put("1");
    w.Put("0000 0000 1");  // MB 2: MC only
    w.Put(second_mvd);
    w.Put("1");
    std::vector<h261::SplitPoint> points(h261::kMaxSplitPoints);
    auto layout = h261::ParseMacroblocks(w.data(), points);
    ASSERT_FALSE(layout);
    EXPECT_EQ(layout.error(), "motion vector out of range");
  }
}

TEST(H261Packetizer, RefusesWhatIsNotAnH261PictureAndMacroblocksLargerThanAPacket) {
  H261Packetizer packetizer({.max_payload_size = 100});
  PayloadArena arena(64, 100);
  EXPECT_EQ(packetizer.Packetize({}, arena).error(), PacketizeError::kEmptyFrame);
  const Bytes h263_picture = {0x00, 0x00, 0x80, 0x02, 0x0a, 0x00, 0x00};
  EXPECT_EQ(packetizer.Packetize(h263_picture, arena).error(), PacketizeError::kMalformed);
  Bytes truncated = MakePicture().data;
  truncated.resize(truncated.size() / 2);
  truncated.back() = 0xFF;  // no zero padding: a code cut off
  EXPECT_EQ(packetizer.Packetize(truncated, arena).error(), PacketizeError::kMalformed);
  // A CIF intra picture has macroblocks of hundreds of bytes at a fine quantizer.
  const auto pictures = EncodeH261(352, 288, 1, 2'000'000);
  ASSERT_EQ(pictures.size(), 1u);
  H261Packetizer tiny({.max_payload_size = 20});
  PayloadArena small(4096, 20);
  EXPECT_EQ(tiny.Packetize(pictures[0], small).error(), PacketizeError::kUnitTooLarge);
  EXPECT_EQ(H261Packetizer({.max_payload_size = 8}).Packetize(pictures[0], small).error(), PacketizeError::kBadConfig);
}

TEST(H261Depacketizer, RefusesBrokenPayloadsWithAReason) {
  const HandMadePicture picture = MakePicture();
  H261Packetizer packetizer({.max_payload_size = 16});
  PayloadArena arena(64, 16);
  ASSERT_TRUE(packetizer.Packetize(picture.data, arena));
  std::vector<Bytes> payloads;
  for (size_t i = 0; i < arena.size(); ++i)
    payloads.emplace_back(arena.payload(i).begin(), arena.payload(i).end());
  Bytes out(256);
  auto refuse = [&](std::vector<Bytes> list) {
    auto r = DepacketizeH261(Views(list), out);
    return r ? std::string("accepted") : std::string(DepacketizeErrorName(r.error()));
  };
  EXPECT_EQ(refuse({}), "empty");
  EXPECT_EQ(refuse({Bytes{0x01, 0x00, 0x00}}), "truncated");
  EXPECT_EQ(refuse({Bytes{0x01, 0x00, 0x00, 0x00}}), "truncated") << "a header without data";
  // The first packet lost: the frame starts mid-picture.
  EXPECT_EQ(refuse({payloads.begin() + 1, payloads.end()}), "no_frame_start");
  // SBIT and EBIT covering all of a one-byte payload.
  auto empty_bits = payloads;
  empty_bits[1] = {static_cast<uint8_t>((4 << 5) | (4 << 2) | 1), 0x10, 0, 0, 0xFF};
  EXPECT_EQ(refuse(empty_bits), "bad_header");
  auto bad_gob = payloads;
  bad_gob[1][1] = static_cast<uint8_t>((bad_gob[1][1] & 0x0F) | 0xD0);  // GOBN 13
  EXPECT_EQ(refuse(bad_gob), "bad_header");
  auto bad_mv = payloads;
  bad_mv[1][3] = static_cast<uint8_t>((bad_mv[1][3] & 0xE0) | 0x10);  // VMVD -16
  EXPECT_EQ(refuse(bad_mv), "bad_header");
  Bytes tiny(4);
  EXPECT_EQ(DepacketizeH261(Views(payloads), tiny).error(), DepacketizeError::kOutputFull);
  EXPECT_EQ(refuse(payloads), "accepted");
}

TEST(H261Depacketizer, ConcatenatesTheSignificantBitsWhateverTheSendersSplit) {
  // Picture bytes 00 01 03 A5 C3 (PSC, TR...). Split after 28 bits, the boundary byte shared
  // (EBIT 4 / SBIT 4); then the same split without sharing (EBIT 4, then SBIT 0 with the
  // remaining bits shifted): both rebuild the same bytes.
  const Bytes shared1 = {0x11, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0xAF};  // EBIT 4: low nibble junk
  const Bytes shared2 = {0x81, 0x00, 0x00, 0x00, 0xF5, 0xC3};              // SBIT 4: high nibble junk
  const Bytes unshared2 = {0x11, 0x00, 0x00, 0x00, 0x5C, 0x30};            // 12 bits 0101 1100 0011, EBIT 4
  Bytes out(16);
  auto r = DepacketizeH261(Views({shared1, shared2}), out);
  ASSERT_TRUE(r);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + static_cast<long>(r->size)), (Bytes{0x00, 0x01, 0x03, 0xA5, 0xC3}));
  r = DepacketizeH261(Views({shared1, unshared2}), out);
  ASSERT_TRUE(r);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + static_cast<long>(r->size)), (Bytes{0x00, 0x01, 0x03, 0xA5, 0xC3}));
}

}  // namespace
}  // namespace tessera::codecs::payload

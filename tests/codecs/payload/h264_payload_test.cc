#include "tessera/codecs/payload/h264_payload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "ffmpeg_decoder.h"
#include "tessera/codecs/payload/h264_nal.h"
#include "tessera/codecs/payload/payload_inspector.h"
#include "tessera/testing/guarded_buffer.h"
#include "tessera/testing/rtp_fixtures.h"

namespace tessera::codecs::payload {
namespace {

using ::testing::ElementsAre;
using Bytes = std::vector<uint8_t>;

std::vector<std::span<const uint8_t>> Views(const std::vector<Bytes>& payloads) {
  return {payloads.begin(), payloads.end()};
}

// The NAL types of an Annex B buffer, in order.
std::vector<int> NalTypes(std::span<const uint8_t> annexb) {
  std::vector<int> types;
  AnnexBReader r(annexb);
  std::span<const uint8_t> nal;
  while (r.Next(&nal))
    types.push_back(h264::NalType(nal[0]));
  EXPECT_FALSE(r.malformed());
  return types;
}

// A synthetic NAL unit: header then `size - 1` bytes that never form a start code.
Bytes Nal(uint8_t header, size_t size) {
  Bytes nal(size);
  nal[0] = header;
  for (size_t i = 1; i < size; ++i)
    nal[i] = static_cast<uint8_t>(0x10 + i % 200);
  if (size > 1 && (header & 0x1F) <= 5) nal[1] = 0x88;  // first_mb_in_slice = 0
  return nal;
}

Bytes AnnexB(const std::vector<Bytes>& nals) {
  Bytes out;
  for (const auto& n : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}

Bytes Depacketize(const PayloadArena& arena) {
  Bytes out(1 << 20);
  auto r = DepacketizeH264(arena.payloads(), out);
  EXPECT_TRUE(r) << DepacketizeErrorName(r.error());
  if (!r) return {};
  out.resize(r->size);
  return out;
}

std::vector<Bytes> DepacketizeFixture(std::string_view file, uint8_t pt, int* keyframes) {
  auto packets = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture(file), pt);
  EXPECT_GT(packets.size(), 8u);
  std::vector<Bytes> frames;
  for (const auto& payloads : tessera::testing::FramesOf(packets)) {
    Bytes out(1 << 20);
    auto r = DepacketizeH264(Views(payloads), out);
    EXPECT_TRUE(r) << DepacketizeErrorName(r.error());
    if (!r) continue;
    out.resize(r->size);
    if (r->keyframe) ++*keyframes;
    frames.push_back(out);
  }
  return frames;
}

TEST(H264Depacketizer, RebuildsFfmpegMode1StreamThatFfmpegDecodes) {
  int keyframes = 0;
  auto frames = DepacketizeFixture("ffmpeg_h264_mode1.pcap", 96, &keyframes);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_EQ(keyframes, 1);
  // ffmpeg sends SPS, PPS and SEI in a STAP-A ahead of the IDR (fragmented in FU-A).
  const auto first = NalTypes(frames[0]);
  ASSERT_GE(first.size(), 4u);
  EXPECT_THAT(std::vector<int>(first.begin(), first.begin() + 3), ElementsAre(7, 8, 6));
  EXPECT_EQ(first.back(), 5);
  auto report = testing::DecodeWithFfmpeg("h264", frames);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->errors, 0) << report->first_error;
  EXPECT_EQ(report->frames_decoded, static_cast<int>(frames.size()));
  EXPECT_EQ(report->width, 256);
  EXPECT_EQ(report->height, 144);
}

TEST(H264Depacketizer, RebuildsFfmpegMode0StreamOfSingleNalUnits) {
  int keyframes = 0;
  auto frames = DepacketizeFixture("ffmpeg_h264_mode0.pcap", 97, &keyframes);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_EQ(keyframes, 1);
  auto report = testing::DecodeWithFfmpeg("h264", frames);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->errors, 0) << report->first_error;
  EXPECT_EQ(report->frames_decoded, static_cast<int>(frames.size()));
  EXPECT_EQ(report->width, 256);
}

TEST(H264Depacketizer, RebuildsBaresipAndLinphoneMode0StreamsThatFfmpegDecodes) {
  // baresip 1.0.0 (libx264) and linphone 5.1 (OpenH264) both send single NAL units.
  for (const auto& [file, width, height] :
       {std::tuple{"baresip_h264_mode0.pcap", 256, 144}, std::tuple{"linphone_h264_mode0.pcap", 320, 240}}) {
    int keyframes = 0;
    auto frames = DepacketizeFixture(file, 96, &keyframes);
    ASSERT_GE(frames.size(), 2u) << file;
    EXPECT_EQ(keyframes, 1) << file;
    auto report = testing::DecodeWithFfmpeg("h264", frames);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->errors, 0) << file << ": " << report->first_error;
    EXPECT_EQ(report->frames_decoded, static_cast<int>(frames.size())) << file;
    EXPECT_EQ(report->width, width) << file;
    EXPECT_EQ(report->height, height) << file;
  }
}

TEST(H264Depacketizer, ReadsStapAAndFuA) {
  const std::vector<Bytes> payloads = {
      {0x78, 0x00, 0x02, 0x67, 0xAA, 0x00, 0x01, 0x68},  // STAP-A: SPS (2 bytes), PPS (1)
      {0x7C, 0x85, 0x01, 0x02},                          // FU-A start of an IDR (NRI 3)
      {0x7C, 0x05, 0x03},                                // middle
      {0x7C, 0x45, 0x04},                                // end
  };
  Bytes out(64);
  auto r = DepacketizeH264(Views(payloads), out);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->keyframe);
  out.resize(r->size);
  EXPECT_EQ(out, (Bytes{0, 0, 0, 1, 0x67, 0xAA, 0, 0, 0, 1, 0x68, 0, 0, 0, 1, 0x65, 1, 2, 3, 4}));
}

TEST(H264Depacketizer, RestoresParameterSetsInFrontOfAnIdrThatLostThem) {
  H264ParameterSets sets;
  const Bytes sps = Nal(0x67, 10), pps = Nal(0x68, 4);
  const std::vector<Bytes> first = {sps, pps, Nal(0x65, 50)};
  Bytes out(1024);
  auto r = DepacketizeH264(Views(first), out, &sets);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->parameter_sets_restored);
  // A later IDR whose STAP-A with SPS/PPS was lost.
  const std::vector<Bytes> bare = {Nal(0x65, 60)};
  r = DepacketizeH264(Views(bare), out, &sets);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->parameter_sets_restored);
  out.resize(r->size);
  EXPECT_EQ(out, AnnexB({sps, pps, Nal(0x65, 60)}));
  // Non-IDR frames and callers without a cache are left alone.
  Bytes out2(1024);
  r = DepacketizeH264(Views({Nal(0x41, 20)}), out2, &sets);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->parameter_sets_restored);
  r = DepacketizeH264(Views(bare), out2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size, 4u + 60u);
}

TEST(H264Depacketizer, RefusesBrokenFragmentsAndAggregates) {
  struct Case {
    std::vector<Bytes> payloads;
    DepacketizeError error;
  };
  const std::vector<Case> cases = {
      {{{0x7C, 0x05, 0x01}}, DepacketizeError::kFragmentWithoutStart},
      {{{0x7C, 0x85, 0x01}}, DepacketizeError::kFragmentUnfinished},
      {{{0x7C, 0x85, 0x01}, {0x7C, 0x85, 0x02}}, DepacketizeError::kFragmentMismatch},
      {{{0x7C, 0x85, 0x01}, {0x7C, 0x41, 0x02}}, DepacketizeError::kFragmentMismatch},
      {{{0x7C, 0x85, 0x01}, {0x65, 0x88}}, DepacketizeError::kFragmentUnfinished},
      {{{0x78, 0x00, 0x05, 0x67}}, DepacketizeError::kAggregateLengthPastEnd},
      {{{0x78, 0x00, 0x00, 0x67}}, DepacketizeError::kAggregateLengthPastEnd},
      {{{0x78, 0x00, 0x01, 0x67, 0x00}}, DepacketizeError::kAggregateLengthPastEnd},
      {{{0x78, 0x00, 0x01, 0x78}}, DepacketizeError::kUnsupportedType},
      {{{0x79, 0x00, 0x00, 0x00}}, DepacketizeError::kUnsupportedType},  // STAP-B
      {{{0x7D, 0x85, 0x00, 0x00}}, DepacketizeError::kUnsupportedType},  // FU-B
      {{{0x60}}, DepacketizeError::kUnsupportedType},                    // type 0
      {{{0x7C}}, DepacketizeError::kTruncated},
      {{{}}, DepacketizeError::kEmpty},
      {{}, DepacketizeError::kEmpty},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    Bytes out(64);
    auto r = DepacketizeH264(Views(cases[i].payloads), out);
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error(), cases[i].error) << i << ": " << DepacketizeErrorName(r.error());
  }
}

TEST(H264Depacketizer, RefusesUnitsWithAStartCodePrefixInside) {
  // Found by h264_depacketizer_fuzzer: a unit carrying 00 00 01 would be read back as two
  // units (the second of a reserved type) by any Annex B reader, our packetizer included.
  for (const Bytes& bad : {Bytes{0x65, 0x88, 0x00, 0x00, 0x01, 0x7E}, Bytes{0x65, 0x88, 0x00, 0x00, 0x00, 0x7E},
                           Bytes{0x41, 0x9A, 0x00, 0x00, 0x02, 0x01}}) {
    Bytes out(64);
    auto single = DepacketizeH264(Views({bad}), out);
    ASSERT_FALSE(single);
    EXPECT_EQ(single.error(), DepacketizeError::kMalformedUnit);
    // The same unit split over FU-A fragments (the 00 00 01 across the boundary).
    const Bytes fu_start = {static_cast<uint8_t>((bad[0] & 0xE0) | 28), static_cast<uint8_t>(0x80 | (bad[0] & 0x1F)),
                            bad[1], bad[2], bad[3]};
    Bytes fu_end = {static_cast<uint8_t>((bad[0] & 0xE0) | 28), static_cast<uint8_t>(0x40 | (bad[0] & 0x1F))};
    fu_end.insert(fu_end.end(), bad.begin() + 4, bad.end());
    auto fragmented = DepacketizeH264(Views({fu_start, fu_end}), out);
    ASSERT_FALSE(fragmented);
    EXPECT_EQ(fragmented.error(), DepacketizeError::kMalformedUnit);
  }
  // Emulation prevention (00 00 03) is fine, and so are trailing zero bytes (baresip sends
  // the first zero of the next 4-byte start code at the end of a unit).
  Bytes out(64);
  EXPECT_TRUE(DepacketizeH264(Views({Bytes{0x65, 0x88, 0x00, 0x00, 0x03, 0x01, 0x7E}}), out));
  EXPECT_TRUE(DepacketizeH264(Views({Bytes{0x41, 0x9A, 0x12, 0x00}}), out));
}

TEST(H264Depacketizer, StopsAtTheEndOfTheOutputBuffer) {
  const std::vector<Bytes> payloads = {Nal(0x65, 100)};
  for (size_t size = 0; size < 104; ++size) {
    tessera::testing::GuardedBuffer<uint8_t> out(size);
    auto r = DepacketizeH264(Views(payloads), out.span());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), DepacketizeError::kOutputFull);
  }
  tessera::testing::GuardedBuffer<uint8_t> exact(104);
  EXPECT_TRUE(DepacketizeH264(Views(payloads), exact.span()));
}

TEST(H264Packetizer, Mode1AggregatesSmallUnitsAndFragmentsLargeOnes) {
  H264Packetizer p({.max_payload_size = 1200});
  const auto au = AnnexB({Nal(0x67, 20), Nal(0x68, 5), Nal(0x06, 30), Nal(0x65, 5000)});
  PayloadArena arena(64, 1200);
  auto n = p.Packetize(au, arena);
  ASSERT_TRUE(n);
  ASSERT_EQ(*n, arena.size());
  EXPECT_EQ(h264::NalType(arena.payload(0)[0]), h264::kStapA);
  for (size_t i = 1; i < arena.size(); ++i) {
    EXPECT_EQ(h264::NalType(arena.payload(i)[0]), h264::kFuA);
    EXPECT_LE(arena.payload(i).size(), 1200u);
    EXPECT_EQ(arena.marker(i), i + 1 == arena.size());
  }
  EXPECT_EQ(*n, 1u + 5u);  // 4999 body bytes in fragments of at most 1198
  EXPECT_EQ(Depacketize(arena), au);
}

TEST(H264Packetizer, Mode1FragmentsAreEvenlySized) {
  H264Packetizer p({.max_payload_size = 1000});
  PayloadArena arena(16, 1000);
  ASSERT_TRUE(p.Packetize(AnnexB({Nal(0x65, 2001)}), arena));
  ASSERT_EQ(arena.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(arena.payload(i).size(), 2u + 2000 / 3 + (i < 2000 % 3 ? 1 : 0));
}

TEST(H264Packetizer, Mode0SendsOneNalUnitPerPacketAndRefusesLargerOnes) {
  H264Packetizer p({.max_payload_size = 1100, .mode = H264PacketizationMode::kSingleNalUnit});
  EXPECT_EQ(p.max_nal_size(), 1100u);
  const auto au = AnnexB({Nal(0x67, 20), Nal(0x68, 5), Nal(0x65, 1100), Nal(0x65, 700)});
  PayloadArena arena(16, 1100);
  auto n = p.Packetize(au, arena);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(Depacketize(arena), au);

  arena.Clear();
  auto too_large = p.Packetize(AnnexB({Nal(0x65, 1101)}), arena);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error(), PacketizeError::kUnitTooLarge);
  EXPECT_EQ(arena.size(), 0u);  // nothing half-sent
}

TEST(H264Packetizer, RepeatsTheLastParameterSetsBeforeAnIdrThatLacksThem) {
  H264Packetizer p({.max_payload_size = 1200});
  const Bytes sps = Nal(0x67, 12), pps = Nal(0x68, 4);
  PayloadArena arena(16, 1200);
  ASSERT_TRUE(p.Packetize(AnnexB({sps, pps, Nal(0x65, 300)}), arena));
  arena.Clear();
  ASSERT_TRUE(p.Packetize(AnnexB({Nal(0x41, 200)}), arena));  // a P frame: nothing added
  EXPECT_THAT(NalTypes(Depacketize(arena)), ElementsAre(1));
  arena.Clear();
  ASSERT_TRUE(p.Packetize(AnnexB({Nal(0x65, 300)}), arena));  // a bare IDR
  const auto rebuilt = Depacketize(arena);
  EXPECT_THAT(NalTypes(rebuilt), ElementsAre(7, 8, 5));
  EXPECT_EQ(rebuilt, AnnexB({sps, pps, Nal(0x65, 300)}));
}

TEST(H264Packetizer, RepacketizingFfmpegFramesRoundTripsExactly) {
  int keyframes = 0;
  auto frames = DepacketizeFixture("ffmpeg_h264_mode1.pcap", 96, &keyframes);
  for (auto mtu : {1200u, 500u, 100u}) {
    H264Packetizer p({.max_payload_size = mtu});
    for (const auto& frame : frames) {
      PayloadArena arena(512, mtu);
      ASSERT_TRUE(p.Packetize(frame, arena));
      EXPECT_EQ(Depacketize(arena), frame) << mtu;
    }
  }
}

TEST(H264Packetizer, RefusesDataThatIsNotAnnexBAndFullSinks) {
  H264Packetizer p;
  PayloadArena arena(1, 1200);
  auto r = p.Packetize(Bytes{0x65, 0x88, 0x00}, arena);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), PacketizeError::kMalformed);
  r = p.Packetize(Bytes{}, arena);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), PacketizeError::kEmptyFrame);
  r = p.Packetize(AnnexB({Nal(0x65, 3000)}), arena);  // needs 3 packets, the sink has 1
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), PacketizeError::kSinkFull);
}

TEST(AnnexBReader, HandlesThreeAndFourByteStartCodesAndTrailingZeros) {
  const Bytes data = {0, 0, 1, 0x67, 1, 0, 0, 0, 0, 1, 0x68, 2, 0, 0, 0, 1, 0x65, 3};
  EXPECT_THAT(NalTypes(data), ElementsAre(7, 8, 5));
  AnnexBReader bad(Bytes{5, 0, 0, 1, 0x65});
  EXPECT_TRUE(bad.malformed());
}

TEST(H264Inspector, FindsFrameStartsAndKeyframesInFfmpegPackets) {
  auto packets = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture("ffmpeg_h264_mode1.pcap"), 96);
  ASSERT_FALSE(packets.empty());
  for (size_t i = 0; i < packets.size(); ++i) {
    const bool first_of_frame = i == 0 || packets[i].timestamp != packets[i - 1].timestamp;
    const auto info = InspectVideoPayload(CodecId::kH264, packets[i].payload);
    // The IDR's first fragment after the STAP-A of parameter sets also reads as a start:
    // either could be the first packet heard after a loss.
    const bool after_parameter_sets = i > 0 && h264::NalType(packets[i - 1].payload[0]) == h264::kStapA;
    EXPECT_EQ(info.frame_start, first_of_frame || after_parameter_sets) << i;
    EXPECT_EQ(info.keyframe, packets[i].timestamp == packets[0].timestamp) << i;
  }
  auto mode0 = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture("ffmpeg_h264_mode0.pcap"), 97);
  ASSERT_FALSE(mode0.empty());
  // Mode 0: each slice is its own packet; only a picture's first slice (or the parameter
  // sets and SEI in front of it, which may each be the first packet heard) starts it.
  for (size_t i = 0; i < mode0.size(); ++i) {
    const bool first_of_frame = i == 0 || mode0[i].timestamp != mode0[i - 1].timestamp;
    const int type = h264::NalType(mode0[i].payload[0]);
    const bool slice = type == h264::kSlice || type == h264::kIdr;
    const bool start = InspectVideoPayload(CodecId::kH264, mode0[i].payload).frame_start;
    if (first_of_frame) {
      EXPECT_TRUE(start) << i;
    } else if (slice && mode0[i - 1].payload[0] % 32 <= 5) {
      EXPECT_FALSE(start) << i;
    }
  }
}

}  // namespace
}  // namespace tessera::codecs::payload

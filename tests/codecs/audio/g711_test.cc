// The G.711 tables against two independent peers over every 16-bit input and every code:
// spandsp (which follows the ITU-T G.191 reference as we do) and FFmpeg's pcm_mulaw /
// pcm_alaw (whose encoder tables round decision levels their own way).
#include "tessera/codecs/audio/g711.h"

#include <gtest/gtest.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <spandsp.h>
}

#include <cstdlib>
#include <cstring>
#include <vector>

namespace tessera::codecs {
namespace {

// Runs FFmpeg's encoder over all 65536 sample values, or its decoder over all 256 codes.
std::vector<uint8_t> FfmpegEncodeAll(AVCodecID id) {
  const AVCodec* codec = avcodec_find_encoder(id);
  AVCodecContext* c = avcodec_alloc_context3(codec);
  c->sample_rate = 8000;
  c->ch_layout = AV_CHANNEL_LAYOUT_MONO;
  c->sample_fmt = AV_SAMPLE_FMT_S16;
  EXPECT_EQ(avcodec_open2(c, codec, nullptr), 0);
  AVFrame* f = av_frame_alloc();
  f->nb_samples = 65536;
  f->format = AV_SAMPLE_FMT_S16;
  f->ch_layout = AV_CHANNEL_LAYOUT_MONO;
  av_frame_get_buffer(f, 0);
  auto* s = reinterpret_cast<int16_t*>(f->data[0]);
  for (int i = 0; i < 65536; ++i)
    s[i] = static_cast<int16_t>(i - 32768);
  AVPacket* p = av_packet_alloc();
  EXPECT_EQ(avcodec_send_frame(c, f), 0);
  EXPECT_EQ(avcodec_receive_packet(c, p), 0);
  std::vector<uint8_t> out(p->data, p->data + p->size);
  av_packet_free(&p);
  av_frame_free(&f);
  avcodec_free_context(&c);
  return out;
}

std::vector<int16_t> FfmpegDecodeAll(AVCodecID id) {
  const AVCodec* codec = avcodec_find_decoder(id);
  AVCodecContext* c = avcodec_alloc_context3(codec);
  c->sample_rate = 8000;
  c->ch_layout = AV_CHANNEL_LAYOUT_MONO;
  EXPECT_EQ(avcodec_open2(c, codec, nullptr), 0);
  AVPacket* p = av_packet_alloc();
  av_new_packet(p, 256);
  for (int i = 0; i < 256; ++i)
    p->data[i] = static_cast<uint8_t>(i);
  AVFrame* f = av_frame_alloc();
  EXPECT_EQ(avcodec_send_packet(c, p), 0);
  EXPECT_EQ(avcodec_receive_frame(c, f), 0);
  const auto* s = reinterpret_cast<const int16_t*>(f->data[0]);
  std::vector<int16_t> out(s, s + f->nb_samples);
  av_frame_free(&f);
  av_packet_free(&p);
  avcodec_free_context(&c);
  return out;
}

// Compares our codes with a peer's over all inputs: how many differ, and whether every
// difference is to a neighbouring code (a decision-level tie, not an error).
struct Agreement {
  int differences = 0;
  bool all_adjacent = true;
};
template <typename Peer, typename Ours>
Agreement Compare(Peer peer, Ours ours, uint8_t sign_bit_flip) {
  Agreement a;
  for (int i = 0; i < 65536; ++i) {
    const int16_t x = static_cast<int16_t>(i - 32768);
    const uint8_t mine = ours(x), theirs = peer(i, x);
    if (mine == theirs) continue;
    ++a.differences;
    // Codes count down (mu-law) or are XORed (A-law): compare magnitudes.
    const int m = (mine ^ sign_bit_flip) & 0x7F, t = (theirs ^ sign_bit_flip) & 0x7F;
    a.all_adjacent &= ((mine ^ theirs) & 0x80) == 0 && std::abs(m - t) == 1;
  }
  return a;
}

TEST(G711, AlawIsBitExactWithSpandsp) {
  const auto a = Compare([](int, int16_t x) { return linear_to_alaw(x); }, g711::LinearToAlaw, 0x55);
  EXPECT_EQ(a.differences, 0);
  for (int code = 0; code < 256; ++code)
    EXPECT_EQ(g711::AlawToLinear(static_cast<uint8_t>(code)), alaw_to_linear(static_cast<uint8_t>(code))) << code;
}

TEST(G711, UlawDiffersFromSpandspOnlyOnNegativeDecisionLevels) {
  const auto a = Compare([](int, int16_t x) { return linear_to_ulaw(x); }, g711::LinearToUlaw, 0x00);
  EXPECT_LE(a.differences, 127);  // at most one tie per negative code
  EXPECT_TRUE(a.all_adjacent);
  for (int code = 0; code < 256; ++code)
    EXPECT_EQ(g711::UlawToLinear(static_cast<uint8_t>(code)), ulaw_to_linear(static_cast<uint8_t>(code))) << code;
}

TEST(G711, DecodingIsBitExactWithFfmpegAndEncodingDiffersOnlyAtTies) {
  const auto ulaw = FfmpegEncodeAll(AV_CODEC_ID_PCM_MULAW);
  const auto alaw = FfmpegEncodeAll(AV_CODEC_ID_PCM_ALAW);
  ASSERT_EQ(ulaw.size(), 65536u);
  ASSERT_EQ(alaw.size(), 65536u);
  const auto u = Compare([&](int i, int16_t) { return ulaw[static_cast<size_t>(i)]; }, g711::LinearToUlaw, 0x00);
  const auto a = Compare([&](int i, int16_t) { return alaw[static_cast<size_t>(i)]; }, g711::LinearToAlaw, 0x55);
  EXPECT_LT(u.differences, 65536 / 50);
  EXPECT_LT(a.differences, 65536 / 50);
  EXPECT_TRUE(u.all_adjacent);
  EXPECT_TRUE(a.all_adjacent);
  const auto ulaw_levels = FfmpegDecodeAll(AV_CODEC_ID_PCM_MULAW);
  const auto alaw_levels = FfmpegDecodeAll(AV_CODEC_ID_PCM_ALAW);
  ASSERT_EQ(ulaw_levels.size(), 256u);
  ASSERT_EQ(alaw_levels.size(), 256u);
  for (int code = 0; code < 256; ++code) {
    EXPECT_EQ(g711::UlawToLinear(static_cast<uint8_t>(code)), ulaw_levels[static_cast<size_t>(code)]) << code;
    EXPECT_EQ(g711::AlawToLinear(static_cast<uint8_t>(code)), alaw_levels[static_cast<size_t>(code)]) << code;
  }
}

TEST(G711, DecodingAnEncodedValueStaysWithinHalfAQuantisationStep) {
  // Every code's level re-encodes to the same code, and any sample decodes back within
  // half its segment's step (plus the bits G.711 drops: 2 for mu-law, 4 for A-law).
  for (int code = 0; code < 256; ++code) {
    if (code == 0x7F) continue;  // mu-law negative zero re-encodes as positive zero (0xFF)
    EXPECT_EQ(g711::LinearToUlaw(g711::UlawToLinear(static_cast<uint8_t>(code))), code) << code;
    EXPECT_EQ(g711::LinearToAlaw(g711::AlawToLinear(static_cast<uint8_t>(code))), code) << code;
  }
  for (int s = -32768; s < 32768; s += 7) {
    const int16_t x = static_cast<int16_t>(s);
    const int ulaw_error = std::abs(g711::UlawToLinear(g711::LinearToUlaw(x)) - x);
    const int alaw_error = std::abs(g711::AlawToLinear(g711::LinearToAlaw(x)) - x);
    // The top segments step by 1024; mu-law clips at 32124 (644 below full scale).
    EXPECT_LE(ulaw_error, std::abs(x) > 32124 ? 644 + 4 : 512 + 4) << s;
    EXPECT_LE(alaw_error, 512 + 16) << s;
  }
}

}  // namespace
}  // namespace tessera::codecs

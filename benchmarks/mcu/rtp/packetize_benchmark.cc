// Packetizing one 720p H.264 access unit into RTP packets of 1200-byte payloads, keyframe
// and P frame, as encoded by libx264 (2.5 Mbit/s ABR, veryfast, zerolatency, High) from a
// noisy moving test picture at start-up.
// Tessera's packetizer writes each payload behind room for the RTP header in a
// preallocated arena and fills the header; the peer, in the same run, is FFmpeg's RTP
// muxer (libavformat rtpenc_h264) packetizing the same access unit into a write callback.
//   build/release/benchmarks/mcu/rtp/packetize_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <x264.h>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

#include <cstdio>
#include <cstring>
#include <vector>

#include "tessera/codecs/payload/h264_payload.h"
#include "tessera/mcu/rtp/rtp_packet.h"

namespace {

namespace payload = tessera::codecs::payload;
using tessera::mcu::rtp::RtpHeader;
using tessera::mcu::rtp::WriteRtpHeader;

constexpr int kWidth = 1280, kHeight = 720;
constexpr size_t kPayload = 1200;

struct AccessUnits {
  std::vector<uint8_t> keyframe, delta;
};

// A moving test picture: gradients, a grid, a box that moves by `frame`, and sensor-like
// noise so the encoder spends about what it would on a camera picture.
void Draw(x264_picture_t& pic, int frame) {
  uint32_t noise = 12345u + static_cast<uint32_t>(frame) * 7919u;
  for (int y = 0; y < kHeight; ++y) {
    uint8_t* row = pic.img.plane[0] + y * pic.img.i_stride[0];
    for (int x = 0; x < kWidth; ++x) {
      noise = noise * 1103515245u + 12345u;
      const int n = static_cast<int>((noise >> 16) % 17) - 8;
      const bool grid = (x % 64 == 0) || (y % 64 == 0);
      const bool box = x >= 100 + 8 * frame && x < 300 + 8 * frame && y >= 200 && y < 400;
      const int v = (grid ? 235 : box ? 40 : (x + y + 3 * frame) / 8 + 16) + n;
      row[x] = static_cast<uint8_t>(v < 16 ? 16 : v > 235 ? 235 : v);
    }
  }
  for (int p = 1; p < 3; ++p) {
    for (int y = 0; y < kHeight / 2; ++y) {
      uint8_t* row = pic.img.plane[p] + y * pic.img.i_stride[p];
      for (int x = 0; x < kWidth / 2; ++x)
        row[x] = static_cast<uint8_t>(p == 1 ? 128 + x / 20 : 128 - y / 12);
    }
  }
}

const AccessUnits& Encoded() {
  static const AccessUnits units = [] {
    AccessUnits out;
    x264_param_t param;
    x264_param_default_preset(&param, "veryfast", "zerolatency");
    param.i_width = kWidth;
    param.i_height = kHeight;
    param.i_csp = X264_CSP_I420;
    param.i_fps_num = 30;
    param.i_fps_den = 1;
    param.i_threads = 1;
    param.rc.i_rc_method = X264_RC_ABR;
    param.rc.i_bitrate = 2500;
    param.b_annexb = 1;
    param.b_repeat_headers = 1;
    param.i_log_level = X264_LOG_NONE;
    x264_param_apply_profile(&param, "high");
    x264_t* encoder = x264_encoder_open(&param);
    x264_picture_t pic, pic_out;
    x264_picture_alloc(&pic, X264_CSP_I420, kWidth, kHeight);
    // The keyframe is frame 0; the P frame is frame 9, once rate control has settled.
    for (int frame = 0; frame < 10; ++frame) {
      Draw(pic, frame);
      pic.i_pts = frame;
      x264_nal_t* nals = nullptr;
      int count = 0;
      const int size = x264_encoder_encode(encoder, &nals, &count, &pic, &pic_out);
      if (size <= 0) std::abort();
      // With b_annexb the units are contiguous, start codes included.
      std::vector<uint8_t> au(nals[0].p_payload, nals[0].p_payload + size);
      if (frame == 0) out.keyframe = std::move(au);
      if (frame == 9) out.delta = std::move(au);
    }
    x264_picture_clean(&pic);
    x264_encoder_close(encoder);
    std::fprintf(stderr, "720p access units from libx264: keyframe %zu bytes, P frame %zu bytes\n", out.keyframe.size(),
                 out.delta.size());
    return out;
  }();
  return units;
}

// Payloads behind 12 bytes of room, and the RTP header written on commit: what the output
// path of an MCU does before fanning the packets out.
class RtpPacketArena final : public payload::PayloadSink {
 public:
  explicit RtpPacketArena(size_t max_packets) : buffer_(max_packets * kSlot), sizes_(max_packets) {}
  std::span<uint8_t> NextPayload() override {
    if (count_ == sizes_.size()) return {};
    return {buffer_.data() + count_ * kSlot + 12, kPayload};
  }
  void CommitPayload(size_t size, bool marker) override {
    uint8_t* p = buffer_.data() + count_ * kSlot;
    WriteRtpHeader(RtpHeader{.payload_type = 96, .marker = marker, .sequence_number = seq_++, .ssrc = 1},
                   std::span<uint8_t>(p, 12));
    sizes_[count_++] = 12 + size;
  }
  void Clear() { count_ = 0; }
  size_t size() const { return count_; }

 private:
  static constexpr size_t kSlot = 12 + kPayload;
  std::vector<uint8_t> buffer_;
  std::vector<size_t> sizes_;
  size_t count_ = 0;
  uint16_t seq_ = 0;
};

void BM_TesseraH264Packetize(benchmark::State& state, bool keyframe) {
  const auto& au = keyframe ? Encoded().keyframe : Encoded().delta;
  payload::H264Packetizer packetizer({.max_payload_size = kPayload});
  RtpPacketArena arena(1024);
  size_t packets = 0;
  for (auto _ : state) {
    arena.Clear();
    auto n = packetizer.Packetize(au, arena);
    if (!n) state.SkipWithError("packetize failed");
    packets = arena.size();
    benchmark::ClobberMemory();
  }
  state.counters["packets"] = static_cast<double>(packets);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(au.size()));
}

struct MuxCount {
  size_t packets = 0;
};

int CountWrite(void* opaque, const uint8_t*, int) {
  ++static_cast<MuxCount*>(opaque)->packets;
  return 0;
}

int CountWriteConst(void* opaque, uint8_t* buf, int size) {
  return CountWrite(opaque, buf, size);
}

void BM_FfmpegRtpMuxH264(benchmark::State& state, bool keyframe) {
  const auto& au = keyframe ? Encoded().keyframe : Encoded().delta;
  AVFormatContext* oc = nullptr;
  avformat_alloc_output_context2(&oc, nullptr, "rtp", nullptr);
  AVStream* st = avformat_new_stream(oc, nullptr);
  st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
  st->codecpar->codec_id = AV_CODEC_ID_H264;
  st->codecpar->width = kWidth;
  st->codecpar->height = kHeight;
  st->time_base = {1, 90000};
  oc->packet_size = 12 + kPayload;
  MuxCount count;
  const int buffer_size = 4096;
  auto* buffer = static_cast<unsigned char*>(av_malloc(buffer_size));
  oc->pb = avio_alloc_context(buffer, buffer_size, 1, &count, nullptr, CountWriteConst, nullptr);
  oc->pb->max_packet_size = 12 + kPayload;
  if (avformat_write_header(oc, nullptr) < 0) {
    state.SkipWithError("avformat_write_header failed");
    return;
  }
  AVPacket* pkt = av_packet_alloc();
  int64_t pts = 0;
  size_t packets = 0;
  for (auto _ : state) {
    const size_t before = count.packets;
    pkt->data = const_cast<uint8_t*>(au.data());
    pkt->size = static_cast<int>(au.size());
    pkt->pts = pkt->dts = pts += 3000;
    pkt->stream_index = 0;
    if (av_write_frame(oc, pkt) < 0) state.SkipWithError("av_write_frame failed");
    packets = count.packets - before;
  }
  state.counters["packets"] = static_cast<double>(packets);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(au.size()));
  av_packet_free(&pkt);
  av_freep(&oc->pb->buffer);
  avio_context_free(&oc->pb);
  avformat_free_context(oc);
}

BENCHMARK_CAPTURE(BM_TesseraH264Packetize, keyframe_720p, true);
BENCHMARK_CAPTURE(BM_FfmpegRtpMuxH264, keyframe_720p, true);
BENCHMARK_CAPTURE(BM_TesseraH264Packetize, delta_720p, false);
BENCHMARK_CAPTURE(BM_FfmpegRtpMuxH264, delta_720p, false);

}  // namespace

BENCHMARK_MAIN();

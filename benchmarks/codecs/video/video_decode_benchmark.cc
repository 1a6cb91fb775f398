// Single-thread H.264 decode rate at 720p and 360p, High and constrained baseline, each
// decoder wrapper beside its raw library on the same access units in the same run:
//   FFmpeg:   libavcodec's h264 (one thread, no frame threading), packets prepared once
//   OpenH264: DecodeFrameNoDelay (constrained baseline streams only; it is the
//             alternative decoder for those)
// The streams are 60 pictures of the synthetic moving picture encoded by x264 (veryfast:
// CABAC and 8x8 transforms for High), decoded in a loop. One iteration = one picture.
//
//   build/release/benchmarks/codecs/video/video_decode_benchmark
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

extern "C" {
#include <libavcodec/avcodec.h>
}

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "common/pair_reporter.h"
#include "raw_libraries.h"
#include "tessera/codecs/video/video_decoder.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace {

using namespace tessera;
using namespace tessera::codecs;
using tessera::codecs_benchmarks::MakeRawOpenH264Decoder;

constexpr int kPictures = 60;

struct StreamKey {
  int width;
  int height;
  H264Profile profile;
  bool operator<(const StreamKey& o) const {
    return std::tie(width, height, profile) < std::tie(o.width, o.height, o.profile);
  }
};

// Encoded once per key, then shared by the raw and wrapper benchmarks.
const std::vector<std::vector<uint8_t>>& Stream(const StreamKey& key) {
  static std::map<StreamKey, std::vector<std::vector<uint8_t>>> cache;
  auto& aus = cache[key];
  if (!aus.empty()) return aus;
  VideoEncoderConfig c{.codec = CodecId::kH264, .h264_profile = key.profile, .width = key.width, .height = key.height};
  c.bitrate_bps = key.width >= 1280 ? 2'500'000 : 800'000;
  c.speed = EncoderSpeed::kVeryfast;
  c.keyframe_interval = kPictures;
  auto encoder = CreateVideoEncoder(c);
  if (!encoder) return aus;
  const codecs_testing::SyntheticVideo video(key.width, key.height);
  I420Buffer picture(key.width, key.height);
  for (int i = 0; i < kPictures; ++i) {
    video.Render(i, picture.view());
    auto au = (*encoder)->Encode(picture.const_view(), 0);
    if (!au) break;
    aus.emplace_back(au->data.begin(), au->data.end());
  }
  return aus;
}

void BM_Wrapper(benchmark::State& state, StreamKey key, VideoDecoderImplementation impl) {
  const auto& aus = Stream(key);
  auto decoder = CreateVideoDecoder({.codec = CodecId::kH264, .implementation = impl});
  if (aus.size() != kPictures || !decoder) {
    state.SkipWithError("set-up failed");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    auto r = (*decoder)->Decode(aus[i++ % aus.size()], 0);
    if (!r || !r->has_value()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize((*r)->picture.y);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RawFfmpeg(benchmark::State& state, StreamKey key) {
  const auto& aus = Stream(key);
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_H264);
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  ctx->thread_count = 1;
  ctx->thread_type = 0;
  if (aus.size() != kPictures || avcodec_open2(ctx, codec, nullptr) < 0) {
    state.SkipWithError("set-up failed");
    avcodec_free_context(&ctx);
    return;
  }
  std::vector<AVPacket*> packets;
  for (const auto& au : aus) {
    AVPacket* p = av_packet_alloc();
    av_new_packet(p, static_cast<int>(au.size()));  // padded and zeroed by libavcodec
    std::memcpy(p->data, au.data(), au.size());
    packets.push_back(p);
  }
  AVFrame* frame = av_frame_alloc();
  size_t i = 0;
  for (auto _ : state) {
    avcodec_send_packet(ctx, packets[i++ % packets.size()]);
    if (avcodec_receive_frame(ctx, frame) < 0) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(frame->data[0]);
    av_frame_unref(frame);
  }
  state.SetItemsProcessed(state.iterations());
  av_frame_free(&frame);
  for (AVPacket* p : packets)
    av_packet_free(&p);
  avcodec_free_context(&ctx);
}

void BM_RawOpenH264(benchmark::State& state, StreamKey key) {
  const auto& aus = Stream(key);
  auto decoder = MakeRawOpenH264Decoder();
  size_t i = 0;
  for (auto _ : state) {
    const int width = decoder->Decode(aus[i++ % aus.size()]);
    if (width != key.width) {
      state.SkipWithError("decode failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

int main(int argc, char** argv) {
  for (const auto& [w, h, label] : {std::tuple{1280, 720, "720p"}, std::tuple{640, 360, "360p"}}) {
    for (const auto& [profile, pname] :
         {std::pair{H264Profile::kHigh, "high"}, std::pair{H264Profile::kConstrainedBaseline, "cbp"}}) {
      const StreamKey key{w, h, profile};
      const std::string base = std::string("BM_Decode/ffmpeg/") + pname + "/" + label;
      benchmark::RegisterBenchmark((base + "/raw").c_str(), BM_RawFfmpeg, key)->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark((base + "/wrapper").c_str(), BM_Wrapper, key, VideoDecoderImplementation::kFfmpeg)
          ->Unit(benchmark::kMicrosecond);
      if (profile == H264Profile::kConstrainedBaseline) {
        const std::string ob = std::string("BM_Decode/openh264/") + pname + "/" + label;
        benchmark::RegisterBenchmark((ob + "/raw").c_str(), BM_RawOpenH264, key)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark((ob + "/wrapper").c_str(), BM_Wrapper, key, VideoDecoderImplementation::kOpenH264)
            ->Unit(benchmark::kMicrosecond);
      }
    }
  }
  return tessera::codecs_benchmarks::RunWithPairReport(argc, argv, "worst_decoder_wrapper_over_raw");
}

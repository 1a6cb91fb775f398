// Single-thread H.264 encode rate: x264 at ultrafast, superfast and veryfast, and
// OpenH264, at 1080p, 720p, 360p and 180p, each wrapper beside the raw library with the
// same settings (raw_x264.cc, raw_openh264.cc), on the same 30 pre-rendered pictures of
// the synthetic moving picture, in the same run. One iteration = one picture.
//
//   build/release/benchmarks/codecs/video/video_encode_benchmark
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   (add --benchmark_filter=720p to keep it short)
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

#include "common/pair_reporter.h"
#include "raw_libraries.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/codecs_testing/synthetic_video.h"

namespace {

using namespace tessera;
using namespace tessera::codecs;
using tessera::codecs_benchmarks::RawEncoderSettings;

constexpr int kPictures = 30;

const std::vector<I420Buffer>& Pictures(int width, int height) {
  static std::map<std::pair<int, int>, std::vector<I420Buffer>> cache;
  auto& frames = cache[{width, height}];
  if (frames.empty())
    frames = codecs_testing::RenderFrames(codecs_testing::SyntheticVideo(width, height), 0, kPictures);
  return frames;
}

struct Case {
  int width;
  int height;
  int bitrate_bps;
  VideoEncoderImplementation implementation;
  EncoderSpeed speed;
  const char* x264_preset;
};

void BM_Wrapper(benchmark::State& state, Case c) {
  const auto& pictures = Pictures(c.width, c.height);
  VideoEncoderConfig config{.codec = CodecId::kH264,
                            .implementation = c.implementation,
                            .width = c.width,
                            .height = c.height,
                            .fps = 30,
                            .bitrate_bps = c.bitrate_bps};
  config.speed = c.speed;
  auto encoder = CreateVideoEncoder(config);
  if (!encoder) {
    state.SkipWithError(encoder.error().detail);
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    auto au = (*encoder)->Encode(pictures[i++ % pictures.size()].const_view(), 0);
    benchmark::DoNotOptimize(au);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Raw(benchmark::State& state, Case c) {
  const auto& pictures = Pictures(c.width, c.height);
  const RawEncoderSettings s{c.width, c.height, 30, c.bitrate_bps, c.x264_preset};
  auto encoder = c.implementation == VideoEncoderImplementation::kX264 ? codecs_benchmarks::MakeRawX264(s)
                                                                       : codecs_benchmarks::MakeRawOpenH264Encoder(s);
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(encoder->Encode(pictures[i++ % pictures.size()].const_view()));
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

int main(int argc, char** argv) {
  struct Size {
    int w, h, bps;
    const char* label;
  };
  struct Encoder {
    VideoEncoderImplementation impl;
    EncoderSpeed speed;
    const char* preset;
    const char* label;
  };
  for (const Size& size : {Size{1920, 1080, 4'000'000, "1080p"}, Size{1280, 720, 2'000'000, "720p"},
                           Size{640, 360, 800'000, "360p"}, Size{320, 180, 250'000, "180p"}}) {
    for (const Encoder& e :
         {Encoder{VideoEncoderImplementation::kX264, EncoderSpeed::kUltrafast, "ultrafast", "x264_ultrafast"},
          Encoder{VideoEncoderImplementation::kX264, EncoderSpeed::kSuperfast, "superfast", "x264_superfast"},
          Encoder{VideoEncoderImplementation::kX264, EncoderSpeed::kVeryfast, "veryfast", "x264_veryfast"},
          Encoder{VideoEncoderImplementation::kOpenH264, EncoderSpeed::kUltrafast, "", "openh264"}}) {
      const Case c{size.w, size.h, size.bps, e.impl, e.speed, e.preset};
      const std::string base = std::string("BM_Encode/") + e.label + "/" + size.label;
      benchmark::RegisterBenchmark((base + "/raw").c_str(), BM_Raw, c)->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark((base + "/wrapper").c_str(), BM_Wrapper, c)->Unit(benchmark::kMicrosecond);
    }
  }
  return tessera::codecs_benchmarks::RunWithPairReport(argc, argv, "worst_encoder_wrapper_over_raw");
}

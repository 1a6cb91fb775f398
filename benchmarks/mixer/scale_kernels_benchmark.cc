// I420 scaling per kernel variant, for the ratios an MCU sees. "cold" runs rotate through
// enough distinct source frames (24) that they come from memory, as a decoder's output
// does; "hot" reuses one frame, which then sits in L2, so the difference is the cost of
// memory the prefetching did not hide. The same kernel table drives the bit-exactness tests.
//
//   build/release/benchmarks/mixer/scale_kernels_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "tessera/base/video_frame.h"
#include "tessera/mixer/video/plane_scaler.h"

namespace {

using tessera::I420Buffer;
using tessera::mixer::PlaneScaler;
using tessera::mixer::ScaleKernelVariant;

struct Case {
  const char* name;
  int src_w, src_h, dst_w, dst_h;
};
constexpr Case kCases[] = {
    {"720p_to_3x3_tile_620x348", 1280, 720, 620, 348},   {"720p_to_2x2_tile_952x536", 1280, 720, 952, 536},
    {"1080p_to_3x3_tile_620x348", 1920, 1080, 620, 348}, {"1080p_to_5x5_tile_364x204", 1920, 1080, 364, 204},
    {"360p_to_2x2_tile_952x536", 640, 360, 952, 536},    {"720p_to_1080p_full", 1280, 720, 1920, 1080},
};

void BM_ScaleI420(benchmark::State& state, ScaleKernelVariant variant, Case c, int frame_count) {
  std::vector<I420Buffer> frames;
  std::mt19937 rng(1);
  for (int i = 0; i < frame_count; ++i) {
    frames.emplace_back(c.src_w, c.src_h);
    auto v = frames.back().view();
    for (int y = 0; y < c.src_h; ++y)
      for (int x = 0; x < c.src_w; ++x)
        v.y[y * v.stride_y + x] = static_cast<uint8_t>(x + y + i * 7 + (rng() & 15));
    for (int y = 0; y < v.chroma_height(); ++y)
      for (int x = 0; x < v.chroma_width(); ++x) {
        v.u[y * v.stride_u + x] = static_cast<uint8_t>(x * 3 + i);
        v.v[y * v.stride_v + x] = static_cast<uint8_t>(y * 3 + i);
      }
  }
  I420Buffer dst(c.dst_w, c.dst_h);
  PlaneScaler luma(variant.kernels), chroma(variant.kernels);
  luma.Configure(tessera::mixer::WholePlane(c.src_w, c.src_h, c.dst_w, c.dst_h));
  chroma.Configure(
      tessera::mixer::WholePlane((c.src_w + 1) / 2, (c.src_h + 1) / 2, (c.dst_w + 1) / 2, (c.dst_h + 1) / 2));
  tessera::mixer::AlignedArray<uint8_t> scratch(std::max(luma.scratch_bytes(), chroma.scratch_bytes()));
  size_t i = 0;
  for (auto _ : state) {
    const auto s = frames[i++ % static_cast<size_t>(frame_count)].const_view();
    auto d = dst.view();
    luma.ScaleRows(s.y, s.stride_y, d.y, d.stride_y, 0, c.dst_h, scratch.data());
    chroma.ScaleRows(s.u, s.stride_u, d.u, d.stride_u, 0, d.chroma_height(), scratch.data());
    chroma.ScaleRows(s.v, s.stride_v, d.v, d.stride_v, 0, d.chroma_height(), scratch.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(variant.kernels.isa);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * c.src_w * c.src_h * 3 / 2);
}

// One row of each pass on its own, hot in L1: the compute cost of the kernels.
void BM_VerticalRow(benchmark::State& state, ScaleKernelVariant variant) {
  const int width = static_cast<int>(state.range(0));
  const int taps = static_cast<int>(state.range(1));
  std::vector<tessera::mixer::AlignedArray<uint8_t>> rows;
  std::vector<const uint8_t*> pointers;
  for (int k = 0; k < taps; ++k) {
    rows.emplace_back(static_cast<size_t>(width));
    for (int x = 0; x < width; ++x)
      rows.back()[static_cast<size_t>(x)] = static_cast<uint8_t>(x * (k + 1));
    pointers.push_back(rows.back().data());
  }
  std::vector<uint8_t> weights(static_cast<size_t>(taps), static_cast<uint8_t>(256 / taps));
  tessera::mixer::AlignedArray<uint8_t> inter(static_cast<size_t>(width));
  for (auto _ : state) {
    variant.kernels.vertical(pointers.data(), weights.data(), taps, inter.data(), width, {});
    benchmark::ClobberMemory();
  }
  state.SetLabel(variant.kernels.isa);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * width);
}

void BM_HorizontalRow(benchmark::State& state, ScaleKernelVariant variant) {
  const int src_width = static_cast<int>(state.range(0));
  const int dst_width = static_cast<int>(state.range(1));
  PlaneScaler scaler(variant.kernels);  // builds the real area filter and its gather table
  scaler.Configure(tessera::mixer::WholePlane(src_width, 2, dst_width, 2));
  tessera::mixer::AlignedArray<uint8_t> src(static_cast<size_t>(src_width) * 2);
  tessera::mixer::AlignedArray<uint8_t> dst(static_cast<size_t>(dst_width) * 2);
  tessera::mixer::AlignedArray<uint8_t> scratch(scaler.scratch_bytes());
  // Two rows in, two out at ratio 1 vertically: the vertical pass is a near-copy, so the
  // difference from BM_VerticalRow at 2 taps is the horizontal pass.
  for (auto _ : state) {
    scaler.ScaleRows(src.data(), src_width, dst.data(), dst_width, 0, 2, scratch.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(variant.kernels.isa);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * dst_width * 2);
}

}  // namespace

int main(int argc, char** argv) {
  const tessera::CpuFeatures features = tessera::GetCpuFeatures();
  for (const auto& v : tessera::mixer::AllScaleKernelVariants()) {
    if ((features.bits() & v.required_features) != v.required_features) continue;
    for (const Case& c : kCases) {
      for (const bool cold : {true, false}) {
        const std::string name =
            std::string("BM_ScaleI420/") + c.name + "/" + v.kernels.isa + (cold ? "/cold" : "/hot");
        benchmark::RegisterBenchmark(name.c_str(), BM_ScaleI420, v, c, cold ? 24 : 1)->Unit(benchmark::kMicrosecond);
      }
    }
  }
  for (const auto& v : tessera::mixer::AllScaleKernelVariants()) {
    if ((features.bits() & v.required_features) != v.required_features) continue;
    benchmark::RegisterBenchmark((std::string("BM_VerticalRow/") + v.kernels.isa).c_str(), BM_VerticalRow, v)
        ->Args({1280, 2})
        ->Args({1280, 4})
        ->Args({1920, 6});
    benchmark::RegisterBenchmark((std::string("BM_ScaleTwoRows/") + v.kernels.isa).c_str(), BM_HorizontalRow, v)
        ->Args({1280, 620})
        ->Args({1920, 620})
        ->Args({640, 952});
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

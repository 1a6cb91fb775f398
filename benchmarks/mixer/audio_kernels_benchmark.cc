// ns per 960-sample (20 ms at 48 kHz) saturating frame-add, and per frame of each mixing
// kernel, for every kernel variant this CPU runs. The same kernel table drives the bit-exactness tests (style.md
// practice 2). Buffers are 64-byte aligned, as the mixer allocates them; the "/offset16" runs show the cost of a caller
// that passes buffers 16 bytes off a cache line.
//
//   build/release/benchmarks/mixer/audio_kernels_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "tessera/mixer/audio/kernels/audio_kernels.h"

namespace {

using tessera::mixer::AudioKernelVariant;

struct FreeDeleter {
  void operator()(int16_t* p) const { std::free(p); }
};
using AlignedSamples = std::unique_ptr<int16_t[], FreeDeleter>;
struct FreeDeleter32 {
  void operator()(int32_t* p) const { std::free(p); }
};
std::unique_ptr<int32_t[], FreeDeleter32> Allocate32(size_t n) {
  return std::unique_ptr<int32_t[], FreeDeleter32>(
      static_cast<int32_t*>(std::aligned_alloc(tessera::mixer::kAudioBufferAlignment, (n * 4 + 63) / 64 * 64)));
}

AlignedSamples AllocateAligned(size_t n) {
  const size_t bytes = (n * sizeof(int16_t) + 63) / 64 * 64;
  return AlignedSamples(static_cast<int16_t*>(std::aligned_alloc(tessera::mixer::kAudioBufferAlignment, bytes)));
}

void BM_AddSaturateS16(benchmark::State& state, AudioKernelVariant variant, size_t offset) {
  const size_t n = static_cast<size_t>(state.range(0));
  AlignedSamples src_buffer = AllocateAligned(n + offset), dst_buffer = AllocateAligned(n + offset);
  int16_t* src = src_buffer.get() + offset;
  int16_t* dst = dst_buffer.get() + offset;
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> dist(-20000, 20000);
  for (size_t i = 0; i < n; ++i) {
    src[i] = static_cast<int16_t>(dist(rng));
    dst[i] = static_cast<int16_t>(dist(rng));
  }
  for (auto _ : state) {
    variant.kernels.add_saturate_s16(src, dst, n);
    benchmark::DoNotOptimize(dst);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetLabel(variant.kernels.isa);
}

// The mixing kernels per 960-sample frame (20 ms at 48 kHz), hot, 64-byte aligned.
struct MixBuffers {
  AlignedSamples s16 = AllocateAligned(1024);
  std::unique_ptr<int32_t[], FreeDeleter32> a = Allocate32(1024), b = Allocate32(1024), ramp = Allocate32(1024);
  MixBuffers() {
    std::mt19937 rng(3);
    for (int i = 0; i < 1024; ++i) {
      s16.get()[i] = static_cast<int16_t>(rng());
      a.get()[i] = static_cast<int32_t>(rng() % 200000) - 100000;
      b.get()[i] = static_cast<int32_t>(rng() % 200000) - 100000;
    }
    tessera::mixer::MakeGainRamp(ramp.get(), 960);
  }
};

void BM_SumSquaresS16(benchmark::State& state, AudioKernelVariant v) {
  MixBuffers m;
  for (auto _ : state)
    benchmark::DoNotOptimize(v.kernels.sum_squares_s16(m.s16.get(), 960));
  state.SetLabel(v.kernels.isa);
}
void BM_ScaleS16ToS32Ramp(benchmark::State& state, AudioKernelVariant v) {
  MixBuffers m;
  for (auto _ : state) {
    v.kernels.scale_s16_to_s32(m.s16.get(), m.a.get(), 960, {0, 4096, m.ramp.get()});
    benchmark::ClobberMemory();
  }
  state.SetLabel(v.kernels.isa);
}
void BM_AddS32(benchmark::State& state, AudioKernelVariant v) {
  MixBuffers m;
  for (auto _ : state) {
    v.kernels.add_s32(m.b.get(), m.a.get(), 960);
    benchmark::ClobberMemory();
  }
  state.SetLabel(v.kernels.isa);
}
void BM_LimitS32ToS16MinusOwn(benchmark::State& state, AudioKernelVariant v) {
  MixBuffers m;
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.kernels.peak_abs_s32(m.a.get(), m.b.get(), 960));
    v.kernels.limit_s32_to_s16(m.a.get(), m.b.get(), m.s16.get(), 960, {20000, 24000, m.ramp.get()});
    benchmark::ClobberMemory();
  }
  state.SetLabel(v.kernels.isa);
}

}  // namespace

int main(int argc, char** argv) {
  const tessera::CpuFeatures features = tessera::GetCpuFeatures();
  for (const auto& v : tessera::mixer::AllAudioKernelVariants()) {
    if ((features.bits() & v.required_features) != v.required_features) continue;
    const std::string isa = v.kernels.isa;
    benchmark::RegisterBenchmark(("BM_AddSaturateS16/" + isa).c_str(), BM_AddSaturateS16, v, size_t{0})
        ->Arg(960)
        ->Arg(1920);
    benchmark::RegisterBenchmark(("BM_AddSaturateS16/" + isa + "/offset16").c_str(), BM_AddSaturateS16, v, size_t{8})
        ->Arg(960);
    benchmark::RegisterBenchmark(("BM_SumSquaresS16/" + isa + "/960").c_str(), BM_SumSquaresS16, v);
    benchmark::RegisterBenchmark(("BM_ScaleS16ToS32Ramp/" + isa + "/960").c_str(), BM_ScaleS16ToS32Ramp, v);
    benchmark::RegisterBenchmark(("BM_AddS32/" + isa + "/960").c_str(), BM_AddS32, v);
    benchmark::RegisterBenchmark(("BM_PeakAndLimitMinusOwn/" + isa + "/960").c_str(), BM_LimitS32ToS16MinusOwn, v);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

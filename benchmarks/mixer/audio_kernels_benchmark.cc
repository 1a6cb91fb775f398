// ns per 960-sample (20 ms at 48 kHz) saturating frame-add, for every kernel variant this
// CPU runs. The same kernel table drives the bit-exactness tests (style.md practice 2).
// Buffers are 64-byte aligned, as the mixer allocates them; the "/offset16" runs show the
// cost of a caller that passes buffers 16 bytes off a cache line.
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
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// One audio mixer tick for a large conference: N sources (default 1000) of which 4 talk
// and the rest send room noise, 20 ms frames, K = 4. Every tick measures every source's
// energy and voice activity, selects, sums the talkers once, and produces the listeners'
// output and one total-minus-own output per talker. Frames rotate (a talker's over a second
// of syllables and pauses, the others' over 4 frames of noise: N x 4 x 1.9 kB in all), as
// decoder output would arrive, so they are not all hot in L1/L2. The "talkers" counter is
// the number of outputs per tick: the four talkers are detected and mixed.
//
//   build/release/benchmarks/mixer/audio_mixer_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "tessera/mixer/audio/audio_mixer.h"

namespace {

using namespace tessera::mixer;

void BM_MixTick(benchmark::State& state, AudioKernelVariant variant, int frame_samples) {
  const int sources = static_cast<int>(state.range(0));
  const int talkers = 4;
  constexpr int kTalkFrames = 50;  // a second of speech: syllables with pauses between
  constexpr int kNoiseFrames = 4;
  AudioMixerConfig config;
  config.frame_samples = frame_samples;
  config.kernels = variant.kernels;
  AudioMixer mixer(config);
  std::vector<AudioSourceHandle> handles;
  for (int i = 0; i < sources; ++i)
    handles.push_back(mixer.AddSource(static_cast<AudioSourceId>(i)));
  const size_t n = static_cast<size_t>(frame_samples);
  std::mt19937 rng(5);
  std::normal_distribution<double> room(0, 40);
  std::vector<std::vector<std::vector<int16_t>>> frames(static_cast<size_t>(sources));
  for (int i = 0; i < sources; ++i) {
    const int count = i < talkers ? kTalkFrames : kNoiseFrames;
    for (int f = 0; f < count; ++f) {
      std::vector<int16_t> frame(n);
      for (size_t k = 0; k < n; ++k) {
        const double t = static_cast<double>(f * n + k) / 48000;
        const double syllable = std::max(0.0, std::sin(2 * 3.14159 * 4 * t));
        frame[k] = i < talkers
                       ? static_cast<int16_t>(8000 * syllable * std::sin(2 * 3.14159 * (150 + 20 * i) * t) + room(rng))
                       : static_cast<int16_t>(room(rng));
      }
      frames[static_cast<size_t>(i)].push_back(std::move(frame));
    }
  }
  std::vector<std::vector<AudioInput>> inputs(kTalkFrames);
  for (int f = 0; f < kTalkFrames; ++f) {
    for (int i = 0; i < sources; ++i) {
      const auto& own = frames[static_cast<size_t>(i)];
      inputs[static_cast<size_t>(f)].push_back(
          {handles[static_cast<size_t>(i)], own[static_cast<size_t>(f) % own.size()]});
    }
  }
  for (int warm = 0; warm < 150; ++warm)
    mixer.Mix(inputs[static_cast<size_t>(warm % kTalkFrames)]);
  size_t tick = 0;
  size_t talker_outputs = 0;
  for (auto _ : state) {
    const MixResult& r = mixer.Mix(inputs[tick++ % kTalkFrames]);
    talker_outputs += r.talkers.size();
    benchmark::DoNotOptimize(r.listeners.data());
  }
  state.counters["talkers"] = static_cast<double>(talker_outputs) / static_cast<double>(state.iterations());
  state.SetLabel(variant.kernels.isa);
}

}  // namespace

int main(int argc, char** argv) {
  const tessera::CpuFeatures features = tessera::GetCpuFeatures();
  for (const auto& v : AllAudioKernelVariants()) {
    if ((features.bits() & v.required_features) != v.required_features) continue;
    for (int frame : {960, 480}) {
      const std::string name = std::string("BM_MixTick/") + v.kernels.isa + (frame == 960 ? "/20ms" : "/10ms");
      benchmark::RegisterBenchmark(name.c_str(), BM_MixTick, v, frame)
          ->Arg(10)
          ->Arg(100)
          ->Arg(1000)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// The audio mixer driven by arbitrary sequences of control calls and ticks (stale handles,
// wrong lengths, duplicates, extreme gains, full-scale noise): never a crash, every output
// one frame long, no more talkers than K plus those ramping out, and the limited outputs
// never beyond the limiter's threshold.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_input.h"
#include "tessera/mixer/audio/audio_mixer.h"

using namespace tessera::mixer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tessera::fuzzing::FuzzInput in(data, size);
  AudioMixerConfig config;
  config.frame_samples = in.Bool() ? 480 : 960;
  config.max_talkers = in.Int(0, 20);
  config.max_sources = in.Int(1, 40);
  AudioMixer mixer(config);
  const size_t n = static_cast<size_t>(mixer.config().frame_samples);
  const int k = mixer.config().max_talkers;
  std::vector<AudioSourceHandle> handles;
  std::vector<std::vector<int16_t>> frames;
  std::vector<AudioInput> inputs;
  for (int step = 0; step < 200 && !in.empty(); ++step) {
    switch (in.Byte() % 6) {
      case 0:
        handles.push_back(mixer.AddSource(in.Byte()));
        break;
      case 1:
        if (!handles.empty()) mixer.RemoveSource(handles[in.Byte() % handles.size()]);
        break;
      case 2:
        if (!handles.empty()) mixer.SetGain(handles[in.Byte() % handles.size()], in.Double() * 10);
        break;
      case 3:
        if (!handles.empty()) mixer.SetMuted(handles[in.Byte() % handles.size()], in.Bool());
        break;
      default: {
        frames.clear();
        inputs.clear();
        const int count = in.Int(0, 12);
        frames.resize(static_cast<size_t>(count));
        for (int i = 0; i < count && !handles.empty(); ++i) {
          const uint8_t shape = in.Byte();
          auto& f = frames[static_cast<size_t>(i)];
          f.resize((shape & 0xc0) == 0xc0 ? n / 2 : n);  // sometimes the wrong length
          const int amplitude = (shape & 0x3f) * 520;
          for (size_t s = 0; s < f.size(); ++s)
            f[s] = static_cast<int16_t>(((s * 2654435761u) >> 7) % (2 * amplitude + 1) - amplitude);
          inputs.push_back({handles[in.Byte() % handles.size()], f});
        }
        const MixResult& r = mixer.Mix(inputs);
        if (r.listeners.size() != n || r.talkers.size() > static_cast<size_t>(2 * k)) __builtin_trap();
        for (const auto& t : r.talkers)
          if (t.samples.size() != n) __builtin_trap();
        const int threshold = 29204;  // -1 dBFS: the limited outputs stay within it
        if (r.talkers.size() > 1) {
          for (int16_t v : r.listeners)
            if (std::abs(int{v}) > threshold + 1) __builtin_trap();
        }
        break;
      }
    }
  }
  return 0;
}

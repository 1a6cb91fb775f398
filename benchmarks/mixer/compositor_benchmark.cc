// Composing a 1920x1080 canvas per layout and source size, on one thread and on a pool of
// two (the compositor splits tiles into bands for ParallelFor). Sources are cold: each
// rotates through 8 distinct frames. Labels are on (Names blended every frame); the
// FFmpeg comparison is compare_compositor.
//
//   build/release/benchmarks/mixer/compositor_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tessera/mixer/video/compositor.h"

namespace {

using namespace tessera;
using namespace tessera::mixer;

// A persistent pool: Run hands jobs out from an atomic counter to the workers and the
// calling thread (worker 0), and waits for all of them.
class Pool final : public ParallelFor {
 public:
  explicit Pool(int threads) : threads_(threads) {
    for (int w = 1; w < threads; ++w)
      workers_.emplace_back([this, w] { Work(w); });
  }
  ~Pool() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_)
      t.join();
  }
  int max_workers() const override { return threads_; }
  void Run(int count, FunctionRef<void(int, int)> job) override {
    {
      std::lock_guard lock(mutex_);
      job_ = &job;
      count_ = count;
      next_ = 0;
      busy_ = threads_ - 1;
      ++round_;
    }
    wake_.notify_all();
    Drain(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
  }

 private:
  void Drain(int worker) {
    for (int i = next_++; i < count_; i = next_++)
      (*job_)(i, worker);
  }
  void Work(int worker) {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || round_ != seen; });
        if (stop_) return;
        seen = round_;
      }
      Drain(worker);
      std::lock_guard lock(mutex_);
      if (--busy_ == 0) done_.notify_one();
    }
  }
  int threads_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  FunctionRef<void(int, int)>* job_ = nullptr;
  std::atomic<int> next_{0};
  int count_ = 0;
  int busy_ = 0;
  uint64_t round_ = 0;
  bool stop_ = false;
};

struct Case {
  const char* layout;
  int sources, width, height;
};
constexpr Case kCases[] = {
    {"3x3", 9, 1280, 720}, {"3x3", 9, 1920, 1080}, {"2x2", 4, 1280, 720},    {"1+5", 6, 1280, 720},
    {"5x5", 25, 640, 360}, {"1x1", 1, 1280, 720},  {"10x10", 100, 320, 180},
};

void BM_Compose(benchmark::State& state, Case c, int threads) {
  constexpr int kFrames = 8;
  std::vector<I420Buffer> frames;
  for (int i = 0; i < c.sources * kFrames; ++i) {
    frames.emplace_back(c.width, c.height);
    I420MutableView v = frames.back().view();
    for (int y = 0; y < c.height; ++y)
      for (int x = 0; x < c.width; ++x)
        v.y[y * v.stride_y + x] = static_cast<uint8_t>(x + y + i);
    for (int y = 0; y < v.chroma_height(); ++y) {
      std::memset(v.u + y * v.stride_u, 90 + i % 50, static_cast<size_t>(v.chroma_width()));
      std::memset(v.v + y * v.stride_v, 160 - i % 50, static_cast<size_t>(v.chroma_width()));
    }
  }
  static auto text = CreateFreeTypeTextRenderer(kDefaultFontPath);
  Compositor::Options options{{1920, 1080}};
  options.text = text ? text->get() : nullptr;
  Compositor compositor(options);
  std::vector<SceneSource> scene(static_cast<size_t>(c.sources));
  for (int i = 0; i < c.sources; ++i)
    scene[static_cast<size_t>(i)].name = "Participant " + std::to_string(i + 1);
  Pool pool(threads);
  compositor.SetScene(ComputeLayout(*FindNamedLayout(c.layout), {1920, 1080},
                                    std::vector<LayoutSource>(static_cast<size_t>(c.sources))),
                      scene, threads);
  I420Buffer canvas(1920, 1080);
  std::vector<I420View> views(static_cast<size_t>(c.sources));
  size_t k = 0;
  for (auto _ : state) {
    for (int s = 0; s < c.sources; ++s) {
      views[static_cast<size_t>(s)] = frames[static_cast<size_t>(s * kFrames) + k % kFrames].const_view();
    }
    ++k;
    compositor.Compose(views, canvas.view(), pool);
  }
  state.SetLabel(options.scale_kernels.isa);
}

}  // namespace

int main(int argc, char** argv) {
  for (const Case& c : kCases) {
    for (int threads : {1, 2}) {
      const std::string name = std::string("BM_Compose/") + c.layout + "/" + std::to_string(c.width) + "x" +
                               std::to_string(c.height) + "/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(name.c_str(), BM_Compose, c, threads)->Unit(benchmark::kMicrosecond)->UseRealTime();
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

#pragma once
// CPU time by stage of a room's ticks (decode, compose, encode, send, audio), for the
// operator's question "where do the cores go?". Thread CPU time, not wall time: a stage
// spread over the worker pool is counted on every thread it ran on, and time a strand
// spends waiting for a worker is not counted.
//
// StageCpu measures the calling thread across a stage; TimedParallelFor wraps the pool for
// the stage's parallel jobs and adds the CPU of the jobs that ran on other threads (jobs
// on the calling thread are already inside its measurement). Each reading is one
// clock_gettime(CLOCK_THREAD_CPUTIME_ID): well under a microsecond, a few per job.
//
// Thread safety: the counters are atomics; a StageCpu / TimedParallelFor lives on the
// stack of one strand handler.

#include <time.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <thread>

#include "tessera/mixer/parallel_for.h"

namespace tessera::mcu::conference {

enum class Stage : uint8_t { kDecode, kCompose, kEncode, kSend, kAudio };
inline constexpr int kStageCount = 5;
inline constexpr std::array<const char*, kStageCount> kStageNames = {"decode", "compose", "encode", "send", "audio"};

using StageCounters = std::array<std::atomic<uint64_t>, kStageCount>;  // nanoseconds

inline uint64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Adds the calling thread's CPU time from construction to destruction to one stage.
class StageCpu {
 public:
  StageCpu(StageCounters& counters, Stage stage) : counter_(counters[static_cast<size_t>(stage)]) {}
  ~StageCpu() { counter_.fetch_add(ThreadCpuNanos() - start_, std::memory_order_relaxed); }
  StageCpu(const StageCpu&) = delete;
  StageCpu& operator=(const StageCpu&) = delete;

 private:
  std::atomic<uint64_t>& counter_;
  const uint64_t start_ = ThreadCpuNanos();
};

// The pool, with the CPU of jobs run off the calling thread added to one stage. Use it
// inside a StageCpu of the same stage.
class TimedParallelFor final : public mixer::ParallelFor {
 public:
  TimedParallelFor(mixer::ParallelFor& inner, StageCounters& counters, Stage stage)
      : inner_(inner), counter_(counters[static_cast<size_t>(stage)]) {}

  int max_workers() const override { return inner_.max_workers(); }
  void Run(int count, mixer::FunctionRef<void(int job, int worker)> job) override {
    const std::thread::id caller = std::this_thread::get_id();
    auto timed = [&](int i, int worker) {
      if (std::this_thread::get_id() == caller) return job(i, worker);
      const uint64_t start = ThreadCpuNanos();
      job(i, worker);
      counter_.fetch_add(ThreadCpuNanos() - start, std::memory_order_relaxed);
    };
    inner_.Run(count, timed);
  }

 private:
  mixer::ParallelFor& inner_;
  std::atomic<uint64_t>& counter_;
};

}  // namespace tessera::mcu::conference

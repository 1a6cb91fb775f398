#pragma once
// ParallelFor: how the compositor (and anything else in the mixer with independent jobs)
// borrows threads without owning any. The engine's worker pool implements it; the mixer
// only describes jobs that write disjoint memory, so running them needs no lock.
//
// Thread safety: Run is called from the owner's thread (the conference strand) and returns
// when every job has finished; the jobs themselves run on whatever threads Run chooses.

#include "tessera/mixer/function_ref.h"

namespace tessera::mixer {

class ParallelFor {
 public:
  virtual ~ParallelFor() = default;

  // How many workers Run may use at most: every `worker` index passed to a job is below it.
  virtual int max_workers() const = 0;

  // Calls job(i, worker) once for every i in [0, count), in any order and on any threads,
  // and returns when all calls have returned. One worker index is used by one thread at a
  // time, so per-worker scratch needs no lock.
  virtual void Run(int count, FunctionRef<void(int job, int worker)> job) = 0;
};

// Runs every job on the calling thread, in order, as worker 0.
class SequentialFor final : public ParallelFor {
 public:
  int max_workers() const override { return 1; }
  void Run(int count, FunctionRef<void(int job, int worker)> job) override {
    for (int i = 0; i < count; ++i)
      job(i, 0);
  }
};

}  // namespace tessera::mixer

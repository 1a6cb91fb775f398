#pragma once
// PoolParallelFor: mixer::ParallelFor on the media WorkerPool, so a room's compose, decodes
// and encodes use every core while the room's tick itself stays on one strand.
//
// Run() claims jobs with an atomic counter; it posts helper tasks to the pool and works on
// the jobs itself too, so it never waits on a helper that has not started: when every pool
// thread is busy with other rooms, the caller simply does all the work. A helper that
// starts after the jobs ran out returns at once. This makes nested or concurrent Runs from
// several rooms deadlock-free. The helpers' bookkeeping is a small block shared with them
// (one allocation per Run, not per job).
//
// Thread safety: Run may be called from several threads at once (different rooms).

#include <boost/asio/io_context.hpp>

#include "tessera/mixer/parallel_for.h"

namespace tessera::mcu::conference {

class PoolParallelFor final : public mixer::ParallelFor {
 public:
  // `workers`: the pool's thread count (the caller counts as one of them).
  PoolParallelFor(boost::asio::io_context& pool, int workers) : pool_(pool), workers_(workers < 1 ? 1 : workers) {}

  int max_workers() const override { return workers_ + 1; }
  void Run(int count, mixer::FunctionRef<void(int job, int worker)> job) override;

 private:
  boost::asio::io_context& pool_;
  int workers_;
};

}  // namespace tessera::mcu::conference

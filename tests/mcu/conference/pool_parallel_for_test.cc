#include "tessera/mcu/conference/pool_parallel_for.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "tessera/mcu/worker_pool.h"

namespace tessera::mcu::conference {
namespace {

TEST(PoolParallelFor, RunsEveryJobOnceWithWorkerIndicesBelowTheMaximum) {
  WorkerPool pool("test", 3);
  pool.Start();
  PoolParallelFor pf(pool.context(), pool.size());
  std::vector<std::atomic<int>> runs(1000);
  std::atomic<int> bad_worker{0};
  pf.Run(1000, [&](int job, int worker) {
    runs[static_cast<size_t>(job)].fetch_add(1);
    if (worker < 0 || worker >= pf.max_workers()) bad_worker.fetch_add(1);
  });
  for (auto& r : runs) EXPECT_EQ(r.load(), 1);
  EXPECT_EQ(bad_worker.load(), 0);
  pool.Stop();
  pool.Join();
}

TEST(PoolParallelFor, CompletesWhenEveryPoolThreadIsBusyOrRunsItselfFromThePool) {
  WorkerPool pool("test", 2);
  pool.Start();
  PoolParallelFor pf(pool.context(), pool.size());
  // Two rooms' ticks, each on a pool thread, each running a ParallelFor that needs the
  // pool: the callers do the work themselves rather than wait for each other.
  std::atomic<int> done{0};
  std::atomic<int> total{0};
  for (int room = 0; room < 2; ++room) {
    boost::asio::post(pool.context(), [&] {
      pf.Run(200, [&](int, int) { total.fetch_add(1); });
      done.fetch_add(1);
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(done.load(), 2);
  EXPECT_EQ(total.load(), 400);
  pool.Stop();
  pool.Join();
}

}  // namespace
}  // namespace tessera::mcu::conference

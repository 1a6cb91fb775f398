#include "tessera/mcu/conference/pool_parallel_for.h"

#include <boost/asio/post.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace tessera::mcu::conference {

namespace {

struct Batch {
  explicit Batch(int count, mixer::FunctionRef<void(int, int)> job) : count(count), job(job) {}
  const int count;
  mixer::FunctionRef<void(int, int)> job;  // valid while the caller waits in Run
  std::atomic<int> next{0};
  std::atomic<int> next_worker{1};  // the caller is worker 0
  std::mutex mutex;
  std::condition_variable done_cv;
  int unfinished_helpers = 0;  // guarded by mutex
  bool closed = false;         // guarded by mutex: no more helpers may start working

  // Claims and runs jobs until none are left.
  void Work(int worker) {
    for (int i = next.fetch_add(1, std::memory_order_relaxed); i < count;
         i = next.fetch_add(1, std::memory_order_relaxed))
      job(i, worker);
  }
};

}  // namespace

void PoolParallelFor::Run(int count, mixer::FunctionRef<void(int job, int worker)> job) {
  if (count <= 0) return;
  if (count == 1) {
    job(0, 0);
    return;
  }
  auto batch = std::make_shared<Batch>(count, job);
  const int helpers = std::min(workers_, count - 1);
  for (int h = 0; h < helpers; ++h) {
    boost::asio::post(pool_, [batch] {
      {
        std::lock_guard lock(batch->mutex);
        if (batch->closed) return;  // the caller finished everything and left
        ++batch->unfinished_helpers;
      }
      batch->Work(batch->next_worker.fetch_add(1, std::memory_order_relaxed));
      std::lock_guard lock(batch->mutex);
      if (--batch->unfinished_helpers == 0) batch->done_cv.notify_all();
    });
  }
  batch->Work(0);
  // Every job is claimed; wait only for helpers that are running one. Helpers that have
  // not started yet will see `closed` and never touch `job` (which dies with this frame).
  std::unique_lock lock(batch->mutex);
  batch->closed = true;
  batch->done_cv.wait(lock, [&] { return batch->unfinished_helpers == 0; });
}

}  // namespace tessera::mcu::conference

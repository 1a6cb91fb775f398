#include "tessera/mcu/worker_pool.h"

#include <pthread.h>

#include <fmt/format.h>

namespace tessera::mcu {

WorkerPool::WorkerPool(std::string name, int threads)
    : name_(std::move(name)),
      thread_count_(threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency())),
      context_(thread_count_) {}

WorkerPool::~WorkerPool() {
  Stop();
  Join();
}

void WorkerPool::Start() {
  work_.emplace(context_.get_executor());
  for (int i = 0; i < thread_count_; ++i) {
    threads_.emplace_back([this, i] {
      // Thread names show in top -H, gdb and perf; Linux allows 15 characters.
      const std::string thread_name = fmt::format("{}-{}", name_, i).substr(0, 15);
      pthread_setname_np(pthread_self(), thread_name.c_str());
      context_.run();
    });
  }
}

void WorkerPool::Stop() {
  work_.reset();
  context_.stop();
}

void WorkerPool::Join() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace tessera::mcu

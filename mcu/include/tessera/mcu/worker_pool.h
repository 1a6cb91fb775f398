#pragma once
// WorkerPool: the media threads (design.md §4). One io_context run by N threads; each
// conference gets a strand of it, so a room's ticks never run concurrently with each other
// while different rooms (and the decodes/encodes they fan out) use every core.
//
// Thread safety: Start/Stop/Join from the owning (control) thread; context() from any.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tessera::mcu {

class WorkerPool {
 public:
  // `threads` == 0 means one per core. `name` prefixes thread names ("media" -> "media-0").
  WorkerPool(std::string name, int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Start();
  // Stops running handlers as soon as possible; pending work is abandoned.
  void Stop();
  void Join();

  boost::asio::io_context& context() { return context_; }
  int size() const { return thread_count_; }

 private:
  // owned
  std::string name_;
  int thread_count_;
  boost::asio::io_context context_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

}  // namespace tessera::mcu

// The thread pool the runner owns and lends to plugins for their parallel loops.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace seqlab {

// Row blocks fixed by the data, never by the thread or process count: a batch of
// `rows` sequences splits into reduction_blocks(rows) contiguous blocks of at most
// kReductionRows rows, sizes differing by at most one. A model whose gradient for a
// batch is its blocks' gradients added in block order (in float), each block's the
// same whether the block is part of the batch or a batch of its own, gets the same
// bits at any thread count; the runner's data-parallel backend hands each process
// whole blocks, trains each as a batch of its own and adds them in the same order,
// so the rank count changes nothing either. Inside a block the model may split the
// work further by any rule of the block's rows alone (seqlab's recurrent models
// halve a block of 64 to 255 rows, so that a mini-batch of 64 still fills two
// threads). See docs/performance.md, "Same numbers at any thread or rank count".
inline constexpr std::size_t kReductionRows = 512;
inline std::size_t reduction_blocks(std::size_t rows) {
  return rows <= kReductionRows ? 1 : (rows + kReductionRows - 1) / kReductionRows;
}
// Block `block` of a batch of `rows`: its rows [first, last). A block is at most
// kReductionRows rows, so a block trained as a batch of its own is one block.
inline std::pair<std::size_t, std::size_t> reduction_block(std::size_t rows, std::size_t block) {
  const std::size_t blocks = reduction_blocks(rows);
  return {rows * block / blocks, rows * (block + 1) / blocks};
}

// A fixed set of workers that run the tasks of one parallel loop at a time.
// The caller takes part, so a pool of size 1 has no threads and runs inline.
// Task i always goes to worker i % size(): which thread runs a task never
// changes results, and a plugin's reduction order stays its own choice.
// run() allocates nothing, so it may be called inside an epoch.
//
// Between loops a worker spins for `spin` (default kSpin) before it sleeps, and the caller
// spins as long before it sleeps waiting for the workers: a training step calls run() twice
// (forward, backward) with little work between, and a worker woken from sleep starts 50-125 us
// late (measured on the seed run), 2-3% of a 2-thread epoch. tools/pool_latency measures both.
class ThreadPool {
 public:
  static constexpr std::chrono::microseconds kSpin{200};

  // Throws std::system_error when the system refuses a thread (a process limit),
  // after stopping the ones already started.
  explicit ThreadPool(std::size_t threads, std::chrono::microseconds spin = kSpin)
      : size_(threads == 0 ? 1 : threads), spin_(spin) {
    try {
      for (std::size_t w = 1; w < size_; ++w) workers_.emplace_back([this, w] { work(w); });
    } catch (...) {
      stop();
      throw;
    }
  }
  ~ThreadPool() { stop(); }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return size_; }

  // Calls fn(i) for every i in [0, tasks) and returns when all are done. The
  // first exception thrown by a task is rethrown here. Not reentrant.
  template <class F>
  void run(std::size_t tasks, F&& fn) {
    if (size_ == 1 || tasks <= 1) {
      for (std::size_t i = 0; i < tasks; ++i) fn(i);
      return;
    }
    auto call = [](void* f, std::size_t i) { (*static_cast<std::remove_reference_t<F>*>(f))(i); };
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = {call, static_cast<void*>(&fn), tasks};
      error_ = nullptr;
      pending_.store(size_ - 1, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);  // spinning workers start here
    }
    wake_.notify_all();  // and sleeping ones here
    run_share(0);
    if (!spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
    }
    std::lock_guard<std::mutex> lock(mutex_);  // error_ is written under it
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  struct Job {
    void (*call)(void*, std::size_t) = nullptr;
    void* fn = nullptr;
    std::size_t tasks = 0;
  };

  // Polls done() for up to spin_; whether it became true.
  template <class Done>
  bool spin_until(Done&& done) const {
    if (done()) return true;
    const auto until = std::chrono::steady_clock::now() + spin_;
    do {
      for (int i = 0; i < 64; ++i) {
        if (done()) return true;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      }
    } while (std::chrono::steady_clock::now() < until);
    return done();
  }

  void run_share(std::size_t worker) {
    try {
      for (std::size_t i = worker; i < job_.tasks; i += size_) job_.call(job_.fn, i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }

  void work(std::size_t worker) {
    std::size_t seen = 0;
    for (;;) {
      const auto started = [&] { return generation_.load(std::memory_order_acquire) != seen; };
      if (!spin_until(started)) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, started);
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);  // job_ and stopping_ were written under it
        if (stopping_) return;
        seen = generation_.load(std::memory_order_relaxed);
      }
      run_share(worker);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);  // a caller about to sleep checks pending_ under it
        done_.notify_one();
      }
    }
  }

  std::size_t size_;
  std::chrono::microseconds spin_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  Job job_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::size_t> generation_{0};
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace seqlab

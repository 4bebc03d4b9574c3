// seqlab_pool_latency: how late a ThreadPool worker starts a parallel loop (seqlab/parallel.hpp), with the
// pool's spin before sleeping and without it (spin 0: the pool before it had one), side by side in one run.
//
// Usage: seqlab_pool_latency [--loops N] [--gap-us G]
// Each loop: the caller works alone for G microseconds (as between an epoch's forward and backward), then
// run()s two tasks; the delay is from run() to worker 1 starting its task. Prints one line per setting:
// median and 90th percentile in microseconds. Nothing here asserts a timing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "seqlab/parallel.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void busy_for(std::chrono::microseconds d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
  }
}

std::vector<double> delays_us(std::chrono::microseconds spin, int loops, std::chrono::microseconds gap) {
  seqlab::ThreadPool pool(2, spin);
  std::vector<double> delays;
  for (int i = 0; i < loops + 10; ++i) {  // the first 10 warm up
    busy_for(gap);
    const auto called = Clock::now();
    Clock::time_point started;
    pool.run(2, [&](std::size_t task) {
      if (task == 1) started = Clock::now();
    });
    if (i >= 10) delays.push_back(std::chrono::duration<double, std::micro>(started - called).count());
  }
  std::sort(delays.begin(), delays.end());
  return delays;
}

}  // namespace

int main(int argc, char** argv) {
  int loops = 2000;
  long gap = 300;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--loops") == 0 && i + 1 < argc)
      loops = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--gap-us") == 0 && i + 1 < argc)
      gap = std::atol(argv[++i]);
    else {
      std::fprintf(stderr, "usage: seqlab_pool_latency [--loops N] [--gap-us G]\n");
      return 2;
    }
  }
  if (loops < 1 || gap < 0) {
    std::fprintf(stderr, "seqlab_pool_latency: --loops must be at least 1 and --gap-us at least 0\n");
    return 2;
  }
  for (const auto spin : {std::chrono::microseconds(0), seqlab::ThreadPool::kSpin}) {
    const auto d = delays_us(spin, loops, std::chrono::microseconds(gap));
    std::printf("spin %4lld us: worker start delay median %.1f us, p90 %.1f us (%d loops, %ld us apart)\n",
                static_cast<long long>(spin.count()), d[d.size() / 2], d[d.size() * 9 / 10], loops, gap);
  }
  return 0;
}

// seqlab_activation_error: the worst error of the fast kernels' tanh and sigmoid over every float32 input
// (all 2^32 bit patterns, NaNs included), against double-precision libm, on all cores (about a minute on two).
//
// Usage: seqlab_activation_error [--stride N]   (N > 1: every Nth bit pattern only, for a quick look)
// The numbers it prints are the ones docs/performance.md and tests/kernels/test_fast_activations.cpp state.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "activation_error.hpp"

namespace {

using seqlab::activation_error::Function;
using seqlab::activation_error::Worst;

Worst measure_all(Function f, std::uint64_t stride) {
  const std::uint64_t last = 0xffffffffull;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<Worst> parts(threads);
  std::vector<std::thread> workers;
  // Thread i takes the patterns i*stride, (i+threads)*stride, ...: equal shares whatever the stride.
  for (unsigned i = 0; i < threads; ++i)
    workers.emplace_back(
        [&, i] { parts[i] = seqlab::activation_error::measure(f, i * stride, last, threads * stride); });
  Worst all;
  for (unsigned i = 0; i < threads; ++i) {
    workers[i].join();
    all.merge(parts[i]);
  }
  return all;
}

void print(const char* name, const Worst& w) {
  std::printf(
      "%-8s inputs %llu: max abs error %.3g (at %.9g), max %g ulp (at %.9g), max relative error %.3g (at %.9g)%s%s\n",
      name, static_cast<unsigned long long>(w.inputs), w.abs, w.abs_at, w.ulps, w.ulps_at, w.rel, w.rel_at,
      w.out_of_range ? ", RESULTS OUT OF RANGE" : "", w.nan_lost ? ", NaN LOST" : "");
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t stride = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--stride") == 0 && i + 1 < argc) {
      stride = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: seqlab_activation_error [--stride N]\n");
      return 2;
    }
  }
  if (stride == 0) {
    std::fprintf(stderr, "seqlab_activation_error: --stride must be at least 1\n");
    return 2;
  }
  print("tanh", measure_all(Function::tanh, stride));
  print("sigmoid", measure_all(Function::sigmoid, stride));
  return 0;
}

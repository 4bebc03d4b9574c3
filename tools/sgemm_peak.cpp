// seqlab_sgemm_peak: the matrix-product GFLOP/s this machine gives seqlab: single-call sgemm on large
// square float32 matrices through the OpenBLAS seqlab uses, and seqlab's register kernel on a recurrent step.
//
// Usage: seqlab_sgemm_peak [--threads N] [--sizes 1024,2048] [--reps R]
// Prints one JSON object: {"threads": N, "core": "...", "config": "...", "coretype_env": "..." or null,
// "library": "/path/of/libopenblas.so", "simd": {"arch": "avx512f", "bits": 512, "register_kernel": true}, "results":
// [{"n": 1024, "gflops": ..., "best_ms": ...}, ...], "register": {"shape": "...", "gflops": ...} or null,
// "peak_gflops": <best of all>}. core and config are what OpenBLAS says it runs (openblas_get_corename /
// openblas_get_config), coretype_env the OPENBLAS_CORETYPE this process saw, library the file the OpenBLAS functions
// were loaded from; simd is the instruction set seqlab's SIMD code (xsimd, and so the register kernel) was compiled
// for. tools/bench uses peak_gflops as the denominator of "% of sgemm peak" and the rest to describe the machine from
// what it measured. The sgemm goes through seqlab::gemm (xtensor-blas), and the register kernel through
// seqlab/kernels/register_gemm.hpp: exactly the paths the model plugins take.
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "seqlab/blas.hpp"
#include "seqlab/kernels/register_gemm.hpp"
#include <xsimd/xsimd.hpp>

// <cblas.h> cannot share a translation unit with xtensor-blas, so declare the two OpenBLAS extensions we need.
extern "C" {
void openblas_set_num_threads(int threads);
char* openblas_get_corename(void);
char* openblas_get_config(void);
}

namespace {

std::vector<std::size_t> parse_sizes(const char* text) {
  std::vector<std::size_t> sizes;
  std::string s(text);
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const std::size_t comma = std::min(s.find(',', pos), s.size());
    const long n = std::strtol(s.substr(pos, comma - pos).c_str(), nullptr, 10);
    if (n > 0) sizes.push_back(static_cast<std::size_t>(n));
    pos = comma + 1;
  }
  return sizes;
}

// GFLOP/s of the register kernel on the seed LSTM's forward step, C (1000 x 128) += A (1000 x 32) B (32 x 128),
// `threads` copies at once on their own buffers (as the model's shards run); 0 when the kernel does not apply.
double register_kernel_gflops(int threads, int reps) {
  constexpr std::size_t m = 1000, k = 32, n = 128, calls = 50;  // one epoch's forward steps
  if (!seqlab::register_gemm_fits(n)) return 0.0;
  std::vector<std::vector<float>> a(threads, std::vector<float>(m * k, 0.5f)),
      b(threads, std::vector<float>(k * n, 0.25f));
  std::vector<std::vector<float>> c(threads, std::vector<float>(m * n, 0.0f));
  auto work = [&](int t) {
    for (std::size_t i = 0; i < calls; ++i)
      seqlab::register_gemm_nn(a[t].data(), m, k, b[t].data(), n, c[t].data(), true);
  };
  double best_s = std::numeric_limits<double>::infinity();
  for (int r = 0; r <= reps; ++r) {  // the first round warms caches and clocks, untimed
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    const auto t1 = std::chrono::steady_clock::now();
    if (r > 0) best_s = std::min(best_s, std::chrono::duration<double>(t1 - t0).count());
  }
  return 2.0 * m * k * n * calls * threads / best_s / 1e9;
}

// text as the inside of a JSON string: quotes, backslashes and control characters escaped.
std::string json_text(const char* text) {
  std::string out;
  for (const char* p = text ? text : ""; *p; ++p) {
    const unsigned char ch = static_cast<unsigned char>(*p);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += *p;
    } else if (ch < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", ch);
      out += escaped;
    } else {
      out += *p;
    }
  }
  return out;
}

int usage() {
  std::fprintf(stderr, "usage: seqlab_sgemm_peak [--threads N] [--sizes 1024,2048] [--reps R]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  int reps = 5;
  std::vector<std::size_t> sizes = {1024, 2048};
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--threads") == 0 && has_value) {
      threads = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--reps") == 0 && has_value) {
      reps = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--sizes") == 0 && has_value) {
      sizes = parse_sizes(argv[++i]);
    } else {
      return usage();
    }
  }
  if (threads < 1 || reps < 1 || sizes.empty()) return usage();
  openblas_set_num_threads(threads);

  std::mt19937 rng(0);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  double peak = 0.0;
  std::string results;
  for (const std::size_t n : sizes) {
    std::vector<float> a(n * n), b(n * n), c(n * n, 0.0f);
    for (auto& x : a) x = dist(rng);
    for (auto& x : b) x = dist(rng);
    // One untimed call warms the BLAS thread pool, page-faults C and settles the clock.
    seqlab::gemm(a.data(), n, n, seqlab::Transpose::no, b.data(), n, n, seqlab::Transpose::no, c.data());
    double best_s = std::numeric_limits<double>::infinity();
    for (int r = 0; r < reps; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      seqlab::gemm(a.data(), n, n, seqlab::Transpose::no, b.data(), n, n, seqlab::Transpose::no, c.data());
      const auto t1 = std::chrono::steady_clock::now();
      best_s = std::min(best_s, std::chrono::duration<double>(t1 - t0).count());
    }
    const double gflops = 2.0 * static_cast<double>(n) * n * n / best_s / 1e9;
    peak = std::max(peak, gflops);
    char row[160];
    std::snprintf(row, sizeof row, "%s{\"n\": %zu, \"gflops\": %.2f, \"best_ms\": %.3f}", results.empty() ? "" : ", ",
                  n, gflops, best_s * 1e3);
    results += row;
  }
  const double register_gflops = register_kernel_gflops(threads, reps);
  char register_json[96] = "null";
  if (register_gflops > 0.0)
    std::snprintf(register_json, sizeof register_json, "{\"shape\": \"1000x32 * 32x128\", \"gflops\": %.2f}",
                  register_gflops);
  peak = std::max(peak, register_gflops);
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  const std::string coretype_json = coretype ? "\"" + json_text(coretype) + "\"" : "null";
  Dl_info blas_file{};
  const char* library = dladdr(reinterpret_cast<void*>(&openblas_get_corename), &blas_file) ? blas_file.dli_fname : "";
  using Arch = xsimd::batch<float>::arch_type;
  std::printf(
      "{\"threads\": %d, \"core\": \"%s\", \"config\": \"%s\", \"coretype_env\": %s, \"library\": \"%s\", "
      "\"simd\": {\"arch\": \"%s\", \"bits\": %zu, \"register_kernel\": %s}, \"reps\": %d, \"results\": [%s], "
      "\"register\": %s, \"peak_gflops\": %.2f}\n",
      threads, json_text(openblas_get_corename()).c_str(), json_text(openblas_get_config()).c_str(),
      coretype_json.c_str(), json_text(library).c_str(), Arch::name(), xsimd::batch<float>::size * 32,
      seqlab::register_gemm_fits(128) ? "true" : "false", reps, results.c_str(), register_json, peak);
  return 0;
}

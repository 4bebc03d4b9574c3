// OpenBLAS's extension functions, looked up at run time so any BLAS still links.
// (Declared here by hand: <cblas.h> and xtensor-blas cannot share a translation unit.)
#include "blas_runtime.hpp"

#include <dlfcn.h>

namespace seqlab {

namespace {

template <class F>
F lookup(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

void set_blas_threads(int threads) {
  if (auto set = lookup<void (*)(int)>("openblas_set_num_threads")) set(threads);
}

int blas_threads() {
  if (auto get = lookup<int (*)()>("openblas_get_num_threads")) return get();
  return 1;
}

std::string blas_core() {
  if (auto get = lookup<char* (*)()>("openblas_get_corename")) return get();
  return "unknown";
}

}  // namespace seqlab

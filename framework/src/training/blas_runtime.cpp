// OpenBLAS's extension functions: thread count and kernel name.
// (Declared here by hand: <cblas.h> and xtensor-blas cannot share a translation unit.)
#include "training/blas_runtime.hpp"

extern "C" {
void openblas_set_num_threads(int threads);
int openblas_get_num_threads(void);
char* openblas_get_corename(void);
}

namespace seqlab {

// The host links OpenBLAS itself, so plugins loaded later share this one
// library (the loader matches it by soname) and this one thread pool.
void set_blas_threads(int threads) { openblas_set_num_threads(threads); }

int blas_threads() { return openblas_get_num_threads(); }

std::string blas_core() { return openblas_get_corename(); }

}  // namespace seqlab

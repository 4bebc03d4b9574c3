// The BLAS library's run-time facts and thread count: seqlab uses OpenBLAS.
#pragma once

#include <string>

namespace seqlab {

// Sets the BLAS pool size.
void set_blas_threads(int threads);
int blas_threads();
// OpenBLAS's kernel name for this CPU (e.g. "Haswell").
std::string blas_core();

}  // namespace seqlab

// The BLAS library's run-time facts and thread count (OpenBLAS when it is the one linked).
#pragma once

#include <string>

namespace seqlab {

// Sets the BLAS pool size; a no-op when the BLAS has no such control.
void set_blas_threads(int threads);
int blas_threads();
// OpenBLAS's kernel name for this CPU (e.g. "Haswell"), or "unknown".
std::string blas_core();

}  // namespace seqlab

// Matrix products for plugins: xtensor-blas GEMM into existing buffers, no allocation.
#pragma once

#include <cstddef>
#include <xtensor-blas/xblas.hpp>

#include "seqlab/tensor.hpp"

namespace seqlab {

enum class Transpose : bool { no = false, yes = true };

// C = alpha * op(A) * op(B) + beta * C on raw row-major memory.
// A and B are described by their stored shapes: op(A) is A, or A's transpose
// when trans_a is yes; the product's shape follows. C must have the product's
// shape and be distinct from A and B. Nothing is allocated.
inline void gemm(const float* a, std::size_t a_rows, std::size_t a_cols, Transpose trans_a, const float* b,
                 std::size_t b_rows, std::size_t b_cols, Transpose trans_b, float* c, float alpha = 1.0f,
                 float beta = 0.0f) {
  const bool ta = trans_a == Transpose::yes;
  const bool tb = trans_b == Transpose::yes;
  const std::size_t m = ta ? a_cols : a_rows;
  const std::size_t n = tb ? b_rows : b_cols;
  auto a_view = matrix_view(a, a_rows, a_cols);
  auto b_view = matrix_view(b, b_rows, b_cols);
  auto c_view = matrix_view(c, m, n);
  xt::blas::gemm(a_view, b_view, c_view, ta, tb, alpha, beta);
}

}  // namespace seqlab

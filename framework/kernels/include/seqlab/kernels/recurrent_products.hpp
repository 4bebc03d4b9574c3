// The fast recurrent kernels' matrix products: on register_gemm.hpp's kernel where it applies, else on
// OpenBLAS; and the fixed-order row sums and Linear rows whose bits do not depend on the row count.
#pragma once

#include <cmath>
#include <cstddef>
#include <seqlab/blas.hpp>
#include <seqlab/kernels/recurrent_simd.hpp>
#include <seqlab/kernels/register_gemm.hpp>
#include <xsimd/xsimd.hpp>

namespace seqlab::recurrent {

// Products on seqlab/kernels/register_gemm.hpp's kernel where it applies, else on OpenBLAS;
// each writes C, or adds to it when `accumulate`. All row-major and contiguous.
// c (m x n) = a (m x k) w^T, for w (n x k) and w_t, the same transposed (k x n), which the register kernel reads.
inline void product_nt(const float* a, std::size_t m, std::size_t k, const float* w, const float* w_t, std::size_t n,
                       float* c, bool accumulate) {
  if (register_gemm_nn_fits(k, n))
    register_gemm_nn(a, m, k, w_t, n, c, accumulate);
  else  // with beta = 1 OpenBLAS skips its pass that zeroes the output
    gemm(a, m, k, Transpose::no, w, n, k, Transpose::yes, c, 1.0f, accumulate ? 1.0f : 0.0f);
}
// c (m x n) = a (m x k) w, for w (k x n).
inline void product_nn(const float* a, std::size_t m, std::size_t k, const float* w, std::size_t n, float* c,
                       bool accumulate) {
  if (register_gemm_nn_fits(k, n))
    register_gemm_nn(a, m, k, w, n, c, accumulate);
  else
    gemm(a, m, k, Transpose::no, w, k, n, Transpose::no, c, 1.0f, accumulate ? 1.0f : 0.0f);
}
// c (m x n) = a^T b, for a (rows x m) and b (rows x n).
inline void product_tn(const float* a, std::size_t rows, std::size_t m, const float* b, std::size_t n, float* c,
                       bool accumulate) {
  if (register_gemm_tn_fits(m, n))
    register_gemm_tn(a, rows, m, b, n, c, accumulate);
  else
    gemm(a, rows, m, Transpose::yes, b, rows, n, Transpose::no, c, 1.0f, accumulate ? 1.0f : 0.0f);
}

// out[k] += scale_r * m[r * stride + k] for r = 0 .. rows-1 in order, scale_r = scales[r * scale_stride]
// (1 without scales): each column summed in a register, so out is loaded and stored once per call
// rather than once per row, with the bits of adding the rows one by one.
inline void add_rows_in_order(const float* m, std::size_t rows, std::size_t cols, std::size_t stride,
                              const float* scales, std::size_t scale_stride, float* out) {
  simd::for_columns(cols, [&](std::size_t k, auto zero) {
    using V = decltype(zero);
    V sum = simd::load(out + k, zero);
    for (std::size_t r = 0; r < rows; ++r)
      sum = scales ? sum + V(scales[r * scale_stride]) * simd::load(m + r * stride + k, zero)
                   : sum + simd::load(m + r * stride + k, zero);
    simd::store(out + k, sum);
  });
}

// y (rows x o) = x (rows x width) w^T + bias, for w (o x width): each output one fixed-order sum (SIMD
// lanes over the width, the lanes added in a fixed order, then the bias), so a row's outputs do not
// depend on how many rows come with it. OpenBLAS's do (its edge kernels sum in another order), and
// `seqlab eval --data` must give a file's windows the very predictions the run made for them.
inline void linear_rows(const float* x, std::size_t rows, std::size_t width, const float* w, std::size_t o,
                        const float* bias, float* y) {
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < o; ++j) {
      const float *x_r = x + r * width, *w_j = w + j * width;
      simd::Batch lanes(0.0f);
      std::size_t k = 0;
      for (; k + simd::kWidth <= width; k += simd::kWidth)
        lanes = register_gemm_detail::fma(simd::Batch::load_unaligned(x_r + k), simd::Batch::load_unaligned(w_j + k),
                                          lanes);
      float sum = xsimd::hadd(lanes);
      for (; k < width; ++k) sum = std::fma(x_r[k], w_j[k], sum);
      y[r * o + j] = sum + bias[j];
    }
}

}  // namespace seqlab::recurrent

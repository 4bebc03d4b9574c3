// Register-blocked float GEMM for the small products of recurrent models, on 512-bit SIMD.
//
// Why it exists: OpenBLAS is pinned to its Haswell (AVX2) kernels by
// OPENBLAS_CORETYPE on machines where that is needed for correctness, and must
// stay so. On a CPU with AVX-512 that leaves half of each vector unit idle. The
// per-step products of a recurrent model are small (a batch of rows times a
// hidden-sized weight panel that fits in L1), exactly the case a plain
// register-blocked loop handles well: a tile of R rows x NB vectors of C stays in
// registers while k runs, B's row k is loaded once per tile, A's element is
// broadcast. Measured on the seed shapes (AMD EPYC, AVX-512, one thread):
// 200-270 GFLOP/s against OpenBLAS-Haswell's 110-130.
//
// With narrower SIMD (AVX2: 16 registers of 8 floats) the same loops only tie
// with OpenBLAS, so there register_gemm_fits() is false and callers use
// seqlab::gemm. Results are deterministic: each C element is one fixed-order sum.
#pragma once

#include <cstddef>
#include <xsimd/xsimd.hpp>

namespace seqlab {

namespace register_gemm_detail {

using Batch = xsimd::batch<float>;
inline constexpr std::size_t kWidth = Batch::size;
// 512-bit vectors: 32 registers, enough for the tiles below.
inline constexpr bool kAvailable = kWidth >= 16;
// A^T B re-reads A and B once per tile of C; past this many C elements the
// re-reading costs more than OpenBLAS's cache blocking (measured: at 512 x 128
// and 256 x 1024 this kernel still wins, at 2048 x 512 it loses).
inline constexpr std::size_t kMaxTransposedOutput = 256 * 1024;

// C[R x NB vectors] (+)= sum over k of A(r, k) * B(k, :), A(r, k) at a[r * a_row + k * a_col].
template <std::size_t R, std::size_t NB>
inline void tile(const float* a, std::size_t a_row, std::size_t a_col, const float* b, std::size_t ldb, float* c,
                 std::size_t ldc, std::size_t depth, bool accumulate) {
  Batch sum[R][NB];
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < NB; ++j)
      sum[r][j] = accumulate ? Batch::load_unaligned(c + r * ldc + j * kWidth) : Batch(0.0f);
  for (std::size_t k = 0; k < depth; ++k) {
    Batch row[NB];
    for (std::size_t j = 0; j < NB; ++j) row[j] = Batch::load_unaligned(b + k * ldb + j * kWidth);
    for (std::size_t r = 0; r < R; ++r) {
      const Batch a_rk(a[r * a_row + k * a_col]);
      for (std::size_t j = 0; j < NB; ++j) sum[r][j] = xsimd::fma(a_rk, row[j], sum[r][j]);
    }
  }
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < NB; ++j) sum[r][j].store_unaligned(c + r * ldc + j * kWidth);
}

// The last `rows` (< R) rows of C in one tile of that many rows: one pass over B for all of them,
// not one per row (single-row tiles are bound by B's loads). Each entry is the same FMA chain over
// k whatever the tile's height, so the results do not depend on how rows fall into tiles.
template <std::size_t Rows, std::size_t NB>
inline void rest_tile(std::size_t rows, const float* a, std::size_t a_row, std::size_t a_col, std::size_t depth,
                      const float* b, std::size_t n, float* c, bool accumulate) {
  if constexpr (Rows > 0) {
    if (rows != Rows) return rest_tile<Rows - 1, NB>(rows, a, a_row, a_col, depth, b, n, c, accumulate);
    for (std::size_t j = 0; j < n; j += NB * kWidth)
      tile<Rows, NB>(a, a_row, a_col, b + j, n, c + j, n, depth, accumulate);
  }
}

// All of C (m x n): row blocks of R, then one block of the rows left, each across n in NB-vector tiles.
// A(i, k) is at a[i * a_row + k * a_col]; B is (depth x n) row-major.
template <std::size_t R, std::size_t NB>
inline void tiles(const float* a, std::size_t a_row, std::size_t a_col, std::size_t m, std::size_t depth,
                  const float* b, std::size_t n, float* c, bool accumulate) {
  constexpr std::size_t cols = NB * kWidth;
  std::size_t i = 0;
  for (; i + R <= m; i += R)
    for (std::size_t j = 0; j < n; j += cols)
      tile<R, NB>(a + i * a_row, a_row, a_col, b + j, n, c + i * n + j, n, depth, accumulate);
  if (i < m) rest_tile<R - 1, NB>(m - i, a + i * a_row, a_row, a_col, depth, b, n, c + i * n, accumulate);
}

}  // namespace register_gemm_detail

// True when the kernels below handle a product whose C rows are n floats wide:
// 512-bit SIMD and n a multiple of the vector width.
inline bool register_gemm_fits(std::size_t n) {
  return register_gemm_detail::kAvailable && n > 0 && n % register_gemm_detail::kWidth == 0;
}
// The same for C = A^T B of shape (m, n), which also has a size limit (see kMaxTransposedOutput).
inline bool register_gemm_tn_fits(std::size_t m, std::size_t n) {
  return register_gemm_fits(n) && m * n <= register_gemm_detail::kMaxTransposedOutput;
}

// C (m x n) = A (m x k) B (k x n), plus C's old values when `accumulate`; all row-major
// and contiguous. Requires register_gemm_fits(n).
inline void register_gemm_nn(const float* a, std::size_t m, std::size_t k, const float* b, std::size_t n, float* c,
                             bool accumulate) {
  namespace d = register_gemm_detail;
  // Tiles measured best on the seed shapes: 6 x 64, 12 x 32, 12 x 16 floats.
  if (n % (4 * d::kWidth) == 0)
    d::tiles<6, 4>(a, k, 1, m, k, b, n, c, accumulate);
  else if (n % (2 * d::kWidth) == 0)
    d::tiles<12, 2>(a, k, 1, m, k, b, n, c, accumulate);
  else
    d::tiles<12, 1>(a, k, 1, m, k, b, n, c, accumulate);
}

// C (m x n) = A^T B with A (rows x m) and B (rows x n), plus C's old values when
// `accumulate`; all row-major and contiguous. Requires register_gemm_tn_fits(m, n).
inline void register_gemm_tn(const float* a, std::size_t rows, std::size_t m, const float* b, std::size_t n, float* c,
                             bool accumulate) {
  namespace d = register_gemm_detail;
  // A^T(i, k) = A(k, i): a row step of 1 and a depth step of m.
  if (n % (4 * d::kWidth) == 0)
    d::tiles<6, 4>(a, 1, m, m, rows, b, n, c, accumulate);
  else if (n % (2 * d::kWidth) == 0)
    d::tiles<8, 2>(a, 1, m, m, rows, b, n, c, accumulate);
  else
    d::tiles<8, 1>(a, 1, m, m, rows, b, n, c, accumulate);
}

}  // namespace seqlab

// Register-blocked float GEMM for the small products of recurrent models, on 512- or 256-bit SIMD.
//
// Why it exists: OpenBLAS is pinned to its Haswell (AVX2) kernels by
// OPENBLAS_CORETYPE on machines where that is needed for correctness, and must
// stay so. On a CPU with AVX-512 that leaves half of each vector unit idle. The
// per-step products of a recurrent model are small (a batch of rows times a
// hidden-sized weight panel that fits in L1), exactly the case a plain
// register-blocked loop handles well: a tile of R rows x NB vectors of C stays in
// registers while k runs, B's row k is loaded once per tile, A's element is
// broadcast. tools/bench measures it beside OpenBLAS (seqlab_sgemm_peak's "register" line); on the
// seed's recurrent step, one thread, it depends on the CPU's vector width: 196 GFLOP/s measured on
// a Zen 5 (AVX-512 at full width, against OpenBLAS-Haswell's 97 on a 2048^2 sgemm), about 110
// reported on a Zen 4 (AVX-512 executed at half width), 178 on an Intel Xeon with AVX-512.
//
// With AVX2 (16 registers of 8 floats) the tiles are smaller and the kernel only ties with
// OpenBLAS, but it is used there too: each C element is one fixed-order sum whatever the number of
// rows, so a row's result does not depend on the batch it is in (OpenBLAS's does), which the
// eval of new data (its windows must get the run's own predictions) relies on.
#pragma once

#include <algorithm>
#include <cstddef>
#include <immintrin.h>
#include <type_traits>
#include <xsimd/xsimd.hpp>

namespace seqlab {

namespace register_gemm_detail {

using Batch = xsimd::batch<float>;
inline constexpr std::size_t kWidth = Batch::size;
// 256-bit vectors (AVX2: 16 registers) or 512-bit (AVX-512: 32 registers); with_tile picks tiles that fit.
inline constexpr bool kAvailable = kWidth >= 8;
inline constexpr bool kWide = kWidth >= 16;
// A^T B re-reads A and B once per tile of C; past this many C elements the
// re-reading costs more than OpenBLAS's cache blocking (measured: at 512 x 128
// and 256 x 1024 this kernel still wins, at 2048 x 512 it loses).
inline constexpr std::size_t kMaxTransposedOutput = 256 * 1024;
// A B re-reads all of B (k x n) for every tile of rows; past this many floats B comes from L3 each time
// and OpenBLAS's packing wins (measured, seed-shaped lstm at hidden 512, B 512 x 2048: 3.7 s per
// epoch fused on this kernel, PyTorch 3.4 s; hidden 256, B of exactly this size, is 81% of the peak).
inline constexpr std::size_t kMaxPanel = 256 * 1024;
// A^T B's depth goes in blocks of A and B of about this many bytes (register_gemm_tn).
inline constexpr std::size_t kDepthBlockBytes = 512 * 1024;

// a * b + c with one rounding. xsimd 8's fma has no AVX-512 version: it falls back to a * b + c, which
// the compiler fuses only when it inlines and optimises enough (Release does; the sanitizer build
// did not), so results would depend on the build. The intrinsics always fuse.
// (xsimd's default batch is 512 bits wide with AVX-512, 256 with AVX.)
inline Batch fma(const Batch& a, const Batch& b, const Batch& c) {
#if defined(__AVX512F__)
  return _mm512_fmadd_ps(a, b, c);
#elif defined(__AVX__) && defined(__FMA__)
  return _mm256_fmadd_ps(a, b, c);
#else
  return xsimd::fma(a, b, c);
#endif
}

// One register tile: R x NB vectors of accumulators, started at init(r, j) (a Batch), then
// += sum over k < depth of A(r, k) * B(k, j-th vector), A(r, k) at a[r * a_row + k * a_col];
// finish(sum) gets the R x NB array. B's row k is loaded once per tile, A's element broadcast.
// Fused kernels start from a bias and end in a cell's elementwise work while the product is
// in registers; tile() below starts from C or zero and stores.
template <std::size_t R, std::size_t NB, class Init, class Finish>
inline void fused_tile(const float* a, std::size_t a_row, std::size_t a_col, const float* b, std::size_t ldb,
                       std::size_t depth, Init&& init, Finish&& finish) {
  Batch sum[R][NB];
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < NB; ++j) sum[r][j] = init(r, j);
  for (std::size_t k = 0; k < depth; ++k) {
    Batch row[NB];
    for (std::size_t j = 0; j < NB; ++j) row[j] = Batch::load_unaligned(b + k * ldb + j * kWidth);
    for (std::size_t r = 0; r < R; ++r) {
      const Batch a_rk(a[r * a_row + k * a_col]);
      for (std::size_t j = 0; j < NB; ++j) sum[r][j] = fma(a_rk, row[j], sum[r][j]);
    }
  }
  finish(sum);
}

// Calls f(std::integral_constant<size_t, rows>) for a run-time rows in [1, Max]: a tile of
// exactly the rows left.
template <std::size_t Max, class F>
inline void rest_rows(std::size_t rows, F&& f) {
  if constexpr (Max > 0) {
    if (rows == Max) return f(std::integral_constant<std::size_t, Max>{});
    rest_rows<Max - 1>(rows, f);
  }
}

// fused_tile over all of an (m x n) product A B: A(i, k) at a[i * a_row + k * a_col], B (depth x n)
// row-major. Tiles of R rows, then the rows left in one tile of exactly that many (one pass over B
// for all of them: single-row tiles are bound by B's loads), each across n in tiles of NB vectors.
// Each entry is the same FMA chain over k whatever its tile's height, so results do not depend on
// how rows fall into tiles. init(i, c) starts row i's accumulator of columns [c, c + kWidth);
// finish(i, c, sum) gets the tile whose first row is i and first column c, sum an R' x NB array (R' <= R).
template <std::size_t R, std::size_t NB, class Init, class Finish>
inline void fused_rows(std::size_t m, std::size_t n, const float* a, std::size_t a_row, std::size_t a_col,
                       const float* b, std::size_t depth, Init&& init, Finish&& finish) {
  constexpr std::size_t cols = NB * kWidth;
  auto block = [&](auto rows, std::size_t i) {
    constexpr std::size_t Rows = decltype(rows)::value;
    for (std::size_t c = 0; c < n; c += cols)
      fused_tile<Rows, NB>(
          a + i * a_row, a_row, a_col, b + c, n, depth,
          [&](std::size_t r, std::size_t j) { return init(i + r, c + j * kWidth); },
          [&](Batch(&sum)[Rows][NB]) { finish(i, c, sum); });
  };
  std::size_t i = 0;
  for (; i + R <= m; i += R) block(std::integral_constant<std::size_t, R>{}, i);
  if (i < m) rest_rows<R - 1>(m - i, [&](auto rows) { block(rows, i); });
}

// All of C (m x n) (+)= A B, A and B as fused_rows takes them.
template <std::size_t R, std::size_t NB>
inline void tiles(const float* a, std::size_t a_row, std::size_t a_col, std::size_t m, std::size_t depth,
                  const float* b, std::size_t n, float* c, bool accumulate) {
  fused_rows<R, NB>(
      m, n, a, a_row, a_col, b, depth,
      [&](std::size_t i, std::size_t col) { return accumulate ? Batch::load_unaligned(c + i * n + col) : Batch(0.0f); },
      [&](std::size_t i, std::size_t col, auto& sum) {
        constexpr std::size_t rows = std::extent_v<std::remove_reference_t<decltype(sum)>>;
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t j = 0; j < NB; ++j) sum[r][j].store_unaligned(c + (i + r) * n + col + j * kWidth);
      });
}

// f(R, NB) (std::integral_constant values) with the tile measured best on the seed shapes for a product
// n columns wide (n a multiple of kWidth). 512-bit: 6 x 64, 12 x 32, 12 x 16 floats; 256-bit, whose 16
// registers hold R * NB accumulators, NB rows of B and A's broadcast: 6 x 16, 12 x 8 floats.
template <class F>
inline void with_tile(std::size_t n, F&& f) {
  using Six = std::integral_constant<std::size_t, 6>;
  using Twelve = std::integral_constant<std::size_t, 12>;
  using One = std::integral_constant<std::size_t, 1>;
  using Two = std::integral_constant<std::size_t, 2>;
  if (kWide && n % (4 * kWidth) == 0)
    f(Six{}, std::integral_constant<std::size_t, 4>{});
  else if (n % (2 * kWidth) == 0)
    kWide ? f(Twelve{}, Two{}) : f(Six{}, Two{});
  else
    f(Twelve{}, One{});
}

}  // namespace register_gemm_detail

// True when the kernels below handle a product whose C rows are n floats wide:
// 256- or 512-bit SIMD and n a multiple of the vector width.
inline bool register_gemm_fits(std::size_t n) {
  return register_gemm_detail::kAvailable && n > 0 && n % register_gemm_detail::kWidth == 0;
}
// The same for C = A B with B (k x n), which also has a size limit (see kMaxPanel).
inline bool register_gemm_nn_fits(std::size_t k, std::size_t n) {
  return register_gemm_fits(n) && k * n <= register_gemm_detail::kMaxPanel;
}
// The same for C = A^T B of shape (m, n), which also has a size limit (see kMaxTransposedOutput).
inline bool register_gemm_tn_fits(std::size_t m, std::size_t n) {
  return register_gemm_fits(n) && m * n <= register_gemm_detail::kMaxTransposedOutput;
}

// C (m x n) = A (m x k) B (k x n), plus C's old values when `accumulate`; all row-major
// and contiguous. Requires register_gemm_fits(n).
inline void register_gemm_nn(const float* a, std::size_t m, std::size_t k, const float* b, std::size_t n, float* c,
                             bool accumulate) {
  register_gemm_detail::with_tile(n, [&](auto rows, auto vectors) {
    register_gemm_detail::tiles<decltype(rows)::value, decltype(vectors)::value>(a, k, 1, m, k, b, n, c, accumulate);
  });
}

// C (m x n) = A^T B with A (rows x m) and B (rows x n), plus C's old values when
// `accumulate`; all row-major and contiguous. Requires register_gemm_tn_fits(m, n).
inline void register_gemm_tn(const float* a, std::size_t rows, std::size_t m, const float* b, std::size_t n, float* c,
                             bool accumulate) {
  namespace d = register_gemm_detail;
  // The depth (rows of A and B) in blocks of about kDepthBlockBytes: every tile of C re-reads its block
  // of A and B, which then comes from cache, not from memory; C's tiles go through memory between
  // blocks, which leaves each entry's FMA chain (and so its bits) as it was.
  const std::size_t block = std::max<std::size_t>(1, d::kDepthBlockBytes / ((m + n) * sizeof(float)));
  std::size_t k0 = 0;
  do {  // at least once: a depth of 0 still writes C (zeros, or leaves it when accumulating)
    const std::size_t depth = std::min(block, rows - k0);
    const float *a_k = a + k0 * m, *b_k = b + k0 * n;
    const bool add = accumulate || k0 > 0;
    // A^T(i, k) = A(k, i): a row step of 1 and a depth step of m.
    if (d::kWide && n % (4 * d::kWidth) == 0)
      d::tiles<6, 4>(a_k, 1, m, m, depth, b_k, n, c, add);
    else if (d::kWide && n % (2 * d::kWidth) == 0)
      d::tiles<8, 2>(a_k, 1, m, m, depth, b_k, n, c, add);
    else if (n % (2 * d::kWidth) == 0)
      d::tiles<6, 2>(a_k, 1, m, m, depth, b_k, n, c, add);
    else
      d::tiles<8, 1>(a_k, 1, m, m, depth, b_k, n, c, add);
    k0 += block;
  } while (k0 < rows);
}

}  // namespace seqlab
